package io.pub.embedded;

import io.pub.TopicShard;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Record keys. Names are restricted to printable ASCII (see {@link io.pub.Names}), so a 0 byte ends
 * a name unambiguously and a 1 byte in its place bounds every key under that name in a range delete.
 * Shards and offsets are big-endian so keys sort by offset and a range scan reads a shard in order.
 */
final class Keys {
    private static final byte END = 0;
    private static final byte AFTER = 1;

    private Keys() {}

    /** topic 0 shard: the offsets record of a shard, and the prefix of its messages. */
    static byte[] shard(TopicShard s) {
        byte[] t = utf8(s.topic());
        return ByteBuffer.allocate(t.length + 5)
                .put(t)
                .put(END)
                .putInt(s.shard())
                .array();
    }

    /** The shard key and one more byte: the shard's trim floor, beside its head in the offsets records. */
    static byte[] floor(TopicShard s) {
        byte[] p = shard(s);
        return ByteBuffer.allocate(p.length + 1).put(p).put((byte) 'f').array();
    }

    /**
     * A message or tombstone: its segment's number, then its offset ({@link Segments}). Numbers stay
     * below 2^56, so the first byte is 0, below every key of the earlier layout (topic name first).
     */
    static byte[] message(long segment, long offset) {
        return ByteBuffer.allocate(16).putLong(segment).putLong(offset).array();
    }

    /** Segment number of a message key. */
    static long segmentOf(byte[] key) {
        return ByteBuffer.wrap(key, 0, 8).getLong();
    }

    /** The first key of the layout before segments: messages keyed by topic, shard and offset. */
    static final byte[] FIRST_UNSEGMENTED = {1};

    /** A message key of the layout before segments: topic 0 shard offset. */
    static TopicShard unsegmentedShard(byte[] key) {
        int end = 0;
        while (key[end] != END) {
            end++;
        }
        return new TopicShard(
                new String(key, 0, end, StandardCharsets.UTF_8),
                ByteBuffer.wrap(key, end + 1, 4).getInt());
    }

    /** The offsets record that holds the number of a shard's segment {@code index}. */
    static byte[] segment(TopicShard s, long index) {
        byte[] p = shard(s);
        return ByteBuffer.allocate(p.length + 9)
                .put(p)
                .put((byte) 'g')
                .putLong(index)
                .array();
    }

    /** The first key after every {@link #segment} record of the shard. */
    static byte[] segmentsEnd(TopicShard s) {
        byte[] p = shard(s);
        return ByteBuffer.allocate(p.length + 1).put(p).put((byte) ('g' + 1)).array();
    }

    /** The offsets record of the next segment number; no topic key starts with a 0 byte. */
    static final byte[] NEXT_SEGMENT = {END, 'g'};

    /** Unsigned key order: {@code key} sorts before {@code bound}. */
    static boolean before(byte[] key, byte[] bound) {
        return java.util.Arrays.compareUnsigned(key, bound) < 0;
    }

    /** Offset of a message or lease key (its last 8 bytes). */
    static long offsetOf(byte[] key) {
        return ByteBuffer.wrap(key, key.length - 8, 8).getLong();
    }

    /** topic 0 subscription 0 shard: a cursor, and the prefix of that shard's leases. */
    static byte[] subShard(String subscription, TopicShard s) {
        byte[] t = utf8(s.topic());
        byte[] sub = utf8(subscription);
        return ByteBuffer.allocate(t.length + sub.length + 6)
                .put(t)
                .put(END)
                .put(sub)
                .put(END)
                .putInt(s.shard())
                .array();
    }

    static byte[] lease(String subscription, TopicShard s, long offset) {
        byte[] p = subShard(subscription, s);
        return ByteBuffer.allocate(p.length + 8).put(p).putLong(offset).array();
    }

    /** The first key under {@code parts} joined by 0 bytes, followed by a 0 byte. */
    static byte[] prefix(String... parts) {
        return join(parts, END);
    }

    /** The first key after every key under {@link #prefix(String...)} of the same parts. */
    static byte[] prefixEnd(String... parts) {
        return join(parts, AFTER);
    }

    static byte[] registry(String kind, String... parts) {
        String[] all = new String[parts.length + 1];
        all[0] = kind;
        System.arraycopy(parts, 0, all, 1, parts.length);
        byte[] k = join(all, END);
        // the registry key is the parts without the trailing separator
        return java.util.Arrays.copyOf(k, k.length - 1);
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] join(String[] parts, byte last) {
        int n = 0;
        byte[][] bytes = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = utf8(parts[i]);
            n += bytes[i].length + 1;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (int i = 0; i < parts.length; i++) {
            b.put(bytes[i]).put(i == parts.length - 1 ? last : END);
        }
        return b.array();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
