package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Metrics;
import io.pub.Pub;
import io.pub.spi.StoreException;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.Topic;
import java.lang.reflect.Method;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a consumer or a temporary destination registers in the JVM goes when it is closed or deleted:
 * meters (the JMS provider meters into Micrometer's global registry, where every non-durable
 * subscription id and temporary destination name used to stay as a tag for ever) and the engine's
 * in-JVM wake-up entries. And a close whose release fails still removes the consumer's non-durable
 * subscription.
 */
@Timeout(120)
class ConsumerCloseLeakTest extends JmsTestBase {
    private static final int CYCLES = 200;
    private final String storeName = "leaks-" + UUID.randomUUID();

    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    @AfterEach
    void heal() {
        FaultyStore.heal(storeName);
    }

    @Test
    void consumersAndTemporaryQueuesCreatedAndClosedLeaveNoMetersAndNoWakeupEntries() throws Exception {
        Connection c = connection();
        Pub pub = ((PubConnection) c).pub();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = s.createTopic(name("t"));
        MessageProducer producer = s.createProducer(null);
        for (int i = 0; i < 3; i++) {
            cycle(s, topic, producer); // the topic's own meters and the store operations' timers exist now
        }
        long meters = perConsumerMeters();
        int wakeups = wakeupEntries(pub);

        for (int i = 0; i < CYCLES; i++) {
            cycle(s, topic, producer);
        }

        assertThat(perConsumerMeters()).isEqualTo(meters);
        assertThat(wakeupEntries(pub)).isEqualTo(wakeups);
    }

    /** A topic consumer and a temporary queue with a consumer, each used once, then closed and deleted. */
    private static void cycle(Session s, Topic topic, MessageProducer producer) throws JMSException {
        MessageConsumer onTopic = s.createConsumer(topic);
        producer.send(topic, s.createTextMessage("t"));
        assertThat(onTopic.receive(ARRIVE_MS)).isNotNull();
        onTopic.close();

        TemporaryQueue replies = s.createTemporaryQueue();
        MessageConsumer onQueue = s.createConsumer(replies);
        producer.send(replies, s.createTextMessage("q"));
        assertThat(onQueue.receive(ARRIVE_MS)).isNotNull();
        onQueue.close();
        replies.delete();
    }

    /**
     * Meters but the store operations' timers: those are one per kind of store call, made on first
     * use, and the connection's heartbeat makes its first call (readClaim) whenever its first beat
     * comes, which a slow run reaches during the cycles.
     */
    private static long perConsumerMeters() {
        return Metrics.globalRegistry.getMeters().stream()
                .filter(m -> !m.getId().getName().equals("pub.store.op"))
                .count();
    }

    private static int wakeupEntries(Pub pub) throws Exception {
        Method m = Pub.class.getDeclaredMethod("wakeupEntries");
        m.setAccessible(true);
        return (int) m.invoke(pub);
    }

    @Test
    void aCloseWhoseReleaseFailsStillRemovesTheNonDurableSubscription() throws Exception {
        PubConnectionFactory f =
                new PubConnectionFactory("faulty:" + storeName + "?prefetch=5", TestStores.SETTINGS, TestStores.CLOCK);
        Connection c = track(f.createConnection());
        c.start();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = s.createTopic(name("t"));
        MessageConsumer consumer = s.createConsumer(topic);
        send(s, topic, texts("m", 5));
        assertThat(consumer.receive(ARRIVE_MS)).isNotNull(); // and four more leased ahead, held
        io.pub.spi.Controller store = ((PubConnection) c).pub().controller();
        assertThat(store.subscriptions(topic.getTopicName())).hasSize(1);

        // what it leased ahead goes back uncounted (giveBack); a release would count a delivery
        FaultyStore.fail(storeName, "giveBack", () -> new StoreException("release refused by the test"));
        FaultyStore.fail(storeName, "release", () -> new StoreException("release refused by the test"));
        assertThatThrownBy(consumer::close).isInstanceOf(JMSException.class).hasMessageContaining("release refused");

        assertThat(store.subscriptions(topic.getTopicName())).isEmpty();
    }
}
