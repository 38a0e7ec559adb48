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

    static byte[] message(TopicShard s, long offset) {
        byte[] p = shard(s);
        return ByteBuffer.allocate(p.length + 8).put(p).putLong(offset).array();
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
