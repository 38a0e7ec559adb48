package io.pub;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pub.spi.Subscription;
import io.pub.spi.Subscription.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The subscription gauges follow the live subscribers of every engine on a registry: an application
 * that closes its last connection and opens another gets a new engine on the same registry, and the
 * gauges must then show the new engine's consumers (Micrometer keeps the first registration of a
 * gauge, so a gauge bound to the first engine would read its closed subscribers for ever).
 */
@Timeout(30)
class PubMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final String url = "mem:metrics-" + UUID.randomUUID();

    private Pub engine() {
        return Pub.builder().url(url).meterRegistry(registry).build();
    }

    private static Subscription subscribe(Pub pub, String id, Kind kind) {
        pub.createTopic("orders", 1);
        return pub.subscribe(new Subscription(
                "orders", id, kind, null, false, null, pub.clock().millis()));
    }

    private static void publish(Pub pub, int count) {
        for (int i = 0; i < count; i++) {
            pub.producer()
                    .publish(
                            "orders",
                            Message.builder()
                                    .body(("m" + i).getBytes(StandardCharsets.UTF_8))
                                    .build());
        }
    }

    private Gauge gauge(String name, String subscription) {
        return registry.find(name).tag("subscription", subscription).gauge();
    }

    @Test
    void aLaterEngineOwnsTheLeasesGaugeOfADurableSubscription() {
        try (Pub first = engine()) {
            Subscription audit = subscribe(first, "audit", Kind.SHARED_DURABLE);
            publish(first, 5);
            Subscriber s = first.subscriber(audit, first.subscriberOptions());
            assertThat(s.poll(1)).hasSize(1);
            assertThat(gauge("pub.leases.live", "audit").value()).isEqualTo(1.0);
            s.close();
            assertThat(gauge("pub.leases.live", "audit").value()).isZero();
        }
        // the same subscription consumed by two engines at once, both opened after the first closed
        try (Pub second = engine();
                Pub third = engine()) {
            Subscription audit = subscribe(second, "audit", Kind.SHARED_DURABLE);
            publish(second, 5);
            Subscriber a = second.subscriber(audit, second.subscriberOptions());
            Subscriber b = third.subscriber(audit, third.subscriberOptions());
            assertThat(a.poll(2)).hasSize(2);
            assertThat(b.poll(1)).hasSize(1);
            assertThat(registry.find("pub.leases.live").gauges()).hasSize(1);
            assertThat(gauge("pub.leases.live", "audit").value()).isEqualTo(3.0);
            a.close(); // its two leases are given back
            assertThat(gauge("pub.leases.live", "audit").value()).isEqualTo(1.0);
            b.close();
        }
        // a durable subscription keeps its meters after its consumers, and they read what is true
        assertThat(registry.find("pub.leases.live").gauges()).hasSize(1);
        assertThat(gauge("pub.leases.live", "audit").value()).isZero();
        assertThat(registry.find("pub.delivered")
                        .tag("subscription", "audit")
                        .counter()
                        .count())
                .isEqualTo(4.0);
    }

    @Test
    void aNonDurableSubscriptionTakesAllItsMetersAlongWhenItsSubscriberCloses() {
        try (Pub pub = engine()) {
            String id = "nd-" + UUID.randomUUID();
            Subscription s = subscribe(pub, id, Kind.NON_DURABLE);
            Subscriber subscriber = pub.subscriber(s, pub.subscriberOptions());
            publish(pub, 3);
            List<Delivery> got = subscriber.poll(3);
            assertThat(got).hasSize(3);
            subscriber.ack(got);
            subscriber.refreshLag();
            assertThat(registry.find("pub.delivered")
                            .tag("subscription", id)
                            .counter()
                            .count())
                    .isEqualTo(3.0);
            assertThat(gauge("pub.consumer.lag", id)).isNotNull();
            subscriber.close();
            assertThat(registry.find("pub.leases.live").tag("subscription", id).meters())
                    .isEmpty();
            assertThat(registry.find("pub.consumer.lag").tag("subscription", id).meters())
                    .isEmpty();
            assertThat(registry.find("pub.delivered").tag("subscription", id).meters())
                    .isEmpty();
            // what is recorded for it afterwards (a listener that closed its own consumer) registers nothing
            pub.metrics().recordProcessing(s, 1_000, true);
            assertThat(registry.find("pub.processing").tag("subscription", id).meters())
                    .isEmpty();
        }
    }
}
