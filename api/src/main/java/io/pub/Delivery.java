package io.pub;

import io.pub.spi.Lease;

/**
 * A message handed to a consumer under a lease. It stays the consumer's until the lease expires;
 * ack it (done for the subscription) or release it (redelivered, its delivery count kept).
 */
public record Delivery(TopicShard shard, long offset, Message message, Lease lease) {
    /** 1 for the first delivery; more after a lease expired or was released. */
    public int deliveryCount() {
        return lease.deliveryCount();
    }

    public boolean redelivered() {
        return lease.deliveryCount() > 1;
    }
}
