package io.pub;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pub.spi.Subscription;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's meters (Micrometer). Names follow Prometheus conventions once rendered:
 * pub_published_total, pub_delivered_total, ... Tag cardinality stays bounded: topics and
 * subscriptions, never message ids.
 */
public final class PubMetrics {
    private final MeterRegistry registry;
    private final PubTracing tracing;
    // gauges hold their state weakly: these maps keep it alive
    private final ConcurrentMap<Tags, AtomicLong> lags = new ConcurrentHashMap<>();
    private final ConcurrentMap<Tags, Set<Subscriber>> holders = new ConcurrentHashMap<>();

    public PubMetrics(MeterRegistry registry) {
        this(registry, PubTracing.noop());
    }

    /** Meters in {@code registry}; the engine's traces go through {@code tracing}. */
    public PubMetrics(MeterRegistry registry, PubTracing tracing) {
        this.registry = registry;
        this.tracing = tracing == null ? PubTracing.noop() : tracing;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public PubTracing tracing() {
        return tracing;
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
        errors(topic); // present at 0 from the first publish, so dashboards show 0 rather than no data
    }

    private Counter errors(String topic) {
        return Counter.builder("pub.publish.errors")
                .description("publishes that failed")
                .tag("topic", topic)
                .register(registry);
    }

    void publishFailed(String topic) {
        errors(topic).increment();
    }

    void delivered(Subscription s, Delivery d) {
        Counter.builder("pub.delivered")
                .description("messages delivered under a lease")
                .tag("topic", s.topic())
                .tag("subscription", s.id())
                .register(registry)
                .increment();
        Counter redelivered = Counter.builder("pub.redelivered")
                .description("deliveries after a lease expired or was released")
                .tag("topic", s.topic())
                .tag("subscription", s.id())
                .register(registry);
        if (d.redelivered()) {
            redelivered.increment();
        }
        deadLetters(s); // present at 0 once the subscription delivers
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
        deadLetters(s).increment();
    }

    private Counter deadLetters(Subscription s) {
        return Counter.builder("pub.dead.lettered")
                .description("messages moved to the dead-letter queue")
                .tag("topic", s.topic())
                .tag("subscription", s.id())
                .register(registry);
    }

    /** Time the application's handler took for one delivery (recorded by {@link Consumer}). */
    void processed(Subscription s, long nanos, boolean success) {
        Timer.builder("pub.processing")
                .description("time the handler took to process a delivery")
                .tag("topic", s.topic())
                .tag("subscription", s.id())
                .tag("outcome", success ? "success" : "error")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Messages of the shard not yet done for the subscription: head minus committed offset. */
    void lag(Subscription s, TopicShard shard, long lag) {
        Tags tags = Tags.of("topic", s.topic(), "subscription", s.id(), "shard", Integer.toString(shard.shard()));
        lags.computeIfAbsent(tags, t -> {
                    AtomicLong value = new AtomicLong();
                    Gauge.builder("pub.consumer.lag", value, AtomicLong::get)
                            .description("messages published and not yet done for the subscription (head - cursor)")
                            .tags(t)
                            .register(registry);
                    return value;
                })
                .set(Math.max(0, lag));
    }

    /** Counts the subscriber's outstanding leases in {@code pub.leases.live} until {@link #untrack}. */
    void track(Subscriber subscriber) {
        Subscription s = subscriber.subscription();
        holders.computeIfAbsent(Tags.of("topic", s.topic(), "subscription", s.id()), t -> {
                    Set<Subscriber> set = ConcurrentHashMap.newKeySet();
                    Gauge.builder("pub.leases.live", set, PubMetrics::leases)
                            .description("leases held by this JVM's consumers (delivered, not yet acked or released)")
                            .tags(t)
                            .register(registry);
                    return set;
                })
                .add(subscriber);
    }

    void untrack(Subscriber subscriber) {
        Subscription s = subscriber.subscription();
        Set<Subscriber> set = holders.get(Tags.of("topic", s.topic(), "subscription", s.id()));
        if (set != null) {
            set.remove(subscriber);
        }
    }

    private static double leases(Set<Subscriber> subscribers) {
        long n = 0;
        for (Subscriber s : subscribers) {
            n += s.outstandingCount();
        }
        return n;
    }
}
