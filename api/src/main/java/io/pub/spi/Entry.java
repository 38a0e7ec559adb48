package io.pub.spi;

import io.pub.Message;

/**
 * What a shard holds at one offset: a message, or a tombstone that sealed a hole (an offset reserved
 * by a producer that never wrote it). A tombstone is done for every subscription.
 */
public record Entry(long offset, Message message) {
    public static Entry tombstone(long offset) {
        return new Entry(offset, null);
    }

    public boolean isTombstone() {
        return message == null;
    }
}
