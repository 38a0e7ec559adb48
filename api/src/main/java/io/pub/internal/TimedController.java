package io.pub.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pub.Message;
import io.pub.PubTracing;
import io.pub.PubTracing.TraceScope;
import io.pub.PubTracing.TraceSpan;
import io.pub.TopicShard;
import io.pub.spi.Acquired;
import io.pub.spi.Claim;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.LeaseNext;
import io.pub.spi.PreparedRecord;
import io.pub.spi.ReadResult;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Times every store operation ({@code pub.store.op}, tags op and store) and, when a traced engine
 * operation is current (a publish or a poll), records the call as a CLIENT child span. Store calls
 * made outside any span (housekeeping, lease renewal) are timed but not traced, so they do not start
 * traces of their own. Everything else is the wrapped store's. Without a registry (Micrometer absent)
 * nothing is timed and no Micrometer class is touched.
 */
public final class TimedController implements Controller {
    private final Controller delegate;
    private final MeterRegistry registry;
    private final PubTracing tracing;
    private final String store;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    /** {@code registry} may be null: nothing timed; {@code tracing} may be null: no spans. */
    public TimedController(Controller delegate, MeterRegistry registry, PubTracing tracing) {
        this.delegate = delegate;
        this.registry = registry;
        this.tracing = tracing == null ? PubTracing.noop() : tracing;
        this.store = delegate.kind();
    }

    public Controller delegate() {
        return delegate;
    }

    private Timer timer(String op) {
        return timers.computeIfAbsent(op, o -> Timer.builder("pub.store.op")
                .description("latency of store operations")
                .tag("op", o)
                .tag("store", store)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry));
    }

    private void record(String op, long started) {
        if (registry != null) {
            timer(op).record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private <T> T call(String op, Supplier<T> body) {
        TraceSpan span = tracing.startStoreCall(store, op);
        long started = System.nanoTime();
        try (TraceScope scope = span.makeCurrent()) {
            return body.get();
        } catch (RuntimeException e) {
            span.failed(e);
            throw e;
        } finally {
            record(op, started);
            span.end();
        }
    }

    private void run(String op, Runnable body) {
        call(op, () -> {
            body.run();
            return null;
        });
    }

    @Override
    public TopicInfo createTopic(TopicInfo topic) {
        return call("createTopic", () -> delegate.createTopic(topic));
    }

    @Override
    public Optional<TopicInfo> topic(String name) {
        return call("topic", () -> delegate.topic(name));
    }

    @Override
    public List<TopicInfo> topics() {
        return call("topics", delegate::topics);
    }

    @Override
    public boolean deleteTopic(String name) {
        return call("deleteTopic", () -> delegate.deleteTopic(name));
    }

    @Override
    public Subscription createSubscription(Subscription subscription, boolean startAtHead) {
        return call("createSubscription", () -> delegate.createSubscription(subscription, startAtHead));
    }

    @Override
    public Optional<Subscription> subscription(String topic, String id) {
        return call("subscription", () -> delegate.subscription(topic, id));
    }

    @Override
    public List<Subscription> subscriptions(String topic) {
        return call("subscriptions", () -> delegate.subscriptions(topic));
    }

    @Override
    public boolean deleteSubscription(String topic, String id) {
        return call("deleteSubscription", () -> delegate.deleteSubscription(topic, id));
    }

    @Override
    public Optional<Claim> claim(String key, String owner, long expiresAt, long now) {
        return call("claim", () -> delegate.claim(key, owner, expiresAt, now));
    }

    @Override
    public Optional<Claim> readClaim(String key) {
        return call("readClaim", () -> delegate.readClaim(key));
    }

    @Override
    public boolean releaseClaim(String key, String owner) {
        return call("releaseClaim", () -> delegate.releaseClaim(key, owner));
    }

    @Override
    public long reserve(TopicShard shard, int count) {
        return call("reserve", () -> delegate.reserve(shard, count));
    }

    @Override
    public void insert(TopicShard shard, long firstOffset, List<Message> messages) {
        run("insert", () -> delegate.insert(shard, firstOffset, messages));
    }

    @Override
    public long append(TopicShard shard, List<Message> messages) {
        return call("append", () -> delegate.append(shard, messages));
    }

    @Override
    public CompletableFuture<Long> appendAsync(TopicShard shard, List<Message> messages) {
        long started = System.nanoTime();
        // timed from the call to the write being stored, like append
        return delegate.appendAsync(shard, messages).whenComplete((first, e) -> record("append", started));
    }

    @Override
    public Duration acknowledgementLinger() {
        return delegate.acknowledgementLinger();
    }

    @Override
    public boolean onReadable(Consumer<TopicShard> listener) {
        return delegate.onReadable(listener);
    }

    @Override
    public long head(TopicShard shard) {
        return call("head", () -> delegate.head(shard));
    }

    @Override
    public ReadResult read(TopicShard shard, long from, int max) {
        return call("read", () -> delegate.read(shard, from, max));
    }

    @Override
    public boolean seal(TopicShard shard, long offset) {
        return call("seal", () -> delegate.seal(shard, offset));
    }

    @Override
    public void trim(TopicShard shard, long offset) {
        run("trim", () -> delegate.trim(shard, offset));
    }

    @Override
    public void delete(TopicShard shard, Collection<Long> offsets) {
        run("delete", () -> delegate.delete(shard, offsets));
    }

    @Override
    public Cursor cursor(String subscription, TopicShard shard) {
        return call("cursor", () -> delegate.cursor(subscription, shard));
    }

    @Override
    public Optional<Cursor> compareAndSetCursor(String subscription, TopicShard shard, Cursor expected, Cursor next) {
        return call("compareAndSetCursor", () -> delegate.compareAndSetCursor(subscription, shard, expected, next));
    }

    @Override
    public Cursor markDone(String subscription, TopicShard shard, Collection<Long> offsets) {
        return call("markDone", () -> delegate.markDone(subscription, shard, offsets));
    }

    @Override
    public Cursor markDoneLazily(String subscription, TopicShard shard, Collection<Long> offsets) {
        return call("markDone", () -> delegate.markDoneLazily(subscription, shard, offsets));
    }

    @Override
    public List<Lease> acquire(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        return call("acquire", () -> delegate.acquire(subscription, shard, offsets, owner, expiresAt, now));
    }

    @Override
    public Acquired acquireNotDone(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        return call(
                "acquireNotDone", () -> delegate.acquireNotDone(subscription, shard, offsets, owner, expiresAt, now));
    }

    @Override
    public Acquired acquireAhead(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        return call("acquireAhead", () -> delegate.acquireAhead(subscription, shard, offsets, owner, expiresAt, now));
    }

    @Override
    public LeaseNext leaseNext(
            String subscription,
            TopicShard shard,
            long from,
            int window,
            int max,
            Predicate<Entry> wanted,
            String owner,
            long expiresAt,
            long now) {
        return call(
                "leaseNext",
                () -> delegate.leaseNext(subscription, shard, from, window, max, wanted, owner, expiresAt, now));
    }

    @Override
    public List<Lease> renew(Collection<Lease> leases, long expiresAt) {
        return call("renew", () -> delegate.renew(leases, expiresAt));
    }

    @Override
    public List<Lease> release(Collection<Lease> leases, long availableAt) {
        return call("release", () -> delegate.release(leases, availableAt));
    }

    @Override
    public List<Lease> giveBack(Collection<Lease> leases, long availableAt) {
        return call("giveBack", () -> delegate.giveBack(leases, availableAt));
    }

    @Override
    public List<Lease> leases(String subscription, TopicShard shard, long from, long to) {
        return call("leases", () -> delegate.leases(subscription, shard, from, to));
    }

    @Override
    public void dropLeases(String subscription, TopicShard shard, Collection<Long> offsets) {
        run("dropLeases", () -> delegate.dropLeases(subscription, shard, offsets));
    }

    @Override
    public Optional<PreparedRecord> insertPrepared(String id, byte[] body) {
        return call("insertPrepared", () -> delegate.insertPrepared(id, body));
    }

    @Override
    public Optional<PreparedRecord> prepared(String id) {
        return call("prepared", () -> delegate.prepared(id));
    }

    @Override
    public Optional<PreparedRecord> replacePrepared(PreparedRecord expected, byte[] body) {
        return call("replacePrepared", () -> delegate.replacePrepared(expected, body));
    }

    @Override
    public boolean deletePrepared(String id) {
        return call("deletePrepared", () -> delegate.deletePrepared(id));
    }

    @Override
    public List<String> preparedIds() {
        return call("preparedIds", delegate::preparedIds);
    }

    @Override
    public long roundTrips() {
        return delegate.roundTrips();
    }

    @Override
    public String kind() {
        return delegate.kind();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
