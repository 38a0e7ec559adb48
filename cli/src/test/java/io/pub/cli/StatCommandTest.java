package io.pub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pub.Delivery;
import io.pub.Pub;
import io.pub.Subscriber;
import io.pub.spi.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * stat looks again every interval at a store an application keeps using: between two looks (the
 * tool's pause) the application here publishes two messages and acknowledges one.
 */
@Timeout(60)
class StatCommandTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void showsDepthLagAndRatesAtEveryLook(TestStore kind) throws Exception {
        String url = kind.url(tmp);
        MutableClock clock = new MutableClock(Instant.now());
        try (Pub app = TestStore.pub(url)) {
            app.createQueue("orders");
            app.createTopic("quiet", 1);
            app.producer().publish("orders", InspectCommandsTest.text("first", null));
            Subscriber consumer = app.subscriber(
                    app.controller()
                            .subscription("orders", Pub.QUEUE_SUBSCRIPTION)
                            .orElseThrow(),
                    app.subscriberOptions());
            Env.Pause busy = d -> {
                clock.advance(d);
                app.producer().publish("orders", InspectCommandsTest.text("more", null));
                app.producer().publish("orders", InspectCommandsTest.text("more", null));
                List<Delivery> one = consumer.poll(1);
                consumer.ack(one);
            };

            Cli.Result r = Cli.run(
                    clock, "", busy, "--store", url, "--json", "stat", "--interval", "2s", "--count", "3", "orders");
            assertThat(r.code()).as(r.toString()).isZero();
            List<JsonNode> looks = Json.lines(r.out());
            assertThat(looks).hasSize(3);
            JsonNode first = looks.get(0).path("rows").get(0);
            assertThat(first.path("topic").asText()).isEqualTo("orders");
            assertThat(first.path("depth").asLong()).isEqualTo(1);
            assertThat(first.path("inPerSecond").isNull())
                    .as("nothing to compare with yet")
                    .isTrue();
            for (int i = 1; i < 3; i++) {
                JsonNode row = looks.get(i).path("rows").get(0);
                assertThat(row.path("depth").asLong()).isEqualTo(1 + i);
                assertThat(row.path("lag").asLong())
                        .isGreaterThanOrEqualTo(row.path("depth").asLong());
                assertThat(row.path("inPerSecond").asDouble()).isEqualTo(1.0); // 2 messages in 2 s
                assertThat(row.path("outPerSecond").asDouble()).isEqualTo(0.5);
                assertThat(looks.get(i).path("time").asLong()
                                - looks.get(i - 1).path("time").asLong())
                        .isEqualTo(2000);
            }
            assertThat(looks.get(0).path("rows")).as("only the topic asked for").hasSize(1);

            Cli.Result table = Cli.run(clock, "", busy, "--store", url, "stat", "--interval", "1s", "--count", "2");
            assertThat(table.code()).as(table.toString()).isZero();
            assertThat(table.out())
                    .contains(" UTC  ", "(every 1.0s)", "TOPIC", "DEPTH", "IN/S", "OUT/S")
                    .containsPattern("orders\\s+\\$queue\\s+queue\\s+\\d+\\s+\\d+\\s+2\\.0\\s+1\\.0")
                    .containsPattern("quiet\\s+-\\s+no subscriptions");
        }
        Cli.Result unknown = Cli.run("--store", url, "stat", "--count", "1", "nope");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("there is no queue or topic named 'nope'");
        Cli.Result badInterval = Cli.run("--store", url, "stat", "--interval", "soon");
        assertThat(badInterval.code()).isEqualTo(2);
        assertThat(badInterval.err()).contains("'soon' is not a duration");
    }
}
