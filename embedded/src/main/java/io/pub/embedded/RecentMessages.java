package io.pub.embedded;

import io.pub.Message;
import io.pub.TopicShard;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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

    private record Decoded(byte[] value, Message message) {}

    void remember(TopicShard shard, long offset, byte[] value, Message message) {
        if (value.length > MAX_RECORD_BYTES) {
            return;
        }
        if (bytes.addAndGet(value.length) > MAX_BYTES) {
            // a coarse bound: the next reads decode again and fill it with what is read then
            decoded.clear();
            bytes.set(value.length);
        }
        decoded.put(new Key(shard, offset), new Decoded(value, message));
    }

    Message decode(TopicShard shard, long offset, byte[] value) {
        Decoded d = decoded.get(new Key(shard, offset));
        if (d != null && Arrays.equals(d.value, value)) {
            return d.message;
        }
        Message m = Records.message(value);
        remember(shard, offset, value, m);
        return m;
    }
}
