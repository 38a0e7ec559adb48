package io.pub.embedded;

import static io.pub.embedded.Families.MESSAGES;
import static io.pub.embedded.Families.OFFSETS;

import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Entry;
import io.pub.spi.OffsetSealedException;
import io.pub.spi.ReadResult;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import java.util.function.BiConsumer;

/**
 * Offsets and messages. Messages and tombstones are fsynced before the call returns: they are what
 * producers were promised. Removals (trim, delete) are not: one lost in a machine crash only brings
 * back a message every subscription is already past, or an expired one.
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
    private final BiConsumer<byte[], byte[]> removed;

    /** @param removed told of message ranges trimmed away, so their disk space can be given back */
    ShardRecords(Committer committer, Heads heads, BiConsumer<byte[], byte[]> removed) {
        this.committer = committer;
        this.heads = heads;
        this.removed = removed;
    }

    /** Every offset below the floor was trimmed: it is done, and nothing may be written there. */
    private long floor(TopicShard shard) {
        byte[] v = committer.get(OFFSETS, Keys.floor(shard));
        return v == null ? 0 : Records.longValue(v);
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
            Committer.Batch b = committer.batch(true);
            for (int i = 0; i < values.size(); i++) {
                byte[] key = Keys.message(shard, firstOffset + i);
                if (firstOffset + i < floor || committer.get(MESSAGES, key) != null) {
                    sealed = sealed == null ? firstOffset + i : sealed;
                } else {
                    b.put(MESSAGES, key, values.get(i));
                }
            }
            written = b.submitIfAny();
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
            Committer.Batch b = committer.batch(true);
            for (int i = 0; i < values.size(); i++) {
                b.put(MESSAGES, Keys.message(shard, first + i), values.get(i));
                recent.remember(shard, first + i, values.get(i), messages.get(i));
            }
            return new Appended(first, inBackground ? b.submitInBackground() : b.submit());
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
        List<Entry> entries = committer.scan(MESSAGES, Keys.message(shard, from), Keys.message(shard, to), (k, v) -> {
            long offset = Keys.offsetOf(k);
            return Records.isTombstone(v)
                    ? Entry.tombstone(offset)
                    : new Entry(offset, recent.decode(shard, offset, v));
        });
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
            byte[] key = Keys.message(shard, offset);
            byte[] current = committer.get(MESSAGES, key);
            if (current != null) {
                return Records.isTombstone(current);
            }
            written =
                    committer.batch(true).put(MESSAGES, key, Records.TOMBSTONE).submit();
        } finally {
            lock.unlock();
        }
        Committer.await(written);
        return true;
    }

    void trim(TopicShard shard, long offset) {
        CompletableFuture<Void> written;
        byte[] from = Keys.message(shard, 0);
        byte[] to = Keys.message(shard, offset);
        Lock lock = locks.of(shard);
        lock.lock();
        try {
            if (offset <= floor(shard)) {
                return;
            }
            written = committer
                    .batch(false)
                    .deleteRange(MESSAGES, from, to)
                    .put(OFFSETS, Keys.floor(shard), Records.longValue(offset))
                    .submit();
        } finally {
            lock.unlock();
        }
        Committer.await(written);
        removed.accept(from, to);
    }

    void delete(TopicShard shard, Collection<Long> offsets) {
        CompletableFuture<Void> written;
        Lock lock = locks.of(shard);
        lock.lock();
        try {
            Committer.Batch b = committer.batch(false);
            for (long o : offsets) {
                if (o >= 0) {
                    b.delete(MESSAGES, Keys.message(shard, o));
                }
            }
            written = b.submitIfAny();
        } finally {
            lock.unlock();
        }
        Committer.await(written);
    }
}
