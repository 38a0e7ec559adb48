package io.pub;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.pub.Subscriber.FilterMode;
import io.pub.Subscriber.SubscriberOptions;
import io.pub.internal.OptionalLibraries;
import io.pub.internal.TimedController;
import io.pub.spi.Controller;
import io.pub.spi.Settings;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The native API's entry point: a store, a clock and the engine's settings. Open one per JVM (or per
 * store) and share it; producers, subscribers and consumers come from it.
 *
 * <pre>{@code
 * try (Pub pub = Pub.builder().url("embedded:./pub-data").build()) {
 *     pub.createTopic("orders", 4);
 *     pub.producer().publish("orders", Message.builder().body(bytes).build());
 * }
 * }</pre>
 */
public final class Pub implements AutoCloseable {
    /** The subscription id that makes a topic a queue. */
    public static final String QUEUE_SUBSCRIPTION = "$queue";

    private final Controller controller;
    private final Clock clock;
    private final PubMetrics metrics;
    private final Config config;
    private final String instanceId = "pub-" + UUID.randomUUID();
    private final LongSupplier nanoTime;
    private final boolean ownsController;
    private final ScheduledExecutorService scheduler;
    private final Producer internalProducer;
    private final Housekeeper housekeeper;

    private Pub(Builder b) {
        this.clock = b.clock;
        this.config = b.config;
        this.nanoTime = b.nanoTime;
        this.metrics = new PubMetrics(b.registry(), b.tracing());
        Controller store;
        if (b.controller != null) {
            store = b.controller;
            this.ownsController = false;
        } else {
            store = Stores.open(b.url != null ? b.url : Stores.configuredUrl(b.settings), b.settings, clock);
            this.ownsController = true;
        }
        // store operations timed (pub.store.op) and traced as children of publish/receive spans
        this.controller = new TimedController(store, metrics.registry(), metrics.tracing());
        this.internalProducer = new Producer(controller, clock, metrics, 0, nanoTime);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pub-housekeeping");
            t.setDaemon(true);
            return t;
        });
        this.housekeeper = new Housekeeper(controller, clock);
        if (config.housekeepingInterval().toMillis() > 0) {
            long period = config.housekeepingInterval().toMillis();
            scheduler.scheduleWithFixedDelay(this::housekeepQuietly, period, period, TimeUnit.MILLISECONDS);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Controller controller() {
        return controller;
    }

    public Clock clock() {
        return clock;
    }

    public Config config() {
        return config;
    }

    public PubMetrics metrics() {
        return metrics;
    }

    /** A unique id for this instance, usable as a lease owner or heartbeat claim. */
    public String instanceId() {
        return instanceId;
    }

    /** A scheduler for periodic engine work (lease renewal, heartbeats); do not block in it. */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Registers a topic with {@code shards} shards, or returns the existing one. */
    public TopicInfo createTopic(String name, int shards) {
        return controller.createTopic(new TopicInfo(name, shards, false, null));
    }

    /** Registers a topic with the configured default shard count, or returns the existing one. */
    public TopicInfo createTopic(String name) {
        return createTopic(name, config.shards());
    }

    public Optional<TopicInfo> topic(String name) {
        return controller.topic(name);
    }

    /** A queue: a topic with the one shared durable subscription that starts at offset 0. */
    public Subscription createQueue(String name) {
        createTopic(name);
        return controller.createSubscription(
                new Subscription(name, QUEUE_SUBSCRIPTION, Subscription.Kind.QUEUE, null, false, null, clock.millis()),
                false);
    }

    /** Registers a subscription (if absent) starting at the head of every shard. */
    public Subscription subscribe(Subscription subscription) {
        return controller.createSubscription(subscription, true);
    }

    public Producer producer() {
        return new Producer(controller, clock, metrics, 0, nanoTime);
    }

    /** A producer paced to {@code messagesPerSecond} (0 = no limit). */
    public Producer producer(double messagesPerSecond) {
        if (messagesPerSecond < 0) {
            throw new IllegalArgumentException("messagesPerSecond must be >= 0, was " + messagesPerSecond);
        }
        return new Producer(controller, clock, metrics, messagesPerSecond, nanoTime);
    }

    /** Default subscriber options from the configuration, with a fresh owner id. */
    public SubscriberOptions subscriberOptions() {
        return new SubscriberOptions(
                "c-" + UUID.randomUUID(),
                config.leaseDuration(),
                config.publishTimeout(),
                config.rescanInterval(),
                config.batchSize(),
                8,
                config.maxDeliveries(),
                config.deadLetterQueue(),
                null,
                FilterMode.SKIP);
    }

    public Subscriber subscriber(Subscription subscription, SubscriberOptions options) {
        TopicInfo t = controller
                .topic(subscription.topic())
                .orElseThrow(() -> new IllegalArgumentException("topic '" + subscription.topic() + "' does not exist"));
        if (options.maxDeliveries() > 0) {
            createQueue(options.deadLetterQueue());
        }
        return new Subscriber(controller, clock, subscription, t.shards(), options, internalProducer, metrics);
    }

    /** The native pull consumer over a subscription (the seed's Consumer). */
    public Consumer consumer(Subscription subscription, int batchSize) {
        return new Consumer(this, subscriber(subscription, subscriberOptions()), batchSize);
    }

    /**
     * Starts a heartbeat claim under {@code key}, renewed every third of {@code ttl} until closed;
     * what names it as owner is reaped by any JVM once it lapses.
     */
    public Heartbeat heartbeat(String key, Duration ttl) {
        return new Heartbeat(controller, clock, scheduler, key, ttl);
    }

    /** Retention and reaping once, now (it also runs every housekeeping interval). */
    public void housekeep() {
        housekeeper.run();
    }

    private void housekeepQuietly() {
        try {
            housekeeper.run();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Pub.class).warn("housekeeping failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsController) {
            controller.close();
        }
    }

    /**
     * The engine's settings. From the environment: CONSUMER_BATCH_SIZE (50), PUB_SHARDS (4),
     * PUB_LEASE_DURATION (30s), PUB_PUBLISH_TIMEOUT (10s), PUB_MAX_DELIVERIES (10, 0 = unlimited),
     * PUB_DEAD_LETTER_QUEUE (DLQ), PUB_HOUSEKEEPING_INTERVAL (10s, 0 = off).
     */
    public record Config(
            int shards,
            int batchSize,
            Duration leaseDuration,
            Duration publishTimeout,
            Duration rescanInterval,
            int maxDeliveries,
            String deadLetterQueue,
            Duration housekeepingInterval) {

        public Config {
            if (shards < 1 || shards > 1024) {
                throw new IllegalArgumentException("PUB_SHARDS must be between 1 and 1024, was " + shards);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("CONSUMER_BATCH_SIZE must be >= 1, was " + batchSize);
            }
            Names.checkTopic(deadLetterQueue, "PUB_DEAD_LETTER_QUEUE");
        }

        public static Config defaults() {
            return from(Settings.only(java.util.Map.of()));
        }

        public static Config from(Settings s) {
            return new Config(
                    s.getInt("PUB_SHARDS", 4, 1),
                    s.getInt("CONSUMER_BATCH_SIZE", 50, 1),
                    s.getDuration("PUB_LEASE_DURATION", Duration.ofSeconds(30)),
                    s.getDuration("PUB_PUBLISH_TIMEOUT", Duration.ofSeconds(10)),
                    s.getDuration("PUB_RESCAN_INTERVAL", Duration.ofSeconds(1)),
                    s.getInt("PUB_MAX_DELIVERIES", 10, 0),
                    s.get("PUB_DEAD_LETTER_QUEUE", "DLQ"),
                    s.getDuration("PUB_HOUSEKEEPING_INTERVAL", Duration.ofSeconds(10)));
        }

        public Config withShards(int n) {
            return new Config(
                    n,
                    batchSize,
                    leaseDuration,
                    publishTimeout,
                    rescanInterval,
                    maxDeliveries,
                    deadLetterQueue,
                    housekeepingInterval);
        }

        public Config withLeaseDuration(Duration d) {
            return new Config(
                    shards,
                    batchSize,
                    d,
                    publishTimeout,
                    rescanInterval,
                    maxDeliveries,
                    deadLetterQueue,
                    housekeepingInterval);
        }

        public Config withPublishTimeout(Duration d) {
            return new Config(
                    shards,
                    batchSize,
                    leaseDuration,
                    d,
                    rescanInterval,
                    maxDeliveries,
                    deadLetterQueue,
                    housekeepingInterval);
        }

        public Config withMaxDeliveries(int n, String dlq) {
            return new Config(
                    shards, batchSize, leaseDuration, publishTimeout, rescanInterval, n, dlq, housekeepingInterval);
        }

        public Config withBatchSize(int n) {
            return new Config(
                    shards,
                    n,
                    leaseDuration,
                    publishTimeout,
                    rescanInterval,
                    maxDeliveries,
                    deadLetterQueue,
                    housekeepingInterval);
        }

        public Config withHousekeepingInterval(Duration d) {
            return new Config(
                    shards,
                    batchSize,
                    leaseDuration,
                    publishTimeout,
                    rescanInterval,
                    maxDeliveries,
                    deadLetterQueue,
                    d);
        }
    }

    public static final class Builder {
        private String url;
        private Controller controller;
        private Settings settings = Settings.fromEnvironment();
        private Clock clock = Clock.systemUTC();
        private MeterRegistry registry;
        private boolean registrySet;
        private Config config;
        private LongSupplier nanoTime = System::nanoTime;
        private OpenTelemetry openTelemetry;
        private boolean globalOpenTelemetry;

        private Builder() {}

        /** Where the engine's spans go (no tracing by default); see {@link PubTracing}. */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = openTelemetry;
            this.globalOpenTelemetry = false;
            return this;
        }

        /**
         * Spans go to the OpenTelemetry instance the application (or the Java agent) registered
         * globally, read without registering one; no tracing when none is registered or OpenTelemetry
         * is not on the class path. See {@link PubTracing#global()}.
         */
        public Builder globalOpenTelemetry() {
            this.openTelemetry = null;
            this.globalOpenTelemetry = true;
            return this;
        }

        private PubTracing tracing() {
            if (openTelemetry != null) {
                return new PubTracing(openTelemetry);
            }
            return globalOpenTelemetry ? PubTracing.global() : PubTracing.noop();
        }

        /** The registry given, else Micrometer's global registry when Micrometer is on the class path. */
        private MeterRegistry registry() {
            return registrySet ? registry : OptionalLibraries.micrometerGlobalRegistry();
        }

        /** The store URL; without one, PUB_STORE_URL or the embedded store in ./pub-data. */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /** An already open store (the caller closes it). */
        public Builder controller(Controller controller) {
            this.controller = controller;
            return this;
        }

        public Builder settings(Settings settings) {
            this.settings = settings;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Where the engine's meters go (default: Micrometer's global registry); null: no meters. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = registry;
            this.registrySet = true;
            return this;
        }

        public Builder config(Config config) {
            this.config = config;
            return this;
        }

        public Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = nanoTime;
            return this;
        }

        public Pub build() {
            if (config == null) {
                config = Config.from(settings);
            }
            return new Pub(this);
        }
    }
}
