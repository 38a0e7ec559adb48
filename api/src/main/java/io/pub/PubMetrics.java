package io.pub;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pub.spi.Subscription;
import java.util.concurrent.TimeUnit;

/**
 * The engine's meters (Micrometer). Names follow Prometheus conventions once rendered:
 * pub_published_total, pub_delivered_total, ... Tag cardinality stays bounded: topics and
 * subscriptions, never message ids.
 */
public final class PubMetrics {
    private final MeterRegistry registry;

    public PubMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    void published(String topic, int count, long nanos) {
        Counter.builder("pub.published")
                .description("messages published")
                .tag("topic", topic)
                .register(registry)
                .increment(count);
        DistributionSummary.builder("pub.publish.batch.size")
                .description("messages per published batch")
                .tag("topic", topic)
                .register(registry)
                .record(count);
        Timer.builder("pub.publish.latency")
                .description("time to store a published batch durably")
                .tag("topic", topic)
                .publishPercentileHistogram()
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    void publishFailed(String topic) {
        Counter.builder("pub.publish.errors")
                .description("publishes that failed")
                .tag("topic", topic)
                .register(registry)
                .increment();
    }

    void delivered(Subscription s, Delivery d) {
        Counter.builder("pub.delivered")
                .description("messages delivered under a lease")
                .tag("topic", s.topic())
                .tag("subscription", s.id())
                .register(registry)
                .increment();
        if (d.redelivered()) {
            Counter.builder("pub.redelivered")
                    .description("deliveries after a lease expired or was released")
                    .tag("topic", s.topic())
                    .tag("subscription", s.id())
                    .register(registry)
                    .increment();
        }
    }

    void acked(Subscription s, int count) {
        Counter.builder("pub.acked")
                .description("messages acknowledged")
                .tag("topic", s.topic())
                .tag("subscription", s.id())
                .register(registry)
                .increment(count);
    }

    void expired(Subscription s) {
        Counter.builder("pub.expired")
                .description("messages found expired and skipped")
                .tag("topic", s.topic())
                .tag("subscription", s.id())
                .register(registry)
                .increment();
    }

    void deadLettered(Subscription s) {
        Counter.builder("pub.dead.lettered")
                .description("messages moved to the dead-letter queue")
                .tag("topic", s.topic())
                .tag("subscription", s.id())
                .register(registry)
                .increment();
    }
}
