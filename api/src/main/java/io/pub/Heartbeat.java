package io.pub;

import io.pub.spi.Controller;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A liveness claim in the store, renewed in the background: what a connection's temporary
 * destinations and non-durable subscriptions point to as their owner. When its JVM dies the claim
 * lapses and any JVM's housekeeping reaps what it owned.
 */
public final class Heartbeat implements AutoCloseable {
    private final Controller controller;
    private final Clock clock;
    private final String key;
    private final Duration ttl;
    private final ScheduledFuture<?> task;

    Heartbeat(Controller controller, Clock clock, ScheduledExecutorService scheduler, String key, Duration ttl) {
        this.controller = controller;
        this.clock = clock;
        this.key = key;
        this.ttl = ttl;
        beat();
        long period = Math.max(1, ttl.toMillis() / 3);
        this.task = scheduler.scheduleWithFixedDelay(this::beatQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    /** The claim key; use it as the owner of what this heartbeat keeps alive. */
    public String key() {
        return key;
    }

    /** Renews the claim now; fails if another owner took it over (this one had lapsed). */
    public void beat() {
        long now = clock.millis();
        if (controller.claim(key, key, now + ttl.toMillis(), now).isEmpty()) {
            throw new IllegalStateException("heartbeat claim " + key + " is held by another owner");
        }
    }

    private void beatQuietly() {
        try {
            beat();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Heartbeat.class).warn("heartbeat {} failed: {}", key, e.toString());
        }
    }

    @Override
    public void close() {
        task.cancel(false);
        controller.releaseClaim(key, key);
    }
}
