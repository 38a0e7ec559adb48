package io.pub.couchbase;

import io.pub.TopicShard;
import io.pub.spi.Entry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The messages this JVM wrote last, as stored, by shard and offset: a consumer in the same JVM reads
 * them from here instead of fetching their block, which saves a message published and consumed in
 * one JVM its read round trip.
 *
 * <p>Sound because an offset of a topic name holds one message, ever: a write that lost its offset
 * (to a tombstone or a trim) is not kept, a written offset cannot be sealed, and deleting a topic
 * keeps its offset counters, so a topic created again under the name goes on from where it ended
 * instead of handing out an offset remembered here a second time (temporary destinations, whose
 * names are never used again, are the exception). What the store may change about a written offset
 * does not matter to its readers: a trim only takes offsets every cursor passed, and a deletion only
 * expired messages, which the engine recognises itself.
 *
 * <p>Bounded: the oldest go first past {@link #MAX_ENTRIES} messages or {@link #MAX_BYTES}; only
 * messages stored inline (not those kept in a document of their own) are kept.
 */
final class LocalMessages {
    static final int MAX_ENTRIES = 4096;
    static final long MAX_BYTES = 8L << 20;

    private record Key(TopicShard shard, long offset) {}

    private final Map<TopicShard, NavigableMap<Long, byte[]>> byShard = new HashMap<>();
    private final ArrayDeque<Key> order = new ArrayDeque<>();
    private long bytes;

    /** Keeps {@code encoded} (the stored form of the messages at {@code first, first + 1, ...}). */
    synchronized void wrote(TopicShard shard, long first, List<byte[]> encoded) {
        NavigableMap<Long, byte[]> kept = byShard.computeIfAbsent(shard, s -> new TreeMap<>());
        for (int i = 0; i < encoded.size(); i++) {
            byte[] e = encoded.get(i);
            if (e.length > LogBlock.INLINE_MAX || kept.putIfAbsent(first + i, e) != null) {
                continue;
            }
            order.addLast(new Key(shard, first + i));
            bytes += e.length;
        }
        while (order.size() > MAX_ENTRIES || bytes > MAX_BYTES) {
            Key k = order.pollFirst();
            NavigableMap<Long, byte[]> m = byShard.get(k.shard);
            bytes -= m.remove(k.offset).length;
            if (m.isEmpty()) {
                byShard.remove(k.shard);
            }
        }
    }

    /** The entries kept here from {@code from} on, up to {@code to} or the first offset not kept. */
    List<Entry> prefix(TopicShard shard, long from, long to) {
        List<byte[]> found = new ArrayList<>();
        synchronized (this) {
            NavigableMap<Long, byte[]> m = byShard.get(shard);
            if (m != null) {
                long expected = from;
                for (Map.Entry<Long, byte[]> e : m.subMap(from, true, to, false).entrySet()) {
                    if (e.getKey() != expected) {
                        break;
                    }
                    found.add(e.getValue());
                    expected++;
                }
            }
        }
        List<Entry> out = new ArrayList<>(found.size()); // decoded outside the lock
        for (int i = 0; i < found.size(); i++) {
            out.add(new Entry(from + i, Documents.decode(found.get(i))));
        }
        return out;
    }

    /** Forgets a shard's messages (its topic is being deleted). */
    synchronized void forget(TopicShard shard) {
        NavigableMap<Long, byte[]> m = byShard.remove(shard);
        if (m != null) {
            m.values().forEach(e -> bytes -= e.length);
            order.removeIf(k -> k.shard.equals(shard));
        }
    }
}
