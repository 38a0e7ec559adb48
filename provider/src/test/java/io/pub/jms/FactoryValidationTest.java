package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes in a factory URL fail when the factory is made, naming the option and what was expected;
 * durations have minimums; the message size limit is named when it is exceeded.
 */
class FactoryValidationTest extends JmsTestBase {
    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    private static PubConnectionFactory make(String url) {
        return new PubConnectionFactory(url, TestStores.SETTINGS, TestStores.CLOCK);
    }

    @Test
    void anUnknownStoreOptionFailsWhenTheFactoryIsMade(@TempDir Path dir) {
        assertThatThrownBy(() -> make("embedded:" + dir + "?bogus=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bogus'")
                .hasMessageContaining("sync=")
                .hasMessageContaining("clientID"); // the provider's own options too: it may be a typo of one
        assertThatThrownBy(() -> make("embedded:" + dir + "?sync=maybe")).hasMessageContaining("sync");
        assertThatThrownBy(() -> make("couchbase://localhost/pubsub?bogus=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bogus")
                .hasMessageContaining("scope, layout");
        assertThatThrownBy(() -> make("couchbase://localhost/pubsub?layout=flat"))
                .hasMessageContaining("layout");
        assertThatThrownBy(() -> make("mem:x?bogus=1")).hasMessageContaining("bogus");
        // nothing was opened: the embedded directory is not even created
        assertThat(Files.exists(dir.resolve("never"))).isFalse();
        make("embedded:" + dir.resolve("never") + "?sync=false&clientID=a"); // good options pass
        make("couchbase://localhost/pubsub?scope=s&timeout.kvTimeout=3s"); // an SDK setting too
    }

    @Test
    void durationsHaveMinimums() {
        assertThatThrownBy(() -> factory("leaseDuration=1ms"))
                .hasMessageContaining("leaseDuration must be at least 100ms, was 1ms");
        assertThatThrownBy(() -> factory("heartbeat=50ms")).hasMessageContaining("heartbeat must be at least 100ms");
        assertThatThrownBy(() -> factory("heartbeat=0")).hasMessageContaining("heartbeat");
        assertThatThrownBy(() -> factory("redeliveryDelay=-1s")).hasMessageContaining("redeliveryDelay");
        assertThatThrownBy(() -> factory("redeliveryMaxDelay=0ms")).hasMessageContaining("redeliveryMaxDelay");
        assertThatThrownBy(() -> factory("asyncSendWindow=0")).hasMessageContaining("asyncSendWindow");
        assertThatThrownBy(() -> factory("asyncSendWindowBytes=1MB")).hasMessageContaining("asyncSendWindowBytes");
        PubConnectionFactory f = factory("leaseDuration=100ms&heartbeat=100ms&asyncSendWindowBytes=512KiB");
        assertThat(f.options().leaseDuration().toMillis()).isEqualTo(100);
        assertThat(f.options().sendWindow().bytes()).isEqualTo(512 * 1024);
        assertThatThrownBy(() ->
                        io.pub.Pub.Config.from(io.pub.Settings.only(java.util.Map.of("PUB_LEASE_DURATION", "1ms"))))
                .hasMessageContaining("PUB_LEASE_DURATION must be at least 100ms");
        assertThatThrownBy(() -> io.pub.Pub.Config.from(
                        io.pub.Settings.only(java.util.Map.of("PUB_HOUSEKEEPING_INTERVAL", "5ms"))))
                .hasMessageContaining("PUB_HOUSEKEEPING_INTERVAL");
    }

    @Test
    void theIdlePollLiesBetweenTheFirstRecheckAndTenSecondsAndReachesTheConsumers() throws Exception {
        assertThatThrownBy(() -> factory("idlePoll=10ms"))
                .hasMessageContaining("idlePoll must be at least 50ms, was 10ms");
        assertThatThrownBy(() -> factory("idlePoll=11s")).hasMessageContaining("idlePoll must be at most 10s, was 11s");
        assertThatThrownBy(() -> new PubConnectionFactory(
                                "mem:idle",
                                io.pub.Settings.only(java.util.Map.of("PUB_IDLE_POLL", "soon")),
                                TestStores.CLOCK)
                        .options())
                .hasMessageContaining("idlePoll must be a duration");
        assertThat(factory("").options().idlePoll()).isEqualTo(ProviderOptions.DEFAULT_IDLE_POLL);
        PubConnectionFactory f = new PubConnectionFactory(
                "mem:idle", io.pub.Settings.only(java.util.Map.of("PUB_IDLE_POLL", "1s")), TestStores.CLOCK);
        assertThat(f.options().idlePoll()).hasSeconds(1);
        f.setIdlePoll("2s"); // the setter wins over the setting
        try (PubConnection c = (PubConnection) f.createConnection()) {
            io.pub.Receiver.Options o = PubMessageConsumer.receiverOptions(1, c);
            assertThat(o.quietRecheck()).isEqualTo(PubMessageConsumer.QUIET_RECHECK);
            assertThat(o.idleRecheck()).hasSeconds(2);
        }
    }

    @Test
    void aMessageOverTheSizeLimitIsRefusedNamingTheLimit() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(s.createQueue(name("big")));
        BytesMessage m = s.createBytesMessage();
        m.writeBytes(new byte[16 * 1024 * 1024 + 1]);
        assertThatThrownBy(() -> p.send(m))
                .isInstanceOf(MessageFormatException.class)
                .hasMessageContaining("at most 16 MiB");
    }
}
