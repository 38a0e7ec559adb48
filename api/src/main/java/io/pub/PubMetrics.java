package io.pub;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pub.spi.Subscription;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
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
 * <p>A subscription's gauges ({@code pub.leases.live}, {@code pub.consumer.lag}) are one per
 * subscription (and shard) whatever the number of engines and subscribers in the JVM, and follow its
 * live subscribers. When the last of them here closes, a non-durable subscription (gone with it, and
 * whose id is unique to it) loses all its meters; a durable one keeps them, its leases gauge reading 0
 * and its lag gauge the last lag seen.
 *
 * <p>Micrometer is optional: without a registry (no Micrometer on the class path, or none given)
 * every method returns at once and no Micrometer class is loaded; Micrometer types appear only in
 * signatures, field types and the meter holders, which are not loaded then.
 */
public final class PubMetrics {
    /**
     * The subscription meters of each registry, shared by every engine that reports to it. An
     * application that closes its last connection and opens another gets a new engine on the same
     * registry (often Micrometer's global one); Micrometer keeps the first registration of a gauge and
     * ignores later ones with a warning, so a gauge owned by one engine would stay bound to that
     * engine's closed subscribers. Held weakly: a registry nobody uses any more takes its state along.
     */
    private static final Map<MeterRegistry, RegistryMeters> BY_REGISTRY =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final MeterRegistry registry;
    private final PubTracing tracing;
    private final RegistryMeters shared;
    private final ConcurrentMap<String, TopicMeters> topics = new ConcurrentHashMap<>();

    public PubMetrics(MeterRegistry registry) {
        this(registry, PubTracing.noop());
    }

    /** Meters in {@code registry}; the engine's traces go through {@code tracing}. */
    public PubMetrics(MeterRegistry registry, PubTracing tracing) {
        this.registry = registry;
        this.tracing = tracing == null ? PubTracing.noop() : tracing;
        this.shared = registry == null ? null : BY_REGISTRY.computeIfAbsent(registry, r -> new RegistryMeters());
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

    private static Tags tags(Subscription s) {
        return Tags.of("topic", s.topic(), "subscription", s.id());
    }

    /**
     * The subscription's meters, or null for a non-durable subscription that no subscriber of this
     * registry consumes any more: it is gone with its last consumer, and so are its meters (its id is
     * unique to it, so keeping them would only pile up series).
     */
    private SubscriptionMeters subscription(Subscription s) {
        Tags t = tags(s);
        SubscriptionMeters m = shared.meters.get(t);
        if (m != null || s.kind().isDurable()) {
            return m != null ? m : shared.meters.computeIfAbsent(t, k -> new SubscriptionMeters(registry, k));
        }
        synchronized (shared) {
            if (!shared.leases.containsKey(t)) {
                return null;
            }
            return shared.meters.computeIfAbsent(t, k -> new SubscriptionMeters(registry, k));
        }
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
        if (m != null) {
            m.delivered.increment();
            if (d.redelivered()) {
                m.redelivered.increment();
            }
        }
    }

    void acked(Subscription s, int count) {
        if (registry == null) {
            return;
        }
        SubscriptionMeters m = subscription(s);
        if (m != null) {
            m.acked.increment(count);
        }
    }

    void expired(Subscription s) {
        if (registry == null) {
            return;
        }
        SubscriptionMeters m = subscription(s);
        if (m != null) {
            m.expired.increment();
        }
    }

    void deadLettered(Subscription s) {
        if (registry == null) {
            return;
        }
        SubscriptionMeters m = subscription(s);
        if (m != null) {
            m.deadLettered.increment();
        }
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
        if (m != null) {
            (success ? m.processedOk : m.processedError).record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Messages of the shard not yet done for the subscription: head minus committed offset. */
    void lag(Subscription s, TopicShard shard, long lag) {
        if (registry == null) {
            return;
        }
        Map<Integer, Lag> byShard = shared.lags.get(tags(s));
        Lag value = byShard == null ? null : byShard.get(shard.shard());
        if (value == null) {
            value = registerLag(s, shard.shard());
            if (value == null) {
                return; // a non-durable subscription whose last consumer here closed meanwhile
            }
        }
        value.value.set(Math.max(0, lag));
    }

    private Lag registerLag(Subscription s, int shard) {
        Tags t = tags(s);
        synchronized (shared) {
            if (!s.kind().isDurable() && !shared.leases.containsKey(t)) {
                return null;
            }
            return shared.lags
                    .computeIfAbsent(t, k -> new ConcurrentHashMap<>())
                    .computeIfAbsent(shard, k -> {
                        AtomicLong value = new AtomicLong();
                        Gauge gauge = Gauge.builder("pub.consumer.lag", value, AtomicLong::get)
                                .description("messages published and not yet done for the subscription (head - cursor)")
                                .tags(t.and("shard", Integer.toString(shard)))
                                // a durable subscription's last value stays readable after its consumers closed
                                .strongReference(true)
                                .register(registry);
                        return new Lag(value, gauge);
                    });
        }
    }

    /**
     * Counts the subscriber's outstanding leases in {@code pub.leases.live} until {@link #untrack}:
     * one gauge per subscription, the sum over its live subscribers of every engine on the registry.
     */
    void track(Subscriber subscriber) {
        if (registry == null) {
            return;
        }
        Subscription s = subscriber.subscription();
        synchronized (shared) {
            shared.leases
                    .computeIfAbsent(tags(s), t -> {
                        Set<Subscriber> set = ConcurrentHashMap.newKeySet();
                        Gauge gauge = Gauge.builder("pub.leases.live", set, PubMetrics::leases)
                                .description(
                                        "leases held by this JVM's consumers (delivered, not yet acked or released)")
                                .tags(t)
                                .strongReference(true)
                                .register(registry);
                        return new Leases(set, gauge);
                    })
                    .subscribers
                    .add(subscriber);
        }
        subscription(s); // the subscription's counters exist at 0 from the start
    }

    /**
     * Stops counting the subscriber. A non-durable subscription's meters go with its last subscriber
     * here (the subscription itself goes with it).
     */
    void untrack(Subscriber subscriber) {
        if (registry == null) {
            return;
        }
        Subscription s = subscriber.subscription();
        Tags t = tags(s);
        synchronized (shared) {
            Leases l = shared.leases.get(t);
            if (l == null
                    || !l.subscribers.remove(subscriber)
                    || !l.subscribers.isEmpty()
                    || s.kind().isDurable()) {
                return; // a durable subscription's gauges stay, reading 0 leases and its last lag
            }
            // removals happen in the holders: a Gauge passed where a Meter is expected would make the
            // verifier load Micrometer with this class, which must load without it
            shared.leases.remove(t);
            l.removeFrom(registry);
            Map<Integer, Lag> lags = shared.lags.remove(t);
            if (lags != null) {
                lags.values().forEach(x -> x.removeFrom(registry));
            }
            SubscriptionMeters m = shared.meters.remove(t);
            if (m != null) {
                m.removeFrom(registry);
            }
        }
    }

    private static double leases(Set<Subscriber> subscribers) {
        long n = 0;
        for (Subscriber s : subscribers) {
            n += s.outstandingCount();
        }
        return n;
    }

    /** The subscription meters of one registry; {@code leases} and removals are guarded by the instance. */
    private static final class RegistryMeters {
        final Map<Tags, Leases> leases = new HashMap<>();
        final ConcurrentMap<Tags, Map<Integer, Lag>> lags = new ConcurrentHashMap<>();
        final ConcurrentMap<Tags, SubscriptionMeters> meters = new ConcurrentHashMap<>();
    }

    /** A subscription's live subscribers and the gauge that sums their leases. */
    private record Leases(Set<Subscriber> subscribers, Gauge gauge) {
        void removeFrom(MeterRegistry registry) {
            registry.remove(gauge);
        }
    }

    private record Lag(AtomicLong value, Gauge gauge) {
        void removeFrom(MeterRegistry registry) {
            registry.remove(gauge);
        }
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

        void removeFrom(MeterRegistry registry) {
            List.<Meter>of(delivered, redelivered, acked, expired, deadLettered, processedOk, processedError)
                    .forEach(registry::remove);
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
