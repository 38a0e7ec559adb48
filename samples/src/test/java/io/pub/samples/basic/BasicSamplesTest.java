package io.pub.samples.basic;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Pub;
import io.pub.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class BasicSamplesTest {

    static Pub open(Path dir) {
        return Pub.builder()
                .settings(Settings.only(Map.of("PUB_HOUSEKEEPING_INTERVAL", "0")))
                .url("embedded:" + dir)
                .build();
    }

    @Test
    void whatTheProducerPublishedTheConsumerGetsOnceInAnotherSession(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Pub pub = open(dir)) {
            assertThat(BasicProducer.publish(pub, "basic-events", 25, 10, 0, out))
                    .isEqualTo(25);
        }
        try (Pub pub = open(dir)) { // reopened: the events are in the store, not in memory
            assertThat(BasicConsumer.consume(pub, "basic-events", 10, 2, Duration.ofMillis(20), out))
                    .isEqualTo(25);
            assertThat(BasicConsumer.consume(pub, "basic-events", 10, 1, Duration.ofMillis(20), out))
                    .isZero();
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("published 25 events to basic-events").contains("consumed 25 events");
        for (int i = 0; i < 25; i++) {
            assertThat(text).contains("event-" + i + " shard").contains("{\"seq\":" + i + "}");
        }
    }
}
