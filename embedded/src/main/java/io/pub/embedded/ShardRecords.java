package io.pub.embedded;

import static io.pub.embedded.Families.MESSAGES;
import static io.pub.embedded.Families.OFFSETS;

import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Entry;
import io.pub.spi.OffsetSealedException;
import io.pub.spi.ReadResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Offsets and messages. Messages and tombstones are fsynced before the call returns: they are what
 * producers were promised. A trim is too, before the {@link Reclaimer} hears of the segments it
 * forgot: it drops their files for good, so the trim must not come undone in a machine crash, and
 * its fsync also makes durable the cursors it was computed from (written before it in the log).
 * Deleting expired messages is not fsynced: one lost in a crash only brings back an expired message.
 *
 * <p>Trimming records the shard's floor: a tombstone trimmed away must still make a late producer's
 * insert fail, or its message would land behind every cursor and never be delivered.
 */
final class ShardRecords {
    private final Committer committer;
    private final Heads heads;
    // insert, append and seal of a shard decide under one lock: exactly one of them writes an offset
    private final Locks locks = new Locks();
    private final RecentMessages recent = new RecentMessages();
    private final Segments segments;
    private final ConcurrentHashMap<TopicShard, Long> floors = new ConcurrentHashMap<>();
    private final BiConsumer<byte[], byte[]> removed;

    /** @param removed told of message ranges trimmed away, so their disk space can be given back */
    ShardRecords(Committer committer, Heads heads, Segments segments, BiConsumer<byte[], byte[]> removed) {
        this.committer = committer;
        this.heads = heads;
        this.segments = segments;
        this.removed = removed;
    }

    /** Every offset below the floor was trimmed: it is done, and nothing may be written there. */
    private long floor(TopicShard shard) {
        byte[] v = committer.get(OFFSETS, Keys.floor(shard));
        return v == null ? 0 : Records.longValue(v);
    }

    /** {@link #floor}, remembered: reads start there. */
    private long cachedFloor(TopicShard shard) {
        Long f = floors.get(shard);
        if (f == null) {
            f = floor(shard);
            floors.putIfAbsent(shard, f); // a trim meanwhile put a higher one
        }
        return f;
    }

    long reserve(TopicShard shard, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, was " + count);
        }
        return heads.reserve(shard, count);
    }

    void insert(TopicShard shard, long firstOffset, List<Message> messages) {
        List<byte[]> values = messages.stream().map(Records::message).toList();
        Long sealed = null;
        CompletableFuture<Void> written;
        Lock lock = locks.of(shard);
        lock.lock();
        try {
            long head = heads.get(shard);
            if (firstOffset < 0 || firstOffset + values.size() > head) {
                long bad = firstOffset < 0 ? firstOffset : Math.max(firstOffset, head);
                throw new IllegalArgumentException("offset " + bad + " of " + shard + " was not reserved (the head is "
                        + head + "); reserve offsets before inserting");
            }
            long floor = floor(shard);
            Committer.Batch b = committer.batch(true).readable(shard);
            Segments.Writer w = segments.writer(shard, b);
            BooleanSupplier stored = b.stored();
            for (int i = 0; i < values.size(); i++) {
                long offset = firstOffset + i;
                if (offset < floor || stored(shard, offset) != null) {
                    sealed = sealed == null ? offset : sealed;
                } else {
                    b.put(MESSAGES, w.key(offset), values.get(i));
                }
            }
            written = w.submitted(b.submitIfAny());
        } finally {
            lock.unlock();
        }
        Committer.await(written);
        if (sealed != null) {
            throw new OffsetSealedException(shard, sealed);
        }
    }

    /** Reserves and writes in one call and one group-committed write. */
    long append(TopicShard shard, List<Message> messages) {
        Appended appended = queueAppend(shard, messages, false);
        Committer.await(appended.written);
        return appended.first;
    }

    /** {@link #append} that returns once the write is queued (offsets reserved, overlay set). */
    CompletableFuture<Long> appendAsync(TopicShard shard, List<Message> messages) {
        Appended appended = queueAppend(shard, messages, true);
        return appended.written.thenApply(v -> appended.first);
    }

    private record Appended(long first, CompletableFuture<Void> written) {}

    private Appended queueAppend(TopicShard shard, List<Message> messages, boolean inBackground) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("messages must not be empty");
        }
        List<byte[]> values = messages.stream().map(Records::message).toList();
        Lock lock = locks.of(shard);
        lock.lock();
        try {
            long first = heads.reserve(shard, values.size());
            Committer.Batch b = committer.batch(true).readable(shard);
            Segments.Writer w = segments.writer(shard, b);
            BooleanSupplier stored = b.stored();
            for (int i = 0; i < values.size(); i++) {
                b.put(MESSAGES, w.key(first + i), values.get(i));
                recent.remember(shard, first + i, values.get(i), messages.get(i), stored);
            }
            return new Appended(first, w.submitted(inBackground ? b.submitInBackground() : b.submit()));
        } finally {
            lock.unlock();
        }
    }

    long head(TopicShard shard) {
        return heads.get(shard);
    }

    ReadResult read(TopicShard shard, long from, int max) {
        if (from < 0 || max < 0) {
            throw new IllegalArgumentException("read needs from >= 0 and max >= 0, was from=" + from + ", max=" + max);
        }
        long head = heads.get(shard);
        long to = Math.min(head, from + max);
        if (from >= to) {
            return new ReadResult(List.of(), head);
        }
        // an offset whose write is still queued reads as absent, like one reserved and not yet written
        // trimming leaves the keys below the floor to the reclaimer: they are not read
        long start = Math.max(from, cachedFloor(shard));
        long changes = recent.changes();
        List<Entry> remembered = start < to ? recent.written(shard, start, to) : null;
        if (remembered != null) {
            return new ReadResult(remembered, head); // what a scan would find, without one
        }
        List<Entry> entries = new ArrayList<>();
        for (Segments.Span s : segments.covering(shard, start, to)) {
            entries.addAll(
                    committer.scan(MESSAGES, Keys.message(s.id(), s.from()), Keys.message(s.id(), s.to()), (k, v) -> {
                        long offset = Keys.offsetOf(k);
                        return Records.isTombstone(v)
                                ? Entry.tombstone(offset)
                                : new Entry(offset, recent.decode(shard, offset, v, changes));
                    }));
        }
        return new ReadResult(entries, head);
    }

    boolean seal(TopicShard shard, long offset) {
        CompletableFuture<Void> written;
        Lock lock = locks.of(shard);
        lock.lock();
        try {
            long head = heads.get(shard);
            if (offset < 0 || offset >= head) {
                throw new IllegalArgumentException("offset " + offset + " of " + shard
                        + " cannot be sealed: only reserved offsets below the head (" + head + ") can be");
            }
            if (offset < floor(shard)) {
                return true; // trimmed: sealed or done for every subscription, and never writable again
            }
            byte[] current = stored(shard, offset);
            if (current != null) {
                return Records.isTombstone(current);
            }
            Committer.Batch b = committer.batch(true);
            Segments.Writer w = segments.writer(shard, b);
            written = w.submitted(
                    b.put(MESSAGES, w.key(offset), Records.TOMBSTONE).submit());
        } finally {
            lock.unlock();
        }
        Committer.await(written);
        return true;
    }

    void trim(TopicShard shard, long offset) {
        CompletableFuture<Void> written;
        List<byte[][]> ranges;
        Lock lock = locks.of(shard);
        lock.lock();
        try {
            if (offset <= floor(shard)) {
                return;
            }
            Committer.Batch b = committer.batch(true).put(OFFSETS, Keys.floor(shard), Records.longValue(offset));
            ranges = segments.trim(shard, offset, b);
            written = b.submit();
            floors.put(shard, offset);
        } finally {
            lock.unlock();
        }
        Committer.await(written);
        ranges.forEach(r -> removed.accept(r[0], r[1]));
    }

    /**
     * Adds the removal of a deleted topic's messages and segments to {@code batch} and submits it,
     * under the locks of its shards, so no write into them is queued in between. Returns the write
     * and the ranges removed, for their disk space to be given back once it is written.
     */
    Dropped dropTopic(String topic, int shardCount, Committer.Batch batch) {
        List<Lock> held = new ArrayList<>();
        try {
            for (int i = 0; i < shardCount; i++) {
                Lock l = locks.of(new TopicShard(topic, i));
                l.lock();
                held.add(l);
            }
            List<byte[][]> ranges = segments.drop(topic, shardCount, batch);
            recent.changed();
            return new Dropped(batch.submit(), ranges);
        } finally {
            for (int i = held.size() - 1; i >= 0; i--) {
                held.get(i).unlock();
            }
        }
    }

    record Dropped(CompletableFuture<Void> written, List<byte[][]> ranges) {}

    /** The record at {@code offset} (queued writes included), null if there is none. */
    private byte[] stored(TopicShard shard, long offset) {
        byte[] key = segments.existingKey(shard, offset);
        return key == null ? null : committer.get(MESSAGES, key);
    }

    void delete(TopicShard shard, Collection<Long> offsets) {
        CompletableFuture<Void> written;
        Lock lock = locks.of(shard);
        lock.lock();
        try {
            Committer.Batch b = committer.batch(false);
            for (long o : offsets) {
                byte[] key = o >= 0 ? segments.existingKey(shard, o) : null;
                byte[] current = key == null ? null : committer.get(MESSAGES, key);
                // a tombstone, not a gap: a gap below the head reads as a hole, which a consumer
                // waits the publish timeout for before sealing it
                if (current != null && !Records.isTombstone(current)) {
                    recent.changed();
                    b.put(MESSAGES, key, Records.TOMBSTONE);
                }
            }
            written = b.submitIfAny();
        } finally {
            lock.unlock();
        }
        Committer.await(written);
    }
}
