package io.pub;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.pub.Subscriber.FilterMode;
import io.pub.Subscriber.SubscriberOptions;
import io.pub.internal.OptionalLibraries;
import io.pub.internal.TimedController;
import io.pub.spi.Controller;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 *
 * <p><b>Threads.</b> An engine starts two kinds of threads, both daemons, both ended by {@link #close}.
 * {@code pub-liveness-1} and {@code -2} ({@link #scheduler()}, {@value #LIVENESS_THREADS} threads)
 * renew what proves a process alive: heartbeats and the claims held with them, and the leases of
 * delivered messages (native consumers, JMS consumers); each task is one or a few store calls, so only
 * a slow or unreachable store blocks them (bounded by the store's own timeouts, e.g.
 * COUCHBASE_KV_TIMEOUT), and two threads keep one slow renewal from holding up the others.
 * {@code pub-housekeeping} runs retention and reaping ({@link #housekeep}, which scans every topic
 * and subscription in the store) and refreshes consumer lag; a large or slow store blocks it, and it
 * blocks nothing else: liveness never waits behind it. Both can be supplied instead through the
 * builder. {@code pub-acks} writes acknowledgements in the background, many per store call
 * ({@link Subscriber#ackAsync}), with up to eight {@code pub-acks-helper} threads writing the other
 * subscription shards of a round at the same time; only the store's markDone blocks them. Store calls themselves may run on the store's threads (the embedded store's committer, the
 * Couchbase SDK's I/O threads). The JMS provider adds, per session, {@code pub-session-N}, which runs
 * the session's MessageListeners and CompletionListeners (blocked by application code, which it
 * survives whatever it throws) and {@code pub-sender}, which writes async sends (blocked by store
 * writes; the application thread is what a full send window blocks); per JVM, {@code
 * pub-store-linger}, which closes an engine no connection used for PUB_STORE_LINGER, and a
 * {@code pub-connection-close} thread for a connection that closes itself because its heartbeat
 * lapsed.
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
    /** Threads of {@link #scheduler()} unless one is supplied. */
    public static final int LIVENESS_THREADS = 2;

    private final ScheduledExecutorService scheduler;
    private final ScheduledExecutorService housekeeping;
    private final boolean ownsSchedulers;
    private final boolean ownsHousekeeping;
    private final Wakeups wakeups;
    private final Producer internalProducer;
    private final Housekeeper housekeeper;
    private final AckWriter acks;
    private final Dispatchers dispatchers = new Dispatchers(this);
    private final Subscriptions subscriptions = new Subscriptions(this);

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
        this.wakeups = Wakeups.of(controller);
        this.ownsSchedulers = b.liveness == null;
        this.ownsHousekeeping = b.housekeeping == null;
        this.scheduler = b.liveness != null ? b.liveness : executor("pub-liveness", LIVENESS_THREADS);
        this.housekeeping = b.housekeeping != null ? b.housekeeping : executor("pub-housekeeping", 1);
        this.housekeeper = new Housekeeper(controller, clock, this::forget);
        this.acks = new AckWriter(controller, "pub-acks");
        if (config.housekeepingInterval().toMillis() > 0) {
            long period = config.housekeepingInterval().toMillis();
            housekeeping.scheduleWithFixedDelay(this::housekeepQuietly, period, period, TimeUnit.MILLISECONDS);
        }
    }

    private static ScheduledExecutorService executor(String name, int threads) {
        AtomicInteger count = new AtomicInteger();
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, threads == 1 ? name : name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // consumers and connections come and go: their cancelled renewals must not stay queued
        e.setRemoveOnCancelPolicy(true);
        return e;
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

    /**
     * The liveness scheduler: for heartbeats, claim and lease renewal, nothing else; a task must be
     * short (a few store calls) and never wait for other work. See the class comment's threads.
     */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** The housekeeping scheduler: store scans and other work that may take long. */
    ScheduledExecutorService housekeepingScheduler() {
        return housekeeping;
    }

    /**
     * Deletes a topic with everything it holds (subscriptions, cursors, leases, messages), and what
     * this engine kept about it: its meters and in-JVM wake-up entries. For temporary topics, whose
     * unique names would otherwise pile up in meter registries.
     */
    public boolean deleteTopic(String name) {
        try {
            return controller.deleteTopic(name);
        } finally {
            forget(name);
        }
    }

    /** Drops what this engine kept about a deleted topic. */
    private void forget(String topic) {
        metrics.forgetTopic(topic);
    }

    /** In-JVM wake-up entries of this engine's store: topics with subscribers and their claim maps. */
    int wakeupEntries() {
        return wakeups.size();
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

    /**
     * Subscriptions opened for consumers (slots counted across JVMs), durable ones removed, temporary
     * destinations and queue browsing: see {@link Subscriptions}.
     */
    public Subscriptions subscriptions() {
        return subscriptions;
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

    /** The prepared XA transaction branches of this engine's store (see {@link PreparedBranches}). */
    public PreparedBranches preparedBranches() {
        return new PreparedBranches(controller, clock, metrics);
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
                FilterMode.SKIP,
                config.leaseAhead());
    }

    public Subscriber subscriber(Subscription subscription, SubscriberOptions options) {
        TopicInfo t = controller
                .topic(subscription.topic())
                .orElseThrow(() -> new IllegalArgumentException("topic '" + subscription.topic() + "' does not exist"));
        if (options.maxDeliveries() > 0) {
            createQueue(options.deadLetterQueue());
        }
        return new Subscriber(controller, clock, subscription, t.shards(), options, internalProducer, metrics, acks);
    }

    /**
     * A local consumer of a subscription: it shares this engine's one reader of the subscription
     * (its dispatcher) with the subscription's other receivers here, which reads each shard once for
     * all of them and leases in batches what they have room for. {@code options.filter()} is this
     * receiver's own filter (a selector): messages it refuses go to the other receivers; what none
     * accepts is done or left as {@code options.filterMode()} says. Receivers whose options differ in
     * more than the filter and owner get a reader of their own.
     */
    public Receiver receiver(Subscription subscription, SubscriberOptions options, Receiver.Options receiverOptions) {
        return dispatchers.receiver(subscription, options, receiverOptions);
    }

    /** The dispatcher reading {@code subscription} of {@code topic} here, if any (for tests). */
    Dispatcher dispatcher(String topic, String subscription) {
        return dispatchers.find(topic, subscription);
    }

    /** The native pull consumer over a subscription (the seed's Consumer); failed messages come again at once. */
    public Consumer consumer(Subscription subscription, int batchSize) {
        return consumer(subscription, batchSize, RedeliveryPolicy.immediate(config));
    }

    /**
     * The native pull consumer over a subscription, redelivering what its handler failed on and
     * dead-lettering as {@code redelivery} says (the JMS provider uses the same policy object).
     */
    public Consumer consumer(Subscription subscription, int batchSize, RedeliveryPolicy redelivery) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize (CONSUMER_BATCH_SIZE) must be >= 1, was " + batchSize);
        }
        Receiver r = receiver(
                subscription,
                redelivery.applyTo(subscriberOptions()),
                new Receiver.Options(
                        batchSize, null, null, null, null, e -> org.slf4j.LoggerFactory.getLogger(Consumer.class)
                                .warn("lease renewal failed: {}", e.toString())));
        return new Consumer(this, r, batchSize, redelivery);
    }

    /**
     * Starts a heartbeat claim under {@code key}, renewed every third of {@code ttl} on the liveness
     * scheduler until closed; what names it as owner is reaped by any JVM once it lapses. A lapse
     * found while renewing is logged.
     */
    public Heartbeat heartbeat(String key, Duration ttl) {
        return heartbeat(key, ttl, Heartbeat.logLapses());
    }

    /** As {@link #heartbeat(String, Duration)}, with lapses found while renewing handed to {@code onLapse}. */
    public Heartbeat heartbeat(String key, Duration ttl, java.util.function.Consumer<Heartbeat.Lapse> onLapse) {
        return new Heartbeat(controller, clock, scheduler, key, ttl, onLapse);
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
        acks.close(); // acknowledgements still queued are written while their leases are renewed
        if (ownsSchedulers) {
            scheduler.shutdownNow();
        }
        if (ownsHousekeeping) {
            housekeeping.shutdownNow();
        }
        try {
            if (ownsSchedulers) {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            }
            if (ownsHousekeeping) {
                housekeeping.awaitTermination(5, TimeUnit.SECONDS);
            }
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
     * PUB_DEAD_LETTER_QUEUE (DLQ), PUB_HOUSEKEEPING_INTERVAL (10s, 0 = off), PUB_LEASE_AHEAD (32, 0 =
     * off: how many offsets past the head a caught-up subscriber leases before their messages come).
     */
    public record Config(
            int shards,
            int batchSize,
            Duration leaseDuration,
            Duration publishTimeout,
            Duration rescanInterval,
            int maxDeliveries,
            String deadLetterQueue,
            Duration housekeepingInterval,
            int leaseAhead) {

        /** The shortest lease: renewals run every quarter of it, so less leaves no room for a store call. */
        public static final Duration MIN_LEASE_DURATION = Duration.ofMillis(100);
        /** The shortest publish timeout: a hole is sealed only after a producer had this long to write. */
        public static final Duration MIN_PUBLISH_TIMEOUT = Duration.ofMillis(100);

        public static final Duration MIN_RESCAN_INTERVAL = Duration.ofMillis(10);
        /** The shortest housekeeping period (0 turns housekeeping off): each run scans the whole store. */
        public static final Duration MIN_HOUSEKEEPING_INTERVAL = Duration.ofMillis(100);
        /** The most offsets leased ahead per shard: they are held like a prefetch, away from other JVMs. */
        public static final int MAX_LEASE_AHEAD = 1024;

        public Config {
            atLeast(leaseDuration, MIN_LEASE_DURATION, "PUB_LEASE_DURATION");
            atLeast(publishTimeout, MIN_PUBLISH_TIMEOUT, "PUB_PUBLISH_TIMEOUT");
            atLeast(rescanInterval, MIN_RESCAN_INTERVAL, "PUB_RESCAN_INTERVAL");
            if (housekeepingInterval == null || !housekeepingInterval.isZero()) {
                atLeast(housekeepingInterval, MIN_HOUSEKEEPING_INTERVAL, "PUB_HOUSEKEEPING_INTERVAL (0 = off)");
            }
            if (shards < 1 || shards > 1024) {
                throw new IllegalArgumentException("PUB_SHARDS must be between 1 and 1024, was " + shards);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("CONSUMER_BATCH_SIZE must be >= 1, was " + batchSize);
            }
            Names.checkTopic(deadLetterQueue, "PUB_DEAD_LETTER_QUEUE");
            if (leaseAhead < 0 || leaseAhead > MAX_LEASE_AHEAD) {
                throw new IllegalArgumentException(
                        "PUB_LEASE_AHEAD must be between 0 (off) and " + MAX_LEASE_AHEAD + ", was " + leaseAhead);
            }
        }

        private static void atLeast(Duration d, Duration min, String name) {
            if (d == null || d.compareTo(min) < 0) {
                throw new IllegalArgumentException(name + " must be at least " + Settings.format(min) + ", was "
                        + (d == null ? "none" : Settings.format(d)));
            }
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
                    s.getDuration("PUB_HOUSEKEEPING_INTERVAL", Duration.ofSeconds(10)),
                    s.getInt("PUB_LEASE_AHEAD", 32, 0));
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
                    housekeepingInterval,
                    leaseAhead);
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
                    housekeepingInterval,
                    leaseAhead);
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
                    housekeepingInterval,
                    leaseAhead);
        }

        public Config withMaxDeliveries(int n, String dlq) {
            return new Config(
                    shards,
                    batchSize,
                    leaseDuration,
                    publishTimeout,
                    rescanInterval,
                    n,
                    dlq,
                    housekeepingInterval,
                    leaseAhead);
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
                    housekeepingInterval,
                    leaseAhead);
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
                    d,
                    leaseAhead);
        }

        public Config withLeaseAhead(int n) {
            return new Config(
                    shards,
                    batchSize,
                    leaseDuration,
                    publishTimeout,
                    rescanInterval,
                    maxDeliveries,
                    deadLetterQueue,
                    housekeepingInterval,
                    n);
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
        private ScheduledExecutorService liveness;
        private ScheduledExecutorService housekeeping;

        private Builder() {}

        /**
         * Runs heartbeats and claim and lease renewals on {@code scheduler} instead of the engine's own
         * {@code pub-liveness} threads; the caller shuts it down. Give it nothing that can block.
         */
        public Builder livenessScheduler(ScheduledExecutorService scheduler) {
            this.liveness = scheduler;
            return this;
        }

        /** Runs housekeeping on {@code scheduler} instead of the engine's {@code pub-housekeeping} thread. */
        public Builder housekeepingScheduler(ScheduledExecutorService scheduler) {
            this.housekeeping = scheduler;
            return this;
        }

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
