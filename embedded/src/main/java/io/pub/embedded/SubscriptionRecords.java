package io.pub.embedded;

import static io.pub.embedded.Families.CURSORS;
import static io.pub.embedded.Families.LEASES;

import io.pub.TopicShard;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.LeaseNext;
import io.pub.spi.LeaseNexts;
import io.pub.spi.ReadResult;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Cursors and leases of a subscription shard, which share one lock. Cursors are fsynced: what a
 * subscription has done stays done. Leases are not: a killed process loses none (the write reached
 * the operating system), and after a machine crash a lost lease costs a redelivery with a lower
 * delivery count, since every lease belonged to a consumer of the process that died.
 */
final class SubscriptionRecords {
    private final Committer committer;
    private final LongSupplier versions;
    private final Locks locks = new Locks();
    private final ConcurrentHashMap<ByteBuffer, Decoded> decoded = new ConcurrentHashMap<>();

    private static final int MAX_DECODED = 4096;

    private record Decoded(byte[] value, Cursor cursor) {}

    /**
     * Per subscription shard (its key), an offset no lease exists at or above: nothing there was
     * leased since open, nor held a lease in the store before. Taking such an offset, a first
     * delivery, needs no look-up (with four shards those look-ups cost 8-12% of transacted
     * throughput: their keys interleave, so every table file of the leases had to be searched).
     * Raised under the shard's lock as leases are queued; a deleted subscription's entries go.
     */
    private final ConcurrentHashMap<ByteBuffer, Long> leaseFree = new ConcurrentHashMap<>();

    SubscriptionRecords(Committer committer, LongSupplier versions) {
        this.committer = committer;
        this.versions = versions;
    }

    private Lock lock(String subscription, TopicShard shard) {
        return locks.of(Keys.subShard(subscription, shard));
    }

    Cursor cursor(String subscription, TopicShard shard) {
        byte[] key = Keys.subShard(subscription, shard);
        byte[] value = committer.get(CURSORS, key);
        if (value == null) {
            return Cursor.initial(0);
        }
        // consumers read their cursor on every poll; decoding its done set costs far more than
        // comparing the bytes with those last written or decoded (Cursor is immutable, so it can be
        // shared); the bytes decide, so a write this cache did not see only costs a decode
        ByteBuffer k = ByteBuffer.wrap(key);
        Decoded last = decoded.get(k);
        if (last != null && Arrays.equals(last.value, value)) {
            return last.cursor;
        }
        Cursor c = Records.decode(value, Cursor.class);
        remember(k, value, c);
        return c;
    }

    /** Under the cursor's lock: encodes a cursor about to be written and remembers it decoded. */
    private byte[] encodeCursor(String subscription, TopicShard shard, Cursor c) {
        byte[] value = Records.encode(c);
        remember(ByteBuffer.wrap(Keys.subShard(subscription, shard)), value, c);
        return value;
    }

    private void remember(ByteBuffer key, byte[] value, Cursor c) {
        if (decoded.size() >= MAX_DECODED) {
            decoded.clear(); // subscriptions come and go; a cleared cache only costs a decode each
        }
        decoded.put(key, new Decoded(value, c));
    }

    Optional<Cursor> compareAndSetCursor(String subscription, TopicShard shard, Cursor expected, Cursor next) {
        Cursor stored;
        CompletableFuture<Void> written;
        Lock lock = lock(subscription, shard);
        lock.lock();
        try {
            if (cursor(subscription, shard).version() != expected.version()) {
                return Optional.empty();
            }
            stored = next.withVersion(versions.getAsLong());
            written = committer
                    .batch(true)
                    .put(CURSORS, Keys.subShard(subscription, shard), encodeCursor(subscription, shard, stored))
                    .submit();
        } finally {
            lock.unlock();
        }
        Committer.await(written);
        return Optional.of(stored);
    }

    /**
     * One call: the cursor moves and the done offsets' leases go in the same write. {@code durable}:
     * it returns once fsynced; otherwise once written (see Controller#markDoneLazily).
     */
    Cursor markDone(String subscription, TopicShard shard, Collection<Long> offsets, boolean durable) {
        Cursor result;
        CompletableFuture<Void> written;
        Lock lock = lock(subscription, shard);
        lock.lock();
        try {
            Cursor current = cursor(subscription, shard);
            Cursor next = current.withDone(offsets);
            Committer.Batch b = committer.batch(durable);
            result = current;
            if (!next.equals(current)) {
                result = next.withVersion(versions.getAsLong());
                b.put(CURSORS, Keys.subShard(subscription, shard), encodeCursor(subscription, shard, result));
            }
            dropLeases(b, subscription, shard, offsets);
            // not durable: the background writer takes it into its next write, with the senders'
            // batches, rather than this caller taking the write turn from them for a write of its own
            written = durable ? b.submitIfAny() : b.submitInBackgroundIfAny();
        } finally {
            lock.unlock();
        }
        if (durable) {
            Committer.await(written);
        } else {
            Committer.join(written);
        }
        return result;
    }

    /** Leases as the SPI's acquire does; {@code ahead}: as its acquireAhead counts them. */
    List<Lease> acquire(
            String subscription,
            TopicShard shard,
            Collection<Long> offsets,
            String owner,
            long expiresAt,
            long now,
            boolean ahead) {
        List<Lease> taken = new ArrayList<>();
        CompletableFuture<Void> written;
        Lock lock = lock(subscription, shard);
        lock.lock();
        try {
            written = take(subscription, shard, offsets, owner, expiresAt, now, ahead, taken);
        } finally {
            lock.unlock();
        }
        Committer.await(written);
        return taken;
    }

    /**
     * The rest of a leaseNext whose range was read: under the cursor's lock the cursor cannot move,
     * so done offsets are left out before leasing and need no check after (one call, one write).
     */
    LeaseNext leaseNext(
            String subscription,
            TopicShard shard,
            ReadResult read,
            long from,
            int max,
            Predicate<Entry> wanted,
            String owner,
            long expiresAt,
            long now) {
        if (read.entries().isEmpty() || read.entries().get(0).offset() != from) {
            return new LeaseNext(read, List.of(), Optional.empty()); // nothing leasable: no lock, no cursor read
        }
        List<Lease> taken = new ArrayList<>();
        CompletableFuture<Void> written;
        Cursor cursor;
        Lock lock = lock(subscription, shard);
        lock.lock();
        try {
            cursor = cursor(subscription, shard);
            List<Long> chosen = LeaseNexts.choose(read, from, max, wanted, cursor::isDone);
            written = take(subscription, shard, chosen, owner, expiresAt, now, false, taken);
        } finally {
            lock.unlock();
        }
        Committer.await(written);
        return new LeaseNext(read, taken, taken.isEmpty() ? Optional.empty() : Optional.of(cursor));
    }

    /** Under the lock: queues the leases taken on {@code offsets} (absent or expired ones) into {@code taken}. */
    private CompletableFuture<Void> take(
            String subscription,
            TopicShard shard,
            Collection<Long> offsets,
            String owner,
            long expiresAt,
            long now,
            boolean ahead,
            List<Lease> taken) {
        Committer.Batch b = committer.batch(false);
        ByteBuffer subShard = ByteBuffer.wrap(Keys.subShard(subscription, shard));
        long free = leaseFree.computeIfAbsent(subShard, k -> storedLeaseFree(subscription, shard));
        long raised = free;
        for (long o : new TreeSet<>(offsets)) {
            byte[] key = Keys.lease(subscription, shard, o);
            Optional<Lease> current = o >= free ? Optional.empty() : committer.get(LEASES, key, Lease.class);
            if (current.isPresent() && current.get().isLive(now)) {
                continue;
            }
            int count = current.map(l -> Lease.countTakingOver(l.deliveryCount(), ahead))
                    .orElse(1);
            Lease next = new Lease(subscription, shard, o, owner, expiresAt, count, versions.getAsLong());
            b.put(LEASES, key, Records.lease(next));
            taken.add(next);
            raised = Math.max(raised, o + 1);
        }
        leaseFree.put(subShard, raised);
        return b.submitIfAny();
    }

    /** Past the highest lease the store holds for the subscription shard (first use since open). */
    private long storedLeaseFree(String subscription, TopicShard shard) {
        byte[] last = committer.lastKey(
                LEASES, Keys.lease(subscription, shard, 0), Keys.lease(subscription, shard, Long.MAX_VALUE));
        return last == null ? 0 : Keys.offsetOf(last) + 1;
    }

    /** The subscriptions under {@code prefix} are deleted with their leases. */
    void leasesGone(byte[] prefix) {
        leaseFree.keySet().removeIf(k -> Keys.startsWith(k.array(), prefix));
    }

    /** Renews or releases leases still held as given; {@code uncounted} also takes back their delivery. */
    List<Lease> replace(Collection<Lease> given, long expiresAt, boolean uncounted) {
        Map<List<Object>, List<Lease>> bySubShard = new LinkedHashMap<>();
        for (Lease l : given) {
            bySubShard
                    .computeIfAbsent(List.of(l.subscription(), l.shard()), k -> new ArrayList<>())
                    .add(l);
        }
        List<Lease> replaced = new ArrayList<>();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (List<Lease> group : bySubShard.values()) {
            Lock lock = lock(group.get(0).subscription(), group.get(0).shard());
            lock.lock();
            try {
                Committer.Batch b = committer.batch(false);
                for (Lease l : group) {
                    byte[] key = Keys.lease(l.subscription(), l.shard(), l.offset());
                    Optional<Lease> current = committer.get(LEASES, key, Lease.class);
                    if (current.isPresent() && current.get().version() == l.version()) {
                        Lease next = uncounted
                                ? current.get().givenBack(expiresAt, versions.getAsLong())
                                : current.get().withExpiry(expiresAt, versions.getAsLong());
                        b.put(LEASES, key, Records.lease(next));
                        replaced.add(next);
                    }
                }
                writes.add(b.submitIfAny());
            } finally {
                lock.unlock();
            }
        }
        writes.forEach(Committer::await);
        return replaced;
    }

    List<Lease> leases(String subscription, TopicShard shard, long from, long to) {
        long start = Math.max(0, from);
        if (start >= to) {
            return List.of();
        }
        return committer.scan(
                LEASES,
                Keys.lease(subscription, shard, start),
                Keys.lease(subscription, shard, to),
                (k, v) -> Records.decode(v, Lease.class));
    }

    void dropLeases(String subscription, TopicShard shard, Collection<Long> offsets) {
        CompletableFuture<Void> written;
        Lock lock = lock(subscription, shard);
        lock.lock();
        try {
            Committer.Batch b = committer.batch(false);
            dropLeases(b, subscription, shard, offsets);
            written = b.submitIfAny();
        } finally {
            lock.unlock();
        }
        Committer.await(written);
    }

    /**
     * Under the lock: deletes the leases on {@code offsets} without looking them up first (a look-up
     * per acknowledged message cost more than the deletion of one that is not there), except at or
     * above the offset no lease exists at, where there is nothing to delete.
     */
    private void dropLeases(Committer.Batch b, String subscription, TopicShard shard, Collection<Long> offsets) {
        Long free = leaseFree.get(ByteBuffer.wrap(Keys.subShard(subscription, shard)));
        for (long o : offsets) {
            if (o >= 0 && (free == null || o < free)) {
                b.delete(LEASES, Keys.lease(subscription, shard, o));
            }
        }
    }
}
