package io.pub.couchbase;

import io.pub.TopicShard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The offsets of each shard that this JVM's appends are writing, and those it reserved ahead for its
 * next appends. A reader in this JVM never looks for either in the store: its append's wake-up
 * brings it back for them.
 *
 * <p>A shard's offsets are delivered in order, so a reader elsewhere waits behind offsets reserved
 * and not written as behind a write in progress. They are therefore reserved ahead only while this
 * JVM alone writes the shard (its last increment of the counter started where its one before ended)
 * and appends one message after another to it, at least once per linger; what is left unused for a
 * linger, or cannot serve (a batch larger than the rest), or is still held at close, is sealed at
 * once, as a consumer seals a hole after the publish timeout.
 */
final class OwnOffsets {
    private static final Logger LOG = LoggerFactory.getLogger(OwnOffsets.class);

    /** Offsets taken per increment ahead of a producer's next appends. */
    static final int RESERVE_AHEAD = 16;

    /** Seals {@code [from, to)} of a shard: tombstones where nothing was written. */
    interface Sealer {
        Mono<Void> seal(TopicShard shard, long from, long to);
    }

    /** One shard's reservation: {@code [next, end)} are reserved and not taken yet. */
    private static final class Reservation {
        long next;
        long end;
        /** The shard's counter after this JVM's last increment of it. */
        long counter = -1;
        /** That increment started where the one before it ended: nobody else reserved in between. */
        boolean sole;
        /** {@link System#nanoTime()} of this JVM's last append to the shard. */
        long usedAt;

        boolean expiryScheduled;
    }

    private final long lingerNanos;
    private final Sealer sealer;
    /** Offsets being written (or sealed), per shard: first to end (exclusive). The lock of everything here. */
    private final Map<TopicShard, TreeMap<Long, Long>> writing = new HashMap<>();

    private final Map<TopicShard, Reservation> reservations = new HashMap<>();
    /** Seals of unused reserved offsets under way, for appends and {@link #close} to wait for. */
    private final Map<CompletableFuture<Void>, TopicShard> releasing = new ConcurrentHashMap<>();

    private boolean closed;

    /** {@code linger} 0 reserves nothing ahead. */
    OwnOffsets(Duration linger, Sealer sealer) {
        this.lingerNanos = linger.toNanos();
        this.sealer = sealer;
    }

    /** The first of {@code n} offsets taken from the shard's reservation (now being written), or -1. */
    long take(TopicShard shard, int n) {
        long[] unusable = null;
        long first = -1;
        synchronized (writing) {
            Reservation r = reservations.get(shard);
            if (r == null || r.next >= r.end) {
                return -1;
            }
            if (r.end - r.next < n) {
                // a batch needs consecutive offsets: the rest would only hold readers up
                unusable = detach(shard, r);
            } else {
                first = r.next;
                r.next += n;
                r.usedAt = System.nanoTime();
                startWriting(shard, first, first + n);
            }
        }
        if (unusable != null) {
            release(shard, unusable);
        }
        return first;
    }

    /** How many offsets to reserve ahead with the increment for an append of {@code n}. */
    int aheadWanted(TopicShard shard, int n) {
        if (lingerNanos <= 0 || n >= RESERVE_AHEAD) {
            return 0;
        }
        synchronized (writing) {
            Reservation r = reservations.get(shard);
            return r != null && r.sole && System.nanoTime() - r.usedAt < lingerNanos ? RESERVE_AHEAD : 0;
        }
    }

    /**
     * Records an increment of the shard's counter to {@code next}: {@code n} offsets from {@code
     * first} are being written, the rest up to {@code next} were reserved ahead.
     */
    void incremented(TopicShard shard, long first, int n, long next) {
        long[] extra = null;
        synchronized (writing) {
            startWriting(shard, first, first + n);
            Reservation r = reservations.computeIfAbsent(shard, s -> new Reservation());
            r.sole = first == r.counter;
            r.counter = next;
            r.usedAt = System.nanoTime();
            if (next > first + n) {
                if (r.next < r.end || closed) {
                    // another append refilled it meanwhile (or the store is closing): not needed
                    extra = new long[] {first + n, next};
                    startWriting(shard, extra[0], extra[1]);
                } else {
                    r.next = first + n;
                    r.end = next;
                    scheduleExpiry(shard, r, lingerNanos);
                }
            }
        }
        if (extra != null) {
            release(shard, extra);
        }
    }

    /** The offsets from {@code first} are written (or given up): readers may look for them. */
    void written(TopicShard shard, long first) {
        synchronized (writing) {
            TreeMap<Long, Long> w = writing.get(shard);
            w.remove(first);
            if (w.isEmpty()) {
                writing.remove(shard);
            }
        }
    }

    /** The first offset of {@code [from, to)} this JVM is writing or holds reserved, else {@code to}. */
    long firstWriting(TopicShard shard, long from, long to) {
        synchronized (writing) {
            Reservation r = reservations.get(shard);
            if (r != null && r.next < r.end && r.end > from) {
                to = Math.min(to, Math.max(from, r.next));
            }
            TreeMap<Long, Long> w = writing.get(shard);
            if (w == null) {
                return to;
            }
            Map.Entry<Long, Long> before = w.floorEntry(from);
            if (before != null && before.getValue() > from) {
                return from;
            }
            Long next = w.ceilingKey(from);
            return next == null ? to : Math.min(to, next);
        }
    }

    /** Seals what the shard's reservation still holds, at once (in the background). */
    void releaseNow(TopicShard shard) {
        long[] range = null;
        synchronized (writing) {
            Reservation r = reservations.get(shard);
            if (r != null && r.next < r.end) {
                range = detach(shard, r);
            }
        }
        if (range != null) {
            release(shard, range);
        }
    }

    /**
     * Waits for the seals of the shard's unused offsets under way: this JVM's consumers, woken after
     * an append, would otherwise find them not yet readable and wait for their next poll.
     */
    void awaitReleases(TopicShard shard) {
        releasing.forEach((sealing, of) -> {
            if (of.equals(shard)) {
                await(sealing);
            }
        });
    }

    /** Forgets the shard's reservation (its topic is being removed: no seal needed). */
    void forget(TopicShard shard) {
        synchronized (writing) {
            reservations.remove(shard);
        }
    }

    /** Seals what every reservation holds, and waits for the seals under way, before the store closes. */
    void close() {
        List<Map.Entry<TopicShard, long[]>> ranges = new ArrayList<>();
        synchronized (writing) {
            closed = true;
            reservations.forEach((shard, r) -> {
                if (r.next < r.end) {
                    ranges.add(Map.entry(shard, detach(shard, r)));
                }
            });
        }
        ranges.forEach(e -> release(e.getKey(), e.getValue()));
        await(CompletableFuture.allOf(releasing.keySet().toArray(CompletableFuture[]::new)));
    }

    private static void await(CompletableFuture<Void> sealing) {
        try {
            sealing.get(1, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            // never completes exceptionally; a seal that long overdue is left to readers
            LOG.warn("sealing unused offsets took over a minute; readers seal them after the publish timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void startWriting(TopicShard shard, long first, long end) {
        writing.computeIfAbsent(shard, s -> new TreeMap<>()).put(first, end);
    }

    private void scheduleExpiry(TopicShard shard, Reservation r, long delayNanos) {
        if (!r.expiryScheduled) {
            r.expiryScheduled = true;
            Mono.delay(Duration.ofNanos(delayNanos)).subscribe(x -> expire(shard, r));
        }
    }

    /** A reservation's linger ran out: sealed if unused since, else checked again when it will have. */
    private void expire(TopicShard shard, Reservation r) {
        long[] range;
        synchronized (writing) {
            r.expiryScheduled = false;
            if (reservations.get(shard) != r || r.next >= r.end) {
                return;
            }
            long idle = System.nanoTime() - r.usedAt;
            if (idle < lingerNanos && !closed) {
                scheduleExpiry(shard, r, lingerNanos - idle);
                return;
            }
            range = detach(shard, r);
        }
        release(shard, range);
    }

    /** Takes the unused offsets out of the reservation; they count as being written until sealed. Under the lock. */
    private long[] detach(TopicShard shard, Reservation r) {
        long[] range = {r.next, r.end};
        r.next = r.end;
        startWriting(shard, range[0], range[1]);
        return range;
    }

    /** Seals detached offsets in the background. A failure leaves them to readers' hole checks. */
    private void release(TopicShard shard, long[] range) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        releasing.put(done, shard);
        Runnable settled = () -> {
            written(shard, range[0]); // before whoever waits for it goes on
            releasing.remove(done);
            done.complete(null);
        };
        sealer.seal(shard, range[0], range[1])
                .subscribe(
                        null,
                        e -> {
                            LOG.debug(
                                    "sealing unused offsets {}..{} of {} failed; readers seal them after the"
                                            + " publish timeout",
                                    range[0],
                                    range[1] - 1,
                                    shard,
                                    e);
                            settled.run();
                        },
                        settled);
    }
}
