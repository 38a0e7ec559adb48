package io.pub.samples.jms;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Settings;
import io.pub.jms.PubConnectionFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each JMS sample against the embedded store in a fresh directory. */
@Timeout(60)
class JmsSamplesTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    PubConnectionFactory factory() {
        return new PubConnectionFactory(
                "embedded:" + dir.resolve("pub-data"),
                Settings.only(Map.of("PUB_HOUSEKEEPING_INTERVAL", "0", "PUB_RESCAN_INTERVAL", "100ms")),
                Clock.systemUTC());
    }

    @Test
    void queueSendAndReceive() {
        assertThat(QueueSample.run(factory(), "orders", 5, out))
                .containsExactly("order 1", "order 2", "order 3", "order 4", "order 5");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("received 5 messages from orders");
    }

    @Test
    void sharedDurableSubscriptionSplitsMessagesBetweenTwoConsumers() {
        Map<String, List<String>> got =
                SharedDurableTopicSample.run(SharedDurableTopicSample.sharing(factory()), "prices", "billing", 20, out);
        List<String> all = new ArrayList<>();
        got.values().forEach(all::addAll);
        assertThat(all).hasSize(20).doesNotHaveDuplicates();
        for (int i = 1; i <= 20; i++) {
            assertThat(all).contains("price " + i);
        }
        assertThat(got).as("both consumers took part").containsKeys("consumer-a", "consumer-b");
    }

    @Test
    void requestReplyOverATemporaryQueue() throws Exception {
        assertThat(RequestReplySample.run(factory(), "uppercase", List.of("hello", "pub", "jms"), out))
                .containsExactly("HELLO", "PUB", "JMS");
    }
}
