package io.pub.embedded;

import io.pub.TopicShard;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * The offsets records: the head of each shard as an in-memory counter, so reserving costs no I/O.
 * A head that moved is written with the committer's next write, before or with any record that
 * depends on it (a message at a reserved offset, a cursor placed at the head), so a reopened store
 * never hands out an offset a subscription was told is behind it. Reserved offsets nothing was
 * written for may be handed out again after a crash; nobody was told they hold anything.
 */
final class Heads {
    private final ConcurrentHashMap<TopicShard, AtomicLong> heads = new ConcurrentHashMap<>();
    private final Set<TopicShard> dirty = ConcurrentHashMap.newKeySet();
    private final ToLongFunction<TopicShard> recover;
    private final List<TopicShard> writing = new ArrayList<>();

    /** @param recover the head of a shard not seen since open, from what is stored */
    Heads(ToLongFunction<TopicShard> recover) {
        this.recover = recover;
    }

    long get(TopicShard shard) {
        return counter(shard).get();
    }

    long reserve(TopicShard shard, int count) {
        long first = counter(shard).getAndAdd(count);
        dirty.add(shard);
        return first;
    }

    private AtomicLong counter(TopicShard shard) {
        return heads.computeIfAbsent(shard, s -> new AtomicLong(recover.applyAsLong(s)));
    }

    /** Committer thread: adds every head that moved since the last write to this write. */
    void writeMoved(WriteBatch wb, ColumnFamilyHandle offsets) {
        writing.clear();
        for (TopicShard s : dirty) {
            // unmark before reading: a reserve after the read marks it again for the next write
            dirty.remove(s);
            writing.add(s);
            try {
                wb.put(offsets, Keys.shard(s), Records.longValue(get(s)));
            } catch (RocksDBException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Committer thread: the write failed, so the heads it carried still need writing. */
    void writeFailed() {
        dirty.addAll(writing);
        writing.clear();
    }
}
