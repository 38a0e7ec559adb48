package io.pub.jms;

import io.pub.Delivery;
import java.util.Comparator;

/**
 * Keeping a session's messages in order across shards. A session writes the messages it sends to a
 * destination into one shard, except those a JMSXGroupID sends to its group's shard. When a message
 * goes to another shard than the session's previous one to that destination, it names that shard
 * ({@link #PREVIOUS_SHARD}); a consumer holding it first fetches what waits in the named shard and
 * delivers in publish order ({@link #ORDER}), so a sender's messages stay in order without every
 * receive reading every shard.
 */
final class OrderHeaders {
    /** A number that grows with every message sent from this JVM: breaks ties of equal publish times. */
    static final String SEQUENCE = "pub.seq";
    /** The shard the session's previous message to the same destination went to, when it differs. */
    static final String PREVIOUS_SHARD = "pub.prevShard";

    /** Higher priority first (best effort), then publish order. */
    static final Comparator<Delivery> ORDER = Comparator.comparingInt(
                    (Delivery d) -> -d.message().priority())
            .thenComparingLong(d -> d.message().publishTime())
            .thenComparingLong(OrderHeaders::sequence);

    private OrderHeaders() {}

    static long sequence(Delivery d) {
        String s = d.message().headers().get(SEQUENCE);
        try {
            return s == null ? Long.MAX_VALUE : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The shard named as predecessor, or -1. */
    static int previousShard(Delivery d) {
        String s = d.message().headers().get(PREVIOUS_SHARD);
        try {
            return s == null ? -1 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
