package io.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.spi.MutableClock;
import io.pub.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The redelivery policy the native Consumer and the JMS provider share: a failed message waits the
 * backed-off delay before it comes again, and after maxDeliveries it goes to the dead-letter queue.
 */
@Timeout(30)
class RedeliveryPolicyTest {

    @Test
    void theDelayGrowsByTheBackoffUpToItsCap() {
        RedeliveryPolicy p = new RedeliveryPolicy(Duration.ofMillis(100), 3, Duration.ofMillis(500), 0, "DLQ");
        assertThat(p.delayBefore(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delayBefore(2)).isEqualTo(Duration.ofMillis(300));
        assertThat(p.delayBefore(3)).isEqualTo(Duration.ofMillis(500));
        assertThat(new RedeliveryPolicy(Duration.ZERO, 2, Duration.ofMillis(1), 0, "DLQ").delayBefore(5))
                .isZero();
    }

    @Test
    void badValuesAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new RedeliveryPolicy(Duration.ofMillis(-1), 2, Duration.ofSeconds(1), 0, "DLQ"))
                .hasMessageContaining("redelivery delay");
        assertThatThrownBy(() -> new RedeliveryPolicy(Duration.ZERO, 0.5, Duration.ofSeconds(1), 0, "DLQ"))
                .hasMessageContaining("backoff");
        assertThatThrownBy(() -> new RedeliveryPolicy(Duration.ZERO, 2, Duration.ofSeconds(1), -1, "DLQ"))
                .hasMessageContaining("maxDeliveries");
    }

    @Test
    void theNativeConsumerRedeliversAfterThePolicysDelayAndDeadLettersAfterMaxDeliveries() {
        MutableClock clock = new MutableClock();
        try (Pub pub = Pub.builder()
                .url("mem:redelivery-" + UUID.randomUUID())
                .clock(clock)
                .meterRegistry(null)
                .config(Pub.Config.defaults().withShards(1).withHousekeepingInterval(Duration.ZERO))
                .build()) {
            Subscription q = pub.createQueue("work");
            pub.producer()
                    .publish(
                            "work",
                            Message.builder()
                                    .body("x".getBytes(StandardCharsets.UTF_8))
                                    .build());
            RedeliveryPolicy policy = new RedeliveryPolicy(Duration.ofSeconds(1), 2, Duration.ofMinutes(1), 2, "dead");
            List<Integer> seen = new ArrayList<>();
            Consumer.Handler failing = d -> {
                seen.add(d.deliveryCount());
                throw new IllegalStateException("fails");
            };
            try (Consumer c = pub.consumer(q, 10, policy)) {
                assertThat(c.pull(0, failing)).isZero();
                assertThat(c.pull(0, failing)).as("within the delay").isZero();
                clock.advance(Duration.ofSeconds(1));
                assertThat(c.pull(0, failing)).isZero();
                assertThat(seen).containsExactly(1, 2);
                clock.advance(Duration.ofMillis(1999));
                assertThat(c.pull(0, failing)).as("within the doubled delay").isZero();
                assertThat(seen).containsExactly(1, 2);
                // due now; the poll that found it leased moved on, so the next rescan finds it again
                clock.advance(pub.config().rescanInterval());
                assertThat(c.pull(0, failing)).isZero(); // a third delivery: dead-lettered instead
                assertThat(seen).containsExactly(1, 2);
            }
            Subscription dead = pub.createQueue("dead");
            List<Delivery> letters = new ArrayList<>();
            try (Consumer c = pub.consumer(dead, 10)) {
                c.pull(0, letters::add);
            }
            assertThat(letters).hasSize(1);
            assertThat(letters.get(0).message().properties()).containsEntry(DeadLetters.DELIVERY_COUNT, 2);
        }
    }
}
