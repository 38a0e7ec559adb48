package io.pub.spi;

import io.pub.TopicShard;

/**
 * A subscription's claim on one offset of a shard. While {@code expiresAt} is in the future only
 * {@code owner} may deliver the message; afterwards anyone may take it over, which increments
 * {@code deliveryCount}. {@code version} is the store's compare-and-swap token.
 */
public record Lease(
        String subscription,
        TopicShard shard,
        long offset,
        String owner,
        long expiresAt,
        int deliveryCount,
        long version) {

    public boolean isLive(long now) {
        return expiresAt > now;
    }

    public Lease withExpiry(long newExpiresAt, long newVersion) {
        return new Lease(subscription, shard, offset, owner, newExpiresAt, deliveryCount, newVersion);
    }
}
