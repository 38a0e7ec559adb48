package io.pub.chaos;

import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Acquired;
import io.pub.spi.Claim;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Lease;
import io.pub.spi.PreparedRecord;
import io.pub.spi.ReadResult;
import io.pub.spi.StoreException;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A store that fails on purpose: it wraps a real store and, per the current {@link Control}, slows
 * calls down, fails them before they reach the store, applies batches only in part, or applies a call
 * and then reports a failure. Every injected fault is reported to {@link #listener} (the child JVM
 * journals it) before it takes effect. Without faults it is a plain pass-through.
 */
final class ChaosController implements Controller {

    /** Told of every fault as it is injected: the store operation, the fault, and what it was about. */
    interface FaultListener {
        void injected(String op, Fault fault, String subject);
    }

    static volatile FaultListener listener = (op, fault, subject) -> {};

    /**
     * Told where messages were stored (after the store wrote them) and which offsets are about to be
     * marked done (before the call): with these the checker can say who made a message done when it
     * never reached an application.
     */
    interface Recorder {
        void stored(TopicShard shard, long firstOffset, List<Message> messages);

        void marking(String subscription, TopicShard shard, Collection<Long> offsets);

        /** A renewal's outcome: leases it did not renew, or that had run out before it, lapsed. */
        void renewed(Collection<Lease> asked, List<Lease> renewed, long calledAt);
    }

    static volatile Recorder recorder = new Recorder() {
        @Override
        public void stored(TopicShard shard, long firstOffset, List<Message> messages) {}

        @Override
        public void marking(String subscription, TopicShard shard, Collection<Long> offsets) {}

        @Override
        public void renewed(Collection<Lease> asked, List<Lease> renewed, long calledAt) {}
    };

    private final Controller store;
    private final Supplier<Control> control;

    ChaosController(Controller store, Supplier<Control> control) {
        this.store = store;
        this.control = control;
    }

    /** The wrapped store, for reads that must not be faulted (the cursor sampler). */
    Controller store() {
        return store;
    }

    /** The fault for this call, if any; {@code batch} is how many records the call touches. */
    private Fault draw(String op, int batch) {
        Control c = control.get();
        if (c.faultRate <= 0 || c.kinds.isEmpty()) {
            return null;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        if (r.nextDouble() >= c.faultRate) {
            return null;
        }
        List<Fault> kinds = new ArrayList<>(c.kinds);
        Fault f = kinds.get(r.nextInt(kinds.size()));
        if (f == Fault.PARTIAL && batch < 2) {
            f = Fault.FAIL; // nothing to cut short
        }
        return c.allows(op, f) ? f : null;
    }

    private void pause() {
        int max = Math.max(1, control.get().maxDelayMs);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(max / 10 + 1, max + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted during an injected delay");
        }
    }

    private static StoreException failure(String op, Fault f) {
        return new StoreException("chaos: injected " + f.name().toLowerCase(java.util.Locale.ROOT) + " in " + op);
    }

    /** A call on one record (or a read). */
    private <T> T call(String op, String subject, Supplier<T> body) {
        return call(op, subject, 1, body, null);
    }

    /**
     * A call on {@code batch} records; {@code part} applies the call to the first part of them (used
     * for {@link Fault#PARTIAL}).
     */
    private <T> T call(String op, String subject, int batch, Supplier<T> body, Runnable part) {
        Fault f = draw(op, part == null ? 1 : batch);
        if (f == null) {
            return body.get();
        }
        listener.injected(op, f, subject);
        switch (f) {
            case LATENCY -> {
                pause();
                return body.get();
            }
            case TIMEOUT -> {
                pause();
                throw failure(op, f);
            }
            case PARTIAL -> {
                part.run();
                throw failure(op, f);
            }
            case LOST_REPLY -> {
                body.get();
                throw failure(op, f);
            }
            default -> throw failure(op, f);
        }
    }

    private void run(String op, String subject, int batch, Runnable body, Runnable part) {
        call(
                op,
                subject,
                batch,
                () -> {
                    body.run();
                    return null;
                },
                part);
    }

    private static <T> List<T> firstPart(Collection<T> all) {
        List<T> list = new ArrayList<>(all);
        return list.subList(0, Math.max(1, list.size() / 2));
    }

    private static String subject(TopicShard shard) {
        return shard.topic();
    }

    private static String subjectOf(Collection<Lease> leases) {
        return leases.isEmpty() ? "-" : leases.iterator().next().subscription();
    }

    // ---- registry

    @Override
    public TopicInfo createTopic(TopicInfo topic) {
        return call("createTopic", topic.name(), () -> store.createTopic(topic));
    }

    // prepared transactions (XA): faults here as everywhere, so XA runs under chaos too

    @Override
    public Optional<PreparedRecord> insertPrepared(String id, byte[] body) {
        return call("insertPrepared", id, () -> store.insertPrepared(id, body));
    }

    @Override
    public Optional<PreparedRecord> prepared(String id) {
        return call("prepared", id, () -> store.prepared(id));
    }

    @Override
    public Optional<PreparedRecord> replacePrepared(PreparedRecord expected, byte[] body) {
        return call("replacePrepared", expected.id(), () -> store.replacePrepared(expected, body));
    }

    @Override
    public boolean deletePrepared(String id) {
        return call("deletePrepared", id, () -> store.deletePrepared(id));
    }

    @Override
    public List<String> preparedIds() {
        return call("preparedIds", "", store::preparedIds);
    }

    @Override
    public Optional<TopicInfo> topic(String name) {
        return call("topic", name, () -> store.topic(name));
    }

    @Override
    public List<TopicInfo> topics() {
        return call("topics", "-", store::topics);
    }

    @Override
    public boolean deleteTopic(String name) {
        return call("deleteTopic", name, () -> store.deleteTopic(name));
    }

    @Override
    public Subscription createSubscription(Subscription subscription, boolean startAtHead) {
        return call("createSubscription", subscription.id(), () -> store.createSubscription(subscription, startAtHead));
    }

    @Override
    public Optional<Subscription> subscription(String topic, String id) {
        return call("subscription", id, () -> store.subscription(topic, id));
    }

    @Override
    public List<Subscription> subscriptions(String topic) {
        return call("subscriptions", topic, () -> store.subscriptions(topic));
    }

    @Override
    public boolean deleteSubscription(String topic, String id) {
        return call("deleteSubscription", id, () -> store.deleteSubscription(topic, id));
    }

    @Override
    public Optional<Claim> claim(String key, String owner, long expiresAt, long now) {
        return call("claim", key, () -> store.claim(key, owner, expiresAt, now));
    }

    @Override
    public Optional<Claim> readClaim(String key) {
        return call("readClaim", key, () -> store.readClaim(key));
    }

    @Override
    public boolean releaseClaim(String key, String owner) {
        return call("releaseClaim", key, () -> store.releaseClaim(key, owner));
    }

    // ---- offsets and messages

    @Override
    public long reserve(TopicShard shard, int count) {
        return call("reserve", subject(shard), () -> store.reserve(shard, count));
    }

    @Override
    public void insert(TopicShard shard, long firstOffset, List<Message> messages) {
        run(
                "insert",
                subject(shard),
                messages.size(),
                () -> {
                    store.insert(shard, firstOffset, messages);
                    recorder.stored(shard, firstOffset, messages);
                },
                () -> {
                    store.insert(shard, firstOffset, firstPart(messages));
                    recorder.stored(shard, firstOffset, firstPart(messages));
                });
    }

    @Override
    public long append(TopicShard shard, List<Message> messages) {
        return call(
                "append",
                subject(shard),
                messages.size(),
                () -> {
                    long first = store.append(shard, messages);
                    recorder.stored(shard, first, messages);
                    return first;
                },
                () -> {
                    long first = store.reserve(shard, messages.size());
                    store.insert(shard, first, firstPart(messages));
                    recorder.stored(shard, first, firstPart(messages));
                });
    }

    @Override
    public CompletableFuture<Long> appendAsync(TopicShard shard, List<Message> messages) {
        Fault f = draw("appendAsync", messages.size());
        if (f == null) {
            return recorded(shard, messages);
        }
        listener.injected("appendAsync", f, subject(shard));
        try {
            switch (f) {
                case LATENCY -> {
                    pause();
                    return recorded(shard, messages);
                }
                case TIMEOUT -> {
                    pause();
                    return CompletableFuture.failedFuture(failure("appendAsync", f));
                }
                case PARTIAL -> {
                    long first = store.reserve(shard, messages.size());
                    store.insert(shard, first, firstPart(messages));
                    recorder.stored(shard, first, firstPart(messages));
                    return CompletableFuture.failedFuture(failure("appendAsync", f));
                }
                case LOST_REPLY -> {
                    return recorded(shard, messages).thenApply(first -> {
                        throw failure("appendAsync", f);
                    });
                }
                default -> {
                    return CompletableFuture.failedFuture(failure("appendAsync", f));
                }
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Long> recorded(TopicShard shard, List<Message> messages) {
        return store.appendAsync(shard, messages).thenApply(first -> {
            recorder.stored(shard, first, messages);
            return first;
        });
    }

    @Override
    public Duration acknowledgementLinger() {
        return store.acknowledgementLinger();
    }

    @Override
    public boolean onReadable(Consumer<TopicShard> listener) {
        return store.onReadable(listener); // a fault the wrapper injects into a call does not stop the signal
    }

    @Override
    public long head(TopicShard shard) {
        return call("head", subject(shard), () -> store.head(shard));
    }

    @Override
    public ReadResult read(TopicShard shard, long from, int max) {
        return call("read", subject(shard), () -> store.read(shard, from, max));
    }

    @Override
    public boolean seal(TopicShard shard, long offset) {
        return call("seal", subject(shard), () -> store.seal(shard, offset));
    }

    @Override
    public void trim(TopicShard shard, long offset) {
        run("trim", subject(shard), 1, () -> store.trim(shard, offset), null);
    }

    @Override
    public void delete(TopicShard shard, Collection<Long> offsets) {
        run(
                "delete",
                subject(shard),
                offsets.size(),
                () -> store.delete(shard, offsets),
                () -> store.delete(shard, firstPart(offsets)));
    }

    // ---- cursors

    @Override
    public Cursor cursor(String subscription, TopicShard shard) {
        return call("cursor", subscription, () -> store.cursor(subscription, shard));
    }

    @Override
    public Optional<Cursor> compareAndSetCursor(String subscription, TopicShard shard, Cursor expected, Cursor next) {
        return call(
                "compareAndSetCursor",
                subscription,
                () -> store.compareAndSetCursor(subscription, shard, expected, next));
    }

    @Override
    public Cursor markDone(String subscription, TopicShard shard, Collection<Long> offsets) {
        return marking(subscription, shard, offsets, store::markDone);
    }

    @Override
    public Cursor markDoneLazily(String subscription, TopicShard shard, Collection<Long> offsets) {
        return marking(subscription, shard, offsets, store::markDoneLazily);
    }

    /** The store's markDone or markDoneLazily: one operation to the faults, fsync or not. */
    private interface MarkDone {
        Cursor apply(String subscription, TopicShard shard, Collection<Long> offsets);
    }

    private Cursor marking(String subscription, TopicShard shard, Collection<Long> offsets, MarkDone op) {
        recorder.marking(subscription, shard, offsets);
        return call(
                "markDone",
                subscription,
                offsets.size(),
                () -> op.apply(subscription, shard, offsets),
                () -> op.apply(subscription, shard, firstPart(offsets)));
    }

    // ---- leases

    @Override
    public List<Lease> acquire(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        return call(
                "acquire",
                subscription,
                offsets.size(),
                () -> store.acquire(subscription, shard, offsets, owner, expiresAt, now),
                () -> store.acquire(subscription, shard, firstPart(offsets), owner, expiresAt, now));
    }

    @Override
    public Acquired acquireAhead(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        return call(
                "acquire", // the same faults as any lease taking
                subscription,
                offsets.size(),
                () -> store.acquireAhead(subscription, shard, offsets, owner, expiresAt, now),
                () -> store.acquireAhead(subscription, shard, firstPart(offsets), owner, expiresAt, now));
    }

    @Override
    public List<Lease> renew(Collection<Lease> leases, long expiresAt) {
        long calledAt = System.currentTimeMillis();
        return call(
                "renew",
                subjectOf(leases),
                leases.size(),
                () -> {
                    List<Lease> renewed = store.renew(leases, expiresAt);
                    recorder.renewed(leases, renewed, calledAt);
                    return renewed;
                },
                () -> {
                    List<Lease> part = firstPart(leases);
                    recorder.renewed(part, store.renew(part, expiresAt), calledAt);
                });
    }

    @Override
    public List<Lease> release(Collection<Lease> leases, long availableAt) {
        return call(
                "release",
                subjectOf(leases),
                leases.size(),
                () -> store.release(leases, availableAt),
                () -> store.release(firstPart(leases), availableAt));
    }

    @Override
    public List<Lease> giveBack(Collection<Lease> leases, long availableAt) {
        return call(
                "giveBack",
                subjectOf(leases),
                leases.size(),
                () -> store.giveBack(leases, availableAt),
                () -> store.giveBack(firstPart(leases), availableAt));
    }

    @Override
    public List<Lease> leases(String subscription, TopicShard shard, long from, long to) {
        return call("leases", subscription, () -> store.leases(subscription, shard, from, to));
    }

    @Override
    public void dropLeases(String subscription, TopicShard shard, Collection<Long> offsets) {
        run(
                "dropLeases",
                subscription,
                offsets.size(),
                () -> store.dropLeases(subscription, shard, offsets),
                () -> store.dropLeases(subscription, shard, firstPart(offsets)));
    }

    // ---- housekeeping

    @Override
    public long roundTrips() {
        return store.roundTrips();
    }

    @Override
    public String kind() {
        return store.kind();
    }

    @Override
    public void close() {
        store.close();
    }
}
