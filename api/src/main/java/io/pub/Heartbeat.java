package io.pub;

import io.pub.spi.Claim;
import io.pub.spi.Controller;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A liveness claim in the store, renewed in the background with the other claims its owner holds:
 * what a connection's temporary destinations and non-durable subscriptions point to as their owner.
 * When its JVM dies the claim lapses and any JVM's housekeeping reaps what it owned.
 *
 * <p>Every third of the TTL, on the engine's liveness thread (never behind housekeeping), the
 * heartbeat reads its claim, renews it and renews the claims held with it ({@link #hold}). A claim
 * that lapsed although its owner lives (the JVM paused longer than the TTL, the store or the thread
 * was too slow) is found out here: the store shows the heartbeat's claim expired, gone or another
 * owner's, or refuses one of the held claims to this owner. Then the {@link Lapse} goes to the
 * listener given at creation: meanwhile any JVM may have reaped what the claim owned. The claim is
 * taken again when it can be, so what was not reaped stays owned.
 */
public final class Heartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final Controller controller;
    private final Clock clock;
    private final String key;
    private final Duration ttl;
    private final Consumer<Lapse> onLapse;
    /** Further claims renewed with the heartbeat: key to owner. */
    private final Map<String, String> claims = new ConcurrentHashMap<>();
    /** Claims every user holds as the same owner (the key), never released: they lapse by themselves. */
    private final Set<String> shared = ConcurrentHashMap.newKeySet();

    private final ScheduledFuture<?> task;
    private volatile boolean closed;

    /**
     * What a renewal found: the heartbeat's claim had lapsed ({@code reason} says how; {@code retaken}
     * whether this owner holds it again), and the held claims that another owner took meanwhile.
     */
    public record Lapse(String key, String reason, boolean retaken, List<String> lostClaims) {
        /** True if the heartbeat itself lapsed (not only some held claims). */
        public boolean heartbeatLapsed() {
            return reason != null;
        }
    }

    Heartbeat(
            Controller controller,
            Clock clock,
            ScheduledExecutorService scheduler,
            String key,
            Duration ttl,
            Consumer<Lapse> onLapse) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the heartbeat TTL must be positive, was " + ttl);
        }
        this.controller = controller;
        this.clock = clock;
        this.key = key;
        this.ttl = ttl;
        this.onLapse = onLapse;
        long now = clock.millis();
        if (controller.claim(key, key, now + ttl.toMillis(), now).isEmpty()) {
            throw new IllegalStateException("heartbeat claim " + key + " is held by another owner");
        }
        long period = Math.max(1, ttl.toMillis() / 3);
        this.task = scheduler.scheduleWithFixedDelay(this::beatQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    /** The claim key; use it as the owner of what this heartbeat keeps alive. */
    public String key() {
        return key;
    }

    public Duration ttl() {
        return ttl;
    }

    /**
     * Takes the claim {@code claimKey} for {@code owner} and renews it with the heartbeat until
     * {@link #release}d or closed; false if another owner holds it.
     */
    public boolean hold(String claimKey, String owner) {
        long now = clock.millis();
        if (controller.claim(claimKey, owner, now + ttl.toMillis(), now).isEmpty()) {
            return false;
        }
        claims.put(claimKey, owner);
        return true;
    }

    /**
     * Takes or renews {@code claimKey} as its own owner, a claim that every user holds alike (such as
     * the liveness of a shared subscription), and renews it with the heartbeat. It is never released:
     * another JVM may still be renewing it; it lapses by itself.
     */
    public void holdShared(String claimKey) {
        long now = clock.millis();
        controller.claim(claimKey, claimKey, now + ttl.toMillis(), now);
        shared.add(claimKey);
    }

    /** Stops renewing a claim taken with {@link #hold} and removes it from the store. */
    public void release(String claimKey, String owner) {
        claims.remove(claimKey, owner);
        controller.releaseClaim(claimKey, owner);
    }

    /**
     * Renews the heartbeat and the claims held with it now. Returns what lapsed, if anything (also
     * given to the listener). Throws if the store fails; the next beat tries again.
     */
    public Optional<Lapse> beat() {
        long now = clock.millis();
        long until = now + ttl.toMillis();
        String reason = null;
        Optional<Claim> before = controller.readClaim(key);
        if (before.isEmpty()) {
            reason = "its claim was gone from the store";
        } else if (!before.get().owner().equals(key)) {
            reason = "its claim was held by another owner";
        } else if (!before.get().isLive(now)) {
            reason = "it was renewed " + (now - before.get().expiresAt()) + " ms after it expired";
        }
        boolean retaken = controller.claim(key, key, until, now).isPresent();
        List<String> lost = new ArrayList<>();
        for (Map.Entry<String, String> c : claims.entrySet()) {
            if (controller.claim(c.getKey(), c.getValue(), until, now).isEmpty()) {
                claims.remove(c.getKey(), c.getValue());
                lost.add(c.getKey());
            }
        }
        for (String s : shared) {
            controller.claim(s, s, until, now);
        }
        if (reason == null && retaken && lost.isEmpty()) {
            return Optional.empty();
        }
        Lapse lapse = new Lapse(
                key,
                reason == null && !retaken ? "its claim was taken by another owner" : reason,
                retaken,
                List.copyOf(lost));
        if (!closed) {
            onLapse.accept(lapse);
        }
        return Optional.of(lapse);
    }

    private void beatQuietly() {
        if (closed) {
            return;
        }
        try {
            beat();
        } catch (RuntimeException e) {
            LOG.warn("heartbeat {} failed: {}", key, e.toString());
        } catch (Throwable t) {
            // the liveness thread must go on renewing the other heartbeats
            LOG.error("heartbeat {} failed", key, t);
        }
    }

    /** Stops renewing; releases the heartbeat's claim and the claims held with it. */
    @Override
    public void close() {
        closed = true;
        task.cancel(false);
        RuntimeException failure = null;
        for (Map.Entry<String, String> c : claims.entrySet()) {
            try {
                controller.releaseClaim(c.getKey(), c.getValue());
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure; // it lapses by itself
            }
        }
        claims.clear();
        try {
            controller.releaseClaim(key, key);
        } catch (RuntimeException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }

    static Consumer<Lapse> logLapses() {
        return lapse -> LOG.warn(
                "heartbeat {} lapsed ({}{}); what it owned may have been reaped",
                lapse.key(),
                lapse.reason() == null ? "claims lost" : lapse.reason(),
                lapse.lostClaims().isEmpty() ? "" : ", claims lost: " + lapse.lostClaims());
    }
}
