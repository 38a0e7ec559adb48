package io.pub.embedded;

import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Entry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The messages appended or read last, decoded: consumers read right behind producers, often the same
 * range more than once, and decoding a message costs more than the rest of a read. A record's bytes
 * decide whether its remembered message still stands (a deleted topic's offsets come back with other
 * messages), so this is only ever a shortcut. Bounded by the bytes it holds; messages are immutable, so
 * one may be handed to every reader.
 */
final class RecentMessages {
    /** Records larger than this are not remembered: they would crowd out everything else. */
    private static final int MAX_RECORD_BYTES = 64 * 1024;

    private static final long MAX_BYTES = 8L * 1024 * 1024;

    private final ConcurrentHashMap<Key, Decoded> decoded = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();

    private record Key(TopicShard shard, long offset) {}

    // how often a written offset changed since this store opened; one count for all shards, so that
    // dropped topics leave nothing behind (a change costs every shard one read of the database)
    private final AtomicLong changes = new AtomicLong();

    /** {@code changes}: the change count when it was remembered; written: null if read from the database. */
    private record Decoded(byte[] value, Message message, long changes, BooleanSupplier written) {}

    /** The change count now: a read takes it before it scans and remembers what it read under it. */
    long changes() {
        return changes.get();
    }

    /**
     * A written offset changes (call under its shard's lock, before queueing the change): nothing
     * remembered until now is read from memory again.
     */
    void changed() {
        changes.incrementAndGet();
    }

    /** A message read from the database, when the change count was {@code changes}. */
    void remember(TopicShard shard, long offset, byte[] value, Message message, long changes) {
        remember(shard, offset, value, message, changes, null);
    }

    /**
     * A message being written (call under the shard's lock): a scan finds it once {@code written}
     * holds (its batch is in the database).
     */
    void remember(TopicShard shard, long offset, byte[] value, Message message, BooleanSupplier written) {
        remember(shard, offset, value, message, changes(), written);
    }

    private void remember(
            TopicShard shard, long offset, byte[] value, Message message, long changes, BooleanSupplier written) {
        if (value.length > MAX_RECORD_BYTES) {
            return;
        }
        if (bytes.addAndGet(value.length) > MAX_BYTES) {
            // a coarse bound: the next reads decode again and fill it with what is read then
            decoded.clear();
            bytes.set(value.length);
        }
        decoded.put(new Key(shard, offset), new Decoded(value, message, changes, written));
    }

    /**
     * The entries of {@code [from, to)} if every offset there holds a message remembered as written,
     * else null (read the database).
     */
    List<Entry> written(TopicShard shard, long from, long to) {
        long now = changes();
        List<Entry> out = new ArrayList<>((int) Math.min(to - from, 256));
        for (long o = from; o < to; o++) {
            Decoded d = decoded.get(new Key(shard, o));
            if (d == null || d.changes != now || (d.written != null && !d.written.getAsBoolean())) {
                return null;
            }
            out.add(new Entry(o, d.message));
        }
        return out;
    }

    /** The message {@code value} holds, read when the change count was {@code changes}. */
    Message decode(TopicShard shard, long offset, byte[] value, long changes) {
        Decoded d = decoded.get(new Key(shard, offset));
        if (d != null && Arrays.equals(d.value, value)) {
            if (d.written != null || d.changes != changes) {
                // now known to be read from the database, under the change count of this read
                remember(shard, offset, value, d.message, changes);
            }
            return d.message;
        }
        Message m = Records.message(value);
        remember(shard, offset, value, m, changes);
        return m;
    }
}
