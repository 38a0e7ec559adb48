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
 * pub_published_total, pub_publish_errors_total, pub_publish_batch_size, pub_publish_latency_seconds,
 * pub_delivered_total, pub_acked_total, pub_redelivered_total, pub_dead_lettered_total,
 * pub_expired_total, pub_processing_seconds, pub_consumer_lag, pub_leases_live (and
 * pub_store_op_seconds from {@link io.pub.internal.TimedController}). Tag cardinality stays bounded:
 * topics, subscriptions and shards, never message ids. Meters are looked up once per topic or
 * subscription and kept, so counting a delivery costs no registry lookup.
 *
 * <p>Micrometer is optional: without a registry (no Micrometer on the class path, or none given)
 * every method returns at once and no Micrometer class is loaded; Micrometer types appear only in
 * signatures, field types and the meter holders, which are not loaded then.
 */
public final class PubMetrics {
    private final MeterRegistry registry;
    private final PubTracing tracing;
    private final ConcurrentMap<String, TopicMeters> topics = new ConcurrentHashMap<>();
    private final ConcurrentMap<Tags, SubscriptionMeters> subscriptions = new ConcurrentHashMap<>();
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

    /** The registry, or null when the engine does not meter. */
    public MeterRegistry registry() {
        return registry;
    }

    public PubTracing tracing() {
        return tracing;
    }

    private TopicMeters topic(String topic) {
        return topics.computeIfAbsent(topic, t -> new TopicMeters(registry, t));
    }

    private SubscriptionMeters subscription(Subscription s) {
        return subscriptions.computeIfAbsent(
                Tags.of("topic", s.topic(), "subscription", s.id()), t -> new SubscriptionMeters(registry, t));
    }

    void published(String topic, int count, long nanos) {
        if (registry == null) {
            return;
        }
        TopicMeters m = topic(topic);
        m.published.increment(count);
        m.batchSize.record(count);
        m.latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void publishFailed(String topic) {
        if (registry == null) {
            return;
        }
        topic(topic).errors.increment();
    }

    void delivered(Subscription s, Delivery d) {
        if (registry == null) {
            return;
        }
        SubscriptionMeters m = subscription(s);
        m.delivered.increment();
        if (d.redelivered()) {
            m.redelivered.increment();
        }
    }

    void acked(Subscription s, int count) {
        if (registry == null) {
            return;
        }
        subscription(s).acked.increment(count);
    }

    void expired(Subscription s) {
        if (registry == null) {
            return;
        }
        subscription(s).expired.increment();
    }

    void deadLettered(Subscription s) {
        if (registry == null) {
            return;
        }
        subscription(s).deadLettered.increment();
    }

    /**
     * Records {@code pub.processing} for a delivery handled outside {@link Consumer} (a JMS listener
     * or receive loop), as the native consumer does around its handler.
     */
    public void recordProcessing(Subscription s, long nanos, boolean success) {
        processed(s, nanos, success);
    }

    /** Time the application's handler took for one delivery (recorded by {@link Consumer}). */
    void processed(Subscription s, long nanos, boolean success) {
        if (registry == null) {
            return;
        }
        SubscriptionMeters m = subscription(s);
        (success ? m.processedOk : m.processedError).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Messages of the shard not yet done for the subscription: head minus committed offset. */
    void lag(Subscription s, TopicShard shard, long lag) {
        if (registry == null) {
            return;
        }
        Tags tags = Tags.of("topic", s.topic(), "subscription", s.id(), "shard", Integer.toString(shard.shard()));
        lags.computeIfAbsent(tags, t -> {
                    AtomicLong value = new AtomicLong();
                    Gauge.builder("pub.consumer.lag", value, AtomicLong::get)
                            .description("messages published and not yet done for the subscription (head - cursor)")
                            .tags(t)
                            .strongReference(true) // the last value stays readable after the engine is closed
                            .register(registry);
                    return value;
                })
                .set(Math.max(0, lag));
    }

    /** Counts the subscriber's outstanding leases in {@code pub.leases.live} until {@link #untrack}. */
    void track(Subscriber subscriber) {
        if (registry == null) {
            return;
        }
        Subscription s = subscriber.subscription();
        holders.computeIfAbsent(Tags.of("topic", s.topic(), "subscription", s.id()), t -> {
                    Set<Subscriber> set = ConcurrentHashMap.newKeySet();
                    Gauge.builder("pub.leases.live", set, PubMetrics::leases)
                            .description("leases held by this JVM's consumers (delivered, not yet acked or released)")
                            .tags(t)
                            .strongReference(true)
                            .register(registry);
                    return set;
                })
                .add(subscriber);
        subscription(s); // the subscription's counters exist at 0 from the start
    }

    void untrack(Subscriber subscriber) {
        if (registry == null) {
            return;
        }
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

    /** A topic's publishing meters; errors exist at 0 so dashboards show 0 rather than no data. */
    private static final class TopicMeters {
        final Counter published;
        final Counter errors;
        final DistributionSummary batchSize;
        final Timer latency;

        TopicMeters(MeterRegistry registry, String topic) {
            published = Counter.builder("pub.published")
                    .description("messages published")
                    .tag("topic", topic)
                    .register(registry);
            errors = Counter.builder("pub.publish.errors")
                    .description("publishes that failed")
                    .tag("topic", topic)
                    .register(registry);
            batchSize = DistributionSummary.builder("pub.publish.batch.size")
                    .description("messages per published batch")
                    .tag("topic", topic)
                    .register(registry);
            latency = Timer.builder("pub.publish.latency")
                    .description("time to store a published batch durably")
                    .tag("topic", topic)
                    .publishPercentileHistogram()
                    .register(registry);
        }
    }

    /** A subscription's delivery meters, all present (at 0) once the subscription is consumed. */
    private static final class SubscriptionMeters {
        final Counter delivered;
        final Counter redelivered;
        final Counter acked;
        final Counter expired;
        final Counter deadLettered;
        final Timer processedOk;
        final Timer processedError;

        SubscriptionMeters(MeterRegistry registry, Tags tags) {
            delivered = counter(registry, "pub.delivered", "messages delivered under a lease", tags);
            redelivered =
                    counter(registry, "pub.redelivered", "deliveries after a lease expired or was released", tags);
            acked = counter(registry, "pub.acked", "messages acknowledged", tags);
            expired = counter(registry, "pub.expired", "messages found expired and skipped", tags);
            deadLettered = counter(registry, "pub.dead.lettered", "messages moved to the dead-letter queue", tags);
            processedOk = processing(registry, tags, "success");
            processedError = processing(registry, tags, "error");
        }

        private static Counter counter(MeterRegistry registry, String name, String description, Tags tags) {
            return Counter.builder(name).description(description).tags(tags).register(registry);
        }

        private static Timer processing(MeterRegistry registry, Tags tags, String outcome) {
            return Timer.builder("pub.processing")
                    .description("time the handler took to process a delivery")
                    .tags(tags)
                    .tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(10_000))
                    .maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry);
        }
    }
}
