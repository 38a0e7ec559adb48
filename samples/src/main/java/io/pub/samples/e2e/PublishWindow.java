package io.pub.samples.e2e;

import java.time.Duration;

/**
 * When consumers may conclude that nothing more will come: once publishing has ended and one rescan
 * interval (PUB_RESCAN_INTERVAL) has passed. A message whose offset was reserved before an earlier
 * one was written becomes visible to a consumer that already scanned past it only at its next
 * rescan; empty polls before that prove nothing.
 */
final class PublishWindow {
    private final long settleNanos;
    private volatile long settledAt = Long.MAX_VALUE;

    PublishWindow(Duration settle) {
        this.settleNanos = settle.toNanos();
    }

    void ended() {
        settledAt = System.nanoTime() + settleNanos;
    }

    /** True once publishing ended and the settle time has passed since. */
    boolean settled() {
        long at = settledAt;
        return at != Long.MAX_VALUE && System.nanoTime() - at >= 0;
    }
}
