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
 * messages), so this is only ever a shortcut. Messages are immutable, so one may be handed to every
 * reader.
 *
 * <p>Small, and forgetting the oldest first: in two generations, the one being filled and the one
 * before it, dropped whole when the current one is full. Whatever it holds outlives the young
 * collections of a busy heap and is copied by each, so it is bounded by what it keeps alive (a
 * record's bytes and its decoded message), not only by the records' size: at 8 MiB of records,
 * dropped all at once when full, G1's young pauses in tx-4x4 took 824 ms in a 26 s run against 322
 * without remembering anything.
 */
final class RecentMessages {
    /** Records larger than this are not remembered: they would crowd out everything else. */
    private static final int MAX_RECORD_BYTES = 64 * 1024;

    /** What both generations together keep alive at most, estimated ({@link #retained}). */
    static final long MAX_BYTES = 4L * 1024 * 1024;

    /** About what a decoded message keeps alive besides its body: headers, properties, the objects here. */
    private static final int OVERHEAD_BYTES = 512;

    private volatile Generation current = new Generation();
    private volatile Generation previous = new Generation();

    private record Key(TopicShard shard, long offset) {}

    private static final class Generation {
        final ConcurrentHashMap<Key, Decoded> decoded = new ConcurrentHashMap<>();
        final AtomicLong bytes = new AtomicLong();
    }

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
        Generation g = current;
        g.decoded.put(new Key(shard, offset), new Decoded(value, message, changes, written));
        if (g.bytes.addAndGet(retained(value, message)) > MAX_BYTES / 2) {
            roll(g);
        }
    }

    /** About what remembering a record keeps alive: its bytes, its decoded body, the rest. */
    static long retained(byte[] value, Message message) {
        return value.length + message.body().length + OVERHEAD_BYTES;
    }

    /** The full generation {@code g} becomes the previous one (the one before it is forgotten). */
    private synchronized void roll(Generation g) {
        if (current == g) {
            previous = g; // first: a reader between the two writes finds g either way
            current = new Generation();
        }
    }

    private Decoded find(Key k) {
        Decoded d = current.decoded.get(k);
        return d != null ? d : previous.decoded.get(k);
    }

    /** How many records are remembered (for tests). */
    int size() {
        return current.decoded.size() + previous.decoded.size();
    }

    /**
     * The entries of {@code [from, to)} if every offset there holds a message remembered as written,
     * else null (read the database).
     */
    List<Entry> written(TopicShard shard, long from, long to) {
        long now = changes();
        List<Entry> out = new ArrayList<>((int) Math.min(to - from, 256));
        for (long o = from; o < to; o++) {
            Decoded d = find(new Key(shard, o));
            if (d == null || d.changes != now || (d.written != null && !d.written.getAsBoolean())) {
                return null;
            }
            out.add(new Entry(o, d.message));
        }
        return out;
    }

    /** The message {@code value} holds, read when the change count was {@code changes}. */
    Message decode(TopicShard shard, long offset, byte[] value, long changes) {
        Decoded d = find(new Key(shard, offset));
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
