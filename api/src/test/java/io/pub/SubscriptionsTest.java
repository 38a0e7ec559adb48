package io.pub;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.SubscriptionException.Reason;
import io.pub.Subscriptions.Registration;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the engine offers APIs built on it for consumer subscriptions: consumer slots counted with
 * claims, shared subscriptions removed with their last consumer, durable ones kept and removed only
 * when idle, redefinition refused while in use, temporary destinations, and browsing without leases.
 */
@Timeout(30)
class SubscriptionsTest {
    private final Pub pub = Pub.builder()
            .url("mem:subscriptions-" + UUID.randomUUID())
            .settings(Settings.only(Map.of()))
            .clock(Clock.systemUTC())
            .meterRegistry(null)
            .config(Pub.Config.defaults().withHousekeepingInterval(Duration.ZERO))
            .build();
    private final Heartbeat jvm1 = pub.heartbeat("hb:one", Duration.ofSeconds(30));
    private final Heartbeat jvm2 = pub.heartbeat("hb:two", Duration.ofSeconds(30));

    @AfterEach
    void close() {
        jvm1.close();
        jvm2.close();
        pub.close();
    }

    private static Reason reasonOf(Runnable r) {
        try {
            r.run();
        } catch (SubscriptionException e) {
            return e.reason();
        }
        throw new AssertionError("no SubscriptionException");
    }

    @Test
    void anUnsharedDurableSubscriptionHasOneActiveConsumerInAllProcesses() {
        pub.createTopic("t", 1);
        Registration first = pub.subscriptions().durable("t", "d:c:sub", "sub", null, false, false, jvm1);
        assertThat(reasonOf(() -> pub.subscriptions().durable("t", "d:c:sub", "sub", null, false, false, jvm2)))
                .isEqualTo(Reason.EXCLUSIVE);
        assertThat(reasonOf(() -> pub.subscriptions().durable("t", "d:c:sub", "sub", null, false, true, jvm2)))
                .as("opened as shared")
                .isEqualTo(Reason.KIND_MISMATCH);
        assertThat(reasonOf(() -> pub.subscriptions().deleteDurable("d:c:sub", "sub", "none")))
                .isEqualTo(Reason.IN_USE);

        List<Exception> failures = new ArrayList<>();
        assertThat(first.close(failures)).as("a durable subscription stays").isFalse();
        assertThat(failures).isEmpty();
        assertThat(pub.subscriptions().exists("t", "d:c:sub")).isTrue();
        Registration second = pub.subscriptions().durable("t", "d:c:sub", "sub", null, false, false, jvm2);
        second.close(failures);
        pub.subscriptions().deleteDurable("d:c:sub", "sub", "none");
        assertThat(pub.subscriptions().exists("t", "d:c:sub")).isFalse();
        assertThat(reasonOf(() -> pub.subscriptions().deleteDurable("d:c:sub", "sub", "none")))
                .isEqualTo(Reason.NOT_FOUND);
    }

    @Test
    void aSharedSubscriptionGoesWithItsLastConsumerAndCannotBeRedefinedWhileInUse() {
        pub.createTopic("a", 1);
        pub.createTopic("b", 1);
        Registration one = pub.subscriptions().shared("a", "s:x", "x", null, jvm1);
        Registration two = pub.subscriptions().shared("a", "s:x", "x", null, jvm2);
        assertThat(one.subscription()).isEqualTo(two.subscription());
        assertThat(reasonOf(() -> pub.subscriptions().shared("b", "s:x", "x", null, jvm2)))
                .as("another topic while in use")
                .isEqualTo(Reason.CONFLICT);

        List<Exception> failures = new ArrayList<>();
        assertThat(one.close(failures)).as("another consumer is active").isFalse();
        assertThat(pub.subscriptions().exists("a", "s:x")).isTrue();
        assertThat(two.close(failures)).as("the last consumer takes it along").isTrue();
        assertThat(failures).isEmpty();
        assertThat(pub.subscriptions().exists("a", "s:x")).isFalse();

        Registration moved = pub.subscriptions().shared("b", "s:x", "x", "k = 1", jvm1);
        assertThat(moved.subscription().topic()).isEqualTo("b");
        assertThat(moved.subscription().selector()).isEqualTo("k = 1");
        moved.close(failures);
    }

    @Test
    void temporaryQueuesAreBrowsedWithoutLeasesSkippingWhatIsDoneOrFiltered() {
        pub.subscriptions().createTemporary("tmp-q-1", true, jvm1);
        assertThat(pub.subscriptions().topicExists("tmp-q-1")).isTrue();
        assertThat(pub.topic("tmp-q-1").orElseThrow().owner()).isEqualTo(jvm1.key());
        Producer producer = pub.producer();
        for (String body : List.of("a", "b", "c")) {
            producer.publish("tmp-q-1", Message.builder().body(body.getBytes()).build());
        }
        Registration queue = pub.subscriptions().queue("tmp-q-1");
        try (Consumer consumer = pub.consumer(queue.subscription(), 1)) {
            assertThat(consumer.pull(0, d -> {}))
                    .as("one message consumed and acknowledged")
                    .isEqualTo(1);
        }
        assertThat(bodies(pub.subscriptions().browse("tmp-q-1", null))).containsExactly("b", "c");
        // browsing took no leases: a consumer still gets what was browsed
        try (Consumer consumer = pub.consumer(queue.subscription(), 1)) {
            List<String> got = new ArrayList<>();
            assertThat(consumer.pull(0, d -> got.add(new String(d.message().body()))))
                    .isEqualTo(1);
            assertThat(got).containsExactly("b");
        }
        assertThat(bodies(pub.subscriptions().browse("tmp-q-1", m -> new String(m.body()).equals("c"))))
                .containsExactly("c");
        assertThat(reasonOf(() -> pub.subscriptions().browse("no-such-queue", null)))
                .isEqualTo(Reason.NOT_FOUND);
        assertThat(reasonOf(() -> pub.subscriptions().queue("no-such-queue"))).isEqualTo(Reason.NOT_FOUND);
        pub.deleteTopic("tmp-q-1");
        assertThat(pub.subscriptions().topicExists("tmp-q-1")).isFalse();
    }

    private static List<String> bodies(Iterator<Message> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(m -> out.add(new String(m.body())));
        return out;
    }
}
