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

    /**
     * The delivery count of a lease that takes over an expired one counted {@code previous}: one more
     * ({@link Controller#acquire}), or, for a lease taken ahead of its message, the same and at least
     * 1 ({@link Controller#acquireAhead}). An offset with no lease yet starts at 1.
     */
    public static int countTakingOver(int previous, boolean ahead) {
        return ahead ? Math.max(1, previous) : previous + 1;
    }

    /**
     * The expiry of a lease a prepared transaction branch owns: it never lapses, so no consumer takes
     * the message while the branch waits for its outcome; the branch's commit acks it (the lease goes
     * with markDone) and its rollback releases it.
     */
    public static final long HELD_BY_TRANSACTION = Long.MAX_VALUE;

    public boolean heldByTransaction() {
        return expiresAt == HELD_BY_TRANSACTION;
    }

    public boolean isLive(long now) {
        return expiresAt > now;
    }

    public Lease withExpiry(long newExpiresAt, long newVersion) {
        return new Lease(subscription, shard, offset, owner, newExpiresAt, deliveryCount, newVersion);
    }

    /** Given back uncounted ({@link Controller#giveBack}): the count it had before it was taken. */
    public Lease givenBack(long availableAt, long newVersion) {
        return new Lease(subscription, shard, offset, owner, availableAt, Math.max(0, deliveryCount - 1), newVersion);
    }
}
