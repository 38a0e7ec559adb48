package io.pub;

import io.pub.PubTracing.TraceScope;
import io.pub.PubTracing.TraceSpan;
import io.pub.spi.Acquired;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.LeaseNext;
import io.pub.spi.ReadResult;
import io.pub.spi.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A reader of a subscription across all shards of its topic (the one a {@link Dispatcher} shares
 * among the subscription's consumers in this engine, or one used on its own): finds deliverable offsets,
 * takes leases on them, and acks or releases them. This is where the delivery invariants live:
 * the cursor only moves over done offsets (acked, expired, filtered out, sealed, dead-lettered),
 * leases give exclusivity, an expired lease makes its message deliverable again with a higher
 * delivery count, and holes are sealed after the publish timeout.
 *
 * <p>Thread-safe: polling, acking and lease renewal may come from different threads.
 */
public final class Subscriber implements AutoCloseable {

    /** What to do with a message the filter rejects. */
    public enum FilterMode {
        /** A topic subscription's selector: the message is done for this subscription. */
        DONE,
        /** A queue consumer's selector: leave the message for other consumers. */
        SKIP
    }

    /** How many candidates a poll looks at per message it wants: others may hold some. */
    private static final int CANDIDATES_PER_DELIVERY = 4;
    /** A claim while its lease is being taken. */
    private static final Long TAKING = Long.MAX_VALUE;

    /** Entries a shard keeps from earlier reads; past it, the cache starts over. */
    private static final int MAX_CACHED = 10_000;

    private final Controller controller;
    private final Clock clock;
    private final Subscription subscription;
    private final SubscriberOptions options;
    private final List<ShardState> shards = new ArrayList<>();
    private final Map<Long, Delivery> outstanding = new LinkedHashMap<>();
    /** Deliveries acknowledged whose write is still queued in {@link #acks}: renewed, not handed out. */
    private final Map<Long, Delivery> acking = new HashMap<>();

    private final AckWriter acks;
    private final Producer deadLetters;
    private final PubMetrics metrics;
    private final Wakeups wakeups;
    private final Wakeups.Topic signal;
    /**
     * Offsets this JVM's consumers of the subscription hold (until when their lease runs) or are
     * taking leases on ({@link #TAKING}): a consumer skips its siblings' offsets instead of racing them
     * for leases in the store, where one would lose. A lapsed lease is fair game again, as in the store.
     */
    private final Map<Long, Long> claims;

    /**
     * Set by a {@link Dispatcher}: after the filter, a message is leased only if this says a local
     * consumer has room for it; a refused one is left as it is (not done), for a later poll.
     */
    private volatile Predicate<Message> admit;

    private volatile boolean selective;

    private int next;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    Subscriber(
            Controller controller,
            Clock clock,
            Subscription subscription,
            int shardCount,
            SubscriberOptions options,
            Producer deadLetters,
            PubMetrics metrics,
            AckWriter acks) {
        this.controller = controller;
        this.acks = acks;
        this.clock = clock;
        this.subscription = subscription;
        this.options = options;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        for (int s = 0; s < shardCount; s++) {
            shards.add(new ShardState(new TopicShard(subscription.topic(), s)));
        }
        this.wakeups = Wakeups.of(controller);
        this.signal = wakeups.acquire(subscription.topic(), shardCount);
        this.claims = signal.acquireClaims(subscription.id());
        metrics.track(this);
    }

    public Subscription subscription() {
        return subscription;
    }

    /** For a {@link Dispatcher} whose consumers select nothing: see {@link #admit}. */
    void admit(Predicate<Message> gate) {
        admit(gate, false);
    }

    /**
     * For a {@link Dispatcher}: see {@link #admit}; {@code selective} if a consumer has a selector,
     * which for a queue means no leases ahead ({@link #leaseAhead}): they would hold messages that
     * other consumers want.
     */
    void admit(Predicate<Message> gate, boolean selective) {
        this.selective = selective;
        this.admit = gate;
    }

    /** Whether this poll may lease ahead: a dispatcher drives it, and nothing it holds is selected away. */
    private boolean leasesAhead() {
        return options.leaseAhead() > 0 && admit != null && (options.filterMode() == FilterMode.DONE || !selective);
    }

    public int shardCount() {
        return shards.size();
    }

    /**
     * Runs {@code wakeup} whenever a message is published to this subscription's topic through this
     * JVM (or a delivery of the topic is given back here), as soon as it can be read: on a store that
     * tells ({@link io.pub.spi.Controller#onReadable}, the embedded store) before the publish is
     * durable, on the store's writing thread; otherwise right after it is stored, on the publisher's
     * thread. It must be quick, must not block and must not call the store (wake a thread that does).
     * Close the result to stop it.
     * Publishes from other JVMs wake nobody: waiting consumers must still poll now and then.
     */
    public AutoCloseable onPublish(Runnable wakeup) {
        return signal.register(wakeup);
    }

    /** Leased deliveries from any shard, at most {@code max}, in offset order within each shard. */
    public List<Delivery> poll(int max) {
        return poll(max, Duration.ZERO);
    }

    /**
     * As {@link #poll(int)}, but a shard an earlier poll found with nothing to deliver is skipped, with
     * no store call, while nothing was published to it through this JVM since and that poll was less
     * than {@code quietRecheck} ago. For a consumer that polls in a loop: publishes from this JVM are
     * seen at once; anything else (other JVMs' publishes, expired leases, delayed messages coming due)
     * at most {@code quietRecheck} later than a plain poll would. Once a poll has found deliveries, it
     * skips such shards however long ago they were found empty: each poll starts at the next shard,
     * and one that starts at a shard, or finds nothing before it, looks there as above.
     */
    public List<Delivery> poll(int max, Duration quietRecheck) {
        return poll(max, quietRecheck, quietRecheck);
    }

    /**
     * As {@link #poll(int, Duration)}, but the recheck of a shard found <em>consumed</em> (its
     * cursor at its head: nothing pending there, neither held, delayed nor being written) doubles
     * with each such poll in a row, from {@code quietRecheck} up to {@code idleRecheck}; a poll that
     * finds anything there, or a publish to it through this JVM, starts it again. So a consumer that
     * waits on shards nobody writes to costs a head read per shard per {@code idleRecheck}, and a
     * message another JVM writes to such a shard is found at most {@code idleRecheck} after it was
     * written. A shard with something pending is looked at again after {@code quietRecheck}, as
     * before: what comes due there (a delay, a lease that lapses) is found as soon as before.
     */
    public List<Delivery> poll(int max, Duration quietRecheck, Duration idleRecheck) {
        checkOpen();
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, was " + max);
        }
        checkRechecks(quietRecheck, idleRecheck);
        TraceSpan span = metrics.tracing().startReceive(subscription);
        try (TraceScope scope = span.makeCurrent()) {
            List<Delivery> out = new ArrayList<>();
            int start;
            synchronized (this) {
                start = next;
                next = (next + 1) % shards.size();
            }
            long recheck = quietRecheck.toNanos();
            long idle = idleRecheck.toNanos();
            RuntimeException failure = null;
            for (int i = 0; i < shards.size() && out.size() < max; i++) {
                ShardState s = shards.get((start + i) % shards.size());
                // once this poll has deliveries, a quiet shard waits for a poll that starts at it
                if (recheck > 0
                        && s.isQuiet(
                                signal, out.isEmpty() ? recheckNanos(recheck, idle, s.idlePolls) : Long.MAX_VALUE)) {
                    continue;
                }
                try {
                    out.addAll(pollShard(s, max - out.size()));
                } catch (RuntimeException e) {
                    // the other shards are still polled; what they lease is handed out, never held
                    // unseen (and renewed) for ever because of this one
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (out.isEmpty() && failure != null) {
                throw failure;
            }
            metrics.tracing().received(span, out);
            return out;
        } catch (RuntimeException e) {
            span.failed(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Leased deliveries from one shard, at most {@code max}, in offset order. */
    public List<Delivery> poll(int shard, int max) {
        checkOpen();
        if (shard < 0 || shard >= shards.size()) {
            throw new IllegalArgumentException("shard must be between 0 and " + (shards.size() - 1) + ", was " + shard);
        }
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, was " + max);
        }
        TraceSpan span = metrics.tracing().startReceive(subscription);
        try (TraceScope scope = span.makeCurrent()) {
            List<Delivery> out = pollShard(shards.get(shard), max);
            metrics.tracing().received(span, out);
            return out;
        } catch (RuntimeException e) {
            span.failed(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Reads every shard's head and cursor to refresh {@code pub.consumer.lag}. */
    public void refreshLag() {
        for (ShardState s : shards) {
            long head = controller.head(s.shard);
            metrics.lag(
                    subscription,
                    s.shard,
                    head - controller.cursor(subscription.id(), s.shard).committed());
        }
    }

    private List<Delivery> pollShard(ShardState s, int max) {
        long published = signal.count(s.shard.shard()); // before reading: a publish after it shows
        long polledAt = System.nanoTime();
        List<Delivery> out = pollShard0(s, max);
        s.quiet(out.isEmpty(), published, polledAt); // after pollShard0, which told whether it is consumed
        return out;
    }

    private List<Delivery> pollShard0(ShardState s, int max) {
        // deliveries leased with the read that found them (leaseNext) or by the scan below
        List<Delivery> out = new ArrayList<>();
        try {
            return pollShard0(s, max, out);
        } catch (RuntimeException e) {
            if (out.isEmpty()) {
                throw e;
            }
            // a later store call of this poll failed after leases were taken: those deliveries are
            // returned, or they would sit leased and renewed in nobody's hands until close
            synchronized (this) {
                out.forEach(d -> outstanding.put(key(d), d));
            }
            return out;
        } finally {
            synchronized (s) { // what the admission gate refused is looked at again by the next poll
                s.scanFrom = Math.min(s.scanFrom, s.refusedFrom);
            }
        }
    }

    private List<Delivery> pollShard0(ShardState s, int max, List<Delivery> out) {
        synchronized (s) {
            s.refusedFrom = Long.MAX_VALUE;
            boolean wasConsumed = s.consumed;
            s.consumed = false;
            long now = clock.millis();
            // The cursor is the last one this subscriber read or wrote, read again at every rescan. It
            // may miss what other consumers did since: that costs at most a wasted lease, since every
            // lease taken is checked against a cursor read after taking it (see lease). A shard the
            // last poll found consumed is not rescanned: nothing below its head is unacknowledged, so
            // no lease there can lapse, and what comes past the head the read below finds; the rescan
            // resumes with the first poll that finds the shard otherwise (an idle consumer read each
            // shard's cursor every second for nothing).
            Cursor cursor = s.cursor;
            boolean cached = true;
            if ((now >= s.rescanAt && !wasConsumed) || cursor == null) {
                s.scanFrom = 0; // from the cursor again: picks up leases that expired or were released
                s.rescanAt = now + options.rescanInterval().toMillis();
                cursor = s.offerCursor(controller.cursor(subscription.id(), s.shard));
                cached = false;
            }
            long from = Math.max(cursor.committed(), s.scanFrom);
            List<Long> candidates = new ArrayList<>();
            Map<Long, Message> byOffset = new HashMap<>();
            List<Long> done = new ArrayList<>();
            long scanned = from;
            int windows = 0;
            s.cache.headMap(cursor.committed()).clear();
            // the offsets the leaseNext read offered to the lease: the scan below must not take them
            // as candidates again
            Set<Long> offered = new HashSet<>();
            long lastOffered = -1;
            // look past offsets other consumers may hold: a poll that finds only those returns empty;
            // behind an admission gate, no more than max can be admitted, so a window read in search
            // of more would be wasted
            int want = admit != null ? max : max * CANDIDATES_PER_DELIVERY;
            s.ahead.headMap(cursor.committed()).values().forEach(this::unclaim);
            s.ahead.headMap(cursor.committed()).clear();
            long head = -1; // the head as the last read found it, once that read reached it
            while (candidates.size() < want && out.size() < max) {
                if (scanned >= s.cacheFrom && scanned < s.readTo) {
                    // messages never change once written: what this consumer read before is still
                    // true, so only what lies beyond it costs a store read
                    for (long o = scanned; o < s.readTo && candidates.size() < want; o++) {
                        Entry e = s.cache.get(o);
                        if (e != null && !offered.contains(o)) {
                            classify(s.shard, cursor, e, now, candidates, byOffset, done);
                        }
                        scanned = o + 1;
                    }
                    continue;
                }
                if (windows++ >= options.maxWindowsPerPoll()) {
                    break;
                }
                ReadResult r;
                if (candidates.isEmpty()) {
                    // nothing to lease yet: read and lease in one store call
                    LeaseNext ln = leaseNext(s, cursor, scanned, max, now, byOffset, done, offered, out);
                    r = ln.read();
                    for (Long o : offered) {
                        lastOffered = Math.max(lastOffered, o);
                    }
                } else {
                    r = controller.read(s.shard, scanned, options.readWindow());
                }
                if (windows == 1) {
                    metrics.lag(subscription, s.shard, r.head() - cursor.committed()); // free: both just read
                }
                if (scanned != s.readTo || s.cache.size() > MAX_CACHED) {
                    s.cache.clear();
                    s.cacheFrom = scanned;
                }
                long end = Math.min(r.head(), scanned + options.readWindow());
                // the read ended at the head, not at the window's end (whose end a store may report
                // as the head: see ReadResult)
                boolean atHead = r.head() < scanned + options.readWindow();
                if (cached && r.entries().size() < end - scanned) {
                    // a gap may be a hole, or trimmed below where other consumers moved the cursor
                    cursor = s.offerCursor(controller.cursor(subscription.id(), s.shard));
                    cached = false;
                }
                long expected = scanned;
                long firstOpenGap = end;
                for (Entry e : r.entries()) {
                    for (long gap = expected; gap < e.offset(); gap++) {
                        if (!cursor.isDone(gap) && !checkHole(s, gap, now, done)) {
                            firstOpenGap = Math.min(firstOpenGap, gap);
                        }
                    }
                    expected = e.offset() + 1;
                    s.cache.put(e.offset(), e);
                    if (!offered.contains(e.offset())) {
                        classify(s.shard, cursor, e, now, candidates, byOffset, done);
                    }
                }
                for (long gap = expected; gap < end; gap++) {
                    if (!cursor.isDone(gap) && !checkHole(s, gap, now, done)) {
                        firstOpenGap = Math.min(firstOpenGap, gap);
                    }
                }
                // an offset not written yet must be read again; the cache is only trusted below it
                s.readTo = firstOpenGap;
                scanned = end;
                if (firstOpenGap < end) {
                    // offset order within a shard: nothing behind an offset that is still being
                    // written (or whose producer died: sealed after the publish timeout) goes out;
                    // what lies behind it up to the head was reserved by now (see checkHole)
                    s.sawHead(
                            r.head(),
                            cursor.committed(),
                            now,
                            options.publishTimeout().toMillis());
                    long gap = firstOpenGap;
                    candidates.removeIf(o -> o > gap);
                    scanned = gap;
                    break;
                }
                if (end >= r.head()) {
                    head = atHead ? r.head() : -1;
                    break;
                }
            }
            if (!done.isEmpty()) {
                s.offerCursor(controller.markDone(subscription.id(), s.shard, done));
                done.forEach(o -> unclaim(s.ahead.remove(o))); // its lease went with it
            }
            if (lastOffered >= 0) {
                s.scanFrom = Math.max(s.scanFrom, lastOffered + 1);
            }
            int tried = 0;
            // lease in slices of what is still wanted, so a poll never holds more than max
            while (out.size() < max && tried < candidates.size()) {
                List<Long> wanted = candidates.subList(tried, Math.min(candidates.size(), tried + max - out.size()));
                tried += wanted.size();
                out.addAll(lease(s, cursor, wanted, byOffset, now));
                // continue after what we tried; offsets others hold are picked up on the next rescan
                s.scanFrom = wanted.get(wanted.size() - 1) + 1;
            }
            if (tried == candidates.size()) {
                s.scanFrom = Math.max(s.scanFrom, scanned);
            }
            synchronized (this) {
                out.forEach(d -> outstanding.put(key(d), d));
            }
            s.polledAt = now;
            s.consumed = head >= 0 && s.cursor.committed() >= head;
            if (head >= 0 && s.refusedFrom == Long.MAX_VALUE && leasesAhead()) {
                leaseAhead(s, head, now);
            }
            return out;
        }
    }

    /**
     * Reads the shard from {@code from} and leases what is deliverable there in one store call
     * ({@link Controller#leaseNext}); the store offers each entry to {@link #classify} in offset order.
     * Adds the deliveries to {@code out} (and to the outstanding ones, so a scan of the same entries
     * skips them), the offsets offered to the lease to {@code offered}, done ones to {@code done}.
     */
    private LeaseNext leaseNext(
            ShardState s,
            Cursor cursor,
            long from,
            int max,
            long now,
            Map<Long, Message> byOffset,
            List<Long> done,
            Set<Long> offered,
            List<Delivery> out) {
        List<Long> claimed = new ArrayList<>();
        List<Long> heldAhead = new ArrayList<>();
        List<Long> one = new ArrayList<>(1);
        int room = max - out.size();
        Predicate<Entry> wanted = e -> {
            one.clear();
            classify(s.shard, cursor, e, now, one, byOffset, done);
            offered.add(e.offset()); // classified: done, skipped or offered, not to be classified again
            if (one.isEmpty()) {
                return false;
            }
            if (claimed.size() + heldAhead.size() >= room) {
                s.refusedFrom = Math.min(s.refusedFrom, e.offset()); // for the next poll
                return false;
            }
            if (s.ahead.containsKey(e.offset())) {
                heldAhead.add(e.offset()); // leased already: no store write for it
                return false;
            }
            if (!claim(key(s.shard, e.offset()), now)) {
                return false;
            }
            claimed.add(e.offset());
            return true;
        };
        List<Delivery> leased = new ArrayList<>();
        try {
            LeaseNext ln = controller.leaseNext(
                    subscription.id(),
                    s.shard,
                    from,
                    options.readWindow(),
                    max - out.size(),
                    wanted,
                    options.owner(),
                    now + options.leaseDuration().toMillis(),
                    now);
            ln.cursor().ifPresent(s::offerCursor);
            leased = inOrder(deliveries(s, ln.leases(), byOffset), fromAhead(s, heldAhead, byOffset));
            synchronized (this) {
                leased.forEach(d -> outstanding.put(key(d), d));
            }
            out.addAll(leased);
            return ln;
        } finally {
            // what was delivered is held until its lease runs out; the rest is free again
            leased.forEach(d -> claims.put(key(d), d.lease().expiresAt()));
            for (long o : claimed) {
                claims.remove(key(s.shard, o), TAKING);
            }
        }
    }

    private List<Delivery> lease(
            ShardState s, Cursor cursor, List<Long> candidates, Map<Long, Message> byOffset, long now) {
        List<Delivery> out = new ArrayList<>();
        List<Long> wanted = new ArrayList<>(candidates.size());
        List<Long> heldAhead = new ArrayList<>();
        for (long o : candidates) {
            if (s.ahead.containsKey(o)) {
                heldAhead.add(o);
            } else if (claim(key(s.shard, o), now)) {
                wanted.add(o);
            }
        }
        if (wanted.isEmpty()) {
            return fromAhead(s, heldAhead, byOffset);
        }
        try {
            out = lease0(s, wanted, byOffset, now);
        } finally {
            // what was delivered is held until its lease runs out; the rest is free again
            out.forEach(d -> claims.put(key(d), d.lease().expiresAt()));
            for (long o : wanted) {
                claims.remove(key(s.shard, o), TAKING);
            }
        }
        // after the store call: had it failed, these would still be held ahead, not lost with it
        return inOrder(out, fromAhead(s, heldAhead, byOffset));
    }

    private List<Delivery> lease0(ShardState s, List<Long> wanted, Map<Long, Message> byOffset, long now) {
        // Our cursor read may be stale: another consumer may have acked an offset since; the store
        // keeps no lease on what its cursor shows done once the leases are taken
        Acquired got = controller.acquireNotDone(
                subscription.id(),
                s.shard,
                wanted,
                options.owner(),
                now + options.leaseDuration().toMillis(),
                now);
        got.cursor().ifPresent(s::offerCursor);
        return got.leases().isEmpty() ? List.of() : deliveries(s, got.leases(), byOffset);
    }

    /**
     * Leases offsets past the head before their messages are written, so that a subscriber that keeps
     * up hands each new message out without a lease write of its own: one write per half of {@link
     * SubscriberOptions#leaseAhead} messages instead of one per poll. Taken only when the poll read up
     * to the head, with nothing refused for want of room: a subscriber that is behind has messages to
     * lease with their read. They are held like a prefetch (renewed, given back uncounted on close),
     * and taken again only once the head has passed half of them. A lease is in the store before its
     * message goes out, so a crash still redelivers marked redelivered. The leases of a holder that
     * died are taken over here at their own count ({@link Controller#acquireAhead}): nothing was
     * delivered under them. A message written under one while it was live comes marked redelivered
     * without having been delivered, which JMSRedelivered allows ("likely, but not guaranteed").
     *
     * <p>Only for a subscriber a {@link Dispatcher} drives: it renews them, and it polls only for
     * consumers with room. A message that comes under one while they have none stays held for them,
     * like a prefetch (giving each back would cost a write per message on a busy shard), but leases
     * of a shard nobody polled for half a lease are given back instead of renewed: a consumer stuck
     * in its application holds them no longer than that.
     */
    private void leaseAhead(ShardState s, long head, long now) {
        int n = options.leaseAhead();
        long from = Math.max(head, s.aheadTo);
        long to = head + n;
        if (s.ahead.size() > n / 2 || from >= to) {
            return;
        }
        List<Long> wanted = new ArrayList<>();
        for (long o = from; o < to; o++) {
            if (claim(key(s.shard, o), now)) {
                wanted.add(o);
            }
        }
        s.aheadTo = to; // tried: not again before the head moves (others may hold them)
        if (wanted.isEmpty()) {
            return;
        }
        List<Lease> taken = List.of();
        try {
            Acquired got = controller.acquireAhead(
                    subscription.id(),
                    s.shard,
                    wanted,
                    options.owner(),
                    now + options.leaseDuration().toMillis(),
                    now);
            got.cursor().ifPresent(s::offerCursor);
            taken = got.leases();
        } finally {
            for (Lease l : taken) {
                s.ahead.put(l.offset(), l);
                claims.put(key(s.shard, l.offset()), l.expiresAt());
            }
            for (long o : wanted) {
                claims.remove(key(s.shard, o), TAKING);
            }
        }
    }

    /** Whether this subscriber holds a live lease taken ahead on the offset (the shard's lock is held). */
    private boolean heldAhead(TopicShard shard, long offset, long now) {
        ShardState s = shards.get(shard.shard());
        Lease l = s.ahead.get(offset);
        if (l == null) {
            return false;
        }
        if (l.expiresAt() > now) {
            return true;
        }
        // lapsed (renewals failed or this JVM paused): another consumer may hold it now; lease it anew
        s.ahead.remove(offset);
        claims.remove(key(shard, offset), l.expiresAt());
        return false;
    }

    /** Deliveries of offsets whose leases were taken ahead: those leases leave {@code s.ahead}. */
    private List<Delivery> fromAhead(ShardState s, List<Long> offsets, Map<Long, Message> byOffset) {
        if (offsets.isEmpty()) {
            return List.of();
        }
        List<Lease> leases = new ArrayList<>(offsets.size());
        for (long o : offsets) {
            leases.add(s.ahead.remove(o));
        }
        return deliveries(s, leases, byOffset);
    }

    /** Two lists of one shard's deliveries as one, in offset order. */
    private static List<Delivery> inOrder(List<Delivery> a, List<Delivery> b) {
        if (b.isEmpty()) {
            return a;
        }
        List<Delivery> all = new ArrayList<>(a);
        all.addAll(b);
        all.sort(java.util.Comparator.comparingLong(Delivery::offset));
        return all;
    }

    /** Leases taken, as deliveries: those delivered too often go to the dead-letter queue instead. */
    private List<Delivery> deliveries(ShardState s, List<Lease> leases, Map<Long, Message> byOffset) {
        List<Delivery> out = new ArrayList<>();
        List<Long> dead = new ArrayList<>();
        for (Lease l : leases) {
            Message m = byOffset.get(l.offset());
            if (options.maxDeliveries() > 0 && l.deliveryCount() > options.maxDeliveries()) {
                deadLetter(l, m);
                dead.add(l.offset());
                continue;
            }
            Delivery d = new Delivery(s.shard, l.offset(), m, l);
            out.add(d);
            metrics.delivered(subscription, d);
        }
        if (!dead.isEmpty()) {
            s.offerCursor(controller.markDone(subscription.id(), s.shard, dead));
        }
        return out;
    }

    private synchronized boolean holds(TopicShard shard, long offset) {
        long k = key(shard, offset);
        return outstanding.containsKey(k) || acking.containsKey(k);
    }

    private void classify(
            TopicShard shard,
            Cursor cursor,
            Entry e,
            long now,
            List<Long> candidates,
            Map<Long, Message> byOffset,
            List<Long> done) {
        long o = e.offset();
        if (cursor.isDone(o) || holds(shard, o) || (!heldAhead(shard, o, now) && claimedByOther(key(shard, o), now))) {
            return;
        }
        if (e.isTombstone()) {
            done.add(o);
            return;
        }
        Message m = e.message();
        if (m.isExpired(now)) {
            done.add(o);
            metrics.expired(subscription);
            return;
        }
        if (!m.isDeliverable(now)) {
            return; // delayed: not done, not leasable yet; later offsets of the shard go on
        }
        if (options.filter() != null && !options.filter().test(m)) {
            if (options.filterMode() == FilterMode.DONE) {
                done.add(o);
            }
            return;
        }
        Predicate<Message> gate = admit;
        if (gate != null && !gate.test(m)) {
            // wanted, but no local consumer has room for it now: the next poll looks here again
            ShardState s = shards.get(shard.shard());
            s.refusedFrom = Math.min(s.refusedFrom, o);
            return;
        }
        candidates.add(o);
        byOffset.put(o, m);
    }

    /**
     * Returns true if the offset is settled: sealed now (done) or found written after all. A hole is
     * sealed once it has been reserved for the publish timeout, counted from when this subscriber
     * first saw it, or first stopped at an open offset before it with the shard's head past it if that
     * was earlier: a reservation wider than the read window (a batch whose producer died) then ages as
     * a whole, instead of one window per timeout, the windows behind the first being read only once
     * it is sealed. Heads are only recorded at such stops, so a poll that finds no hole pays nothing.
     */
    private boolean checkHole(ShardState s, long offset, long now, List<Long> done) {
        boolean settled = false;
        long since = Math.min(now, s.headPassedAt(offset));
        Long seen = s.holesSeenAt.merge(offset, since, Math::min);
        if (now - seen >= options.publishTimeout().toMillis()) {
            // exactly one of the late producer's insert and this tombstone wins
            if (controller.seal(s.shard, offset)) {
                done.add(offset);
                settled = true;
            }
            s.holesSeenAt.remove(offset);
        }
        if (s.holesSeenAt.size() > 10_000) {
            s.holesSeenAt.headMap(offset - 10_000).clear();
        }
        return settled;
    }

    private void deadLetter(Lease lease, Message m) {
        Message copy = m.toBuilder()
                .property(DeadLetters.ORIGINAL_TOPIC, subscription.topic())
                .property(DeadLetters.ORIGINAL_SUBSCRIPTION, subscription.id())
                .property(DeadLetters.DELIVERY_COUNT, lease.deliveryCount() - 1)
                .expiration(0)
                .deliveryTime(0)
                .build();
        deadLetters.publish(options.deadLetterQueue(), copy);
        metrics.deadLettered(subscription);
    }

    /**
     * Marks deliveries done for the subscription (their leases go) and returns once that is written,
     * on the caller's thread (the store groups concurrent callers' writes). If it fails, the
     * deliveries are forgotten (their leases lapse) and the store's exception is thrown.
     */
    public void ack(Collection<Delivery> deliveries) {
        try {
            ack(deliveries, true).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /**
     * Acknowledges deliveries without waiting for the write: they are marked done in the background,
     * together with other acknowledgements of this engine (group commit). Until then their leases
     * are still renewed (they are no longer {@link #outstanding()}), so they do not lapse and come
     * again. The future completes once the write is done; if it fails, the deliveries are forgotten
     * (their leases lapse and what the store did not apply is redelivered) and it completes with the
     * store's exception. {@link #close} waits for what this subscriber queued.
     */
    public CompletableFuture<Void> ackAsync(Collection<Delivery> deliveries) {
        return ack(deliveries, false);
    }

    private CompletableFuture<Void> ack(Collection<Delivery> deliveries, boolean now) {
        if (deliveries.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Map<TopicShard, List<Delivery>> byShard = new TreeMap<>(Comparator.comparingInt(TopicShard::shard));
        synchronized (this) {
            for (Delivery d : deliveries) {
                long k = key(d);
                Delivery held = outstanding.remove(k);
                Delivery current = held != null ? held : acking.getOrDefault(k, d);
                acking.put(k, current);
                byShard.computeIfAbsent(shards.get(d.shard().shard()).shard, x -> new ArrayList<>())
                        .add(current);
            }
        }
        return acks.submit(this, byShard, now);
    }

    /** From {@link AckWriter}: the deliveries' acknowledgement is written. */
    void acked(TopicShard shard, List<Delivery> deliveries, Cursor cursor) {
        shards.get(shard.shard()).offerCursor(cursor);
        synchronized (this) {
            deliveries.forEach(d -> unclaim(acking.remove(key(d))));
        }
        metrics.acked(subscription, deliveries.size());
    }

    /** From {@link AckWriter}: the write failed; nobody renews these leases any more, they lapse. */
    void ackFailed(List<Delivery> deliveries) {
        synchronized (this) {
            deliveries.forEach(d -> unclaim(acking.remove(key(d))));
        }
    }

    /**
     * Gives deliveries back for redelivery after {@code delay} (zero: at once); their delivery count
     * is kept, so the next delivery is marked redelivered.
     */
    public void release(Collection<Delivery> deliveries, Duration delay) {
        release(deliveries, delay, false);
    }

    /**
     * Gives back, for delivery at once, deliveries that were never handed to the application (a
     * closing consumer's prefetch): their delivery is not counted ({@link Controller#giveBack}), so
     * the next one is not marked redelivered because of them.
     */
    public void giveBack(Collection<Delivery> deliveries) {
        release(deliveries, Duration.ZERO, true);
    }

    private void release(Collection<Delivery> deliveries, Duration delay, boolean uncounted) {
        if (deliveries.isEmpty()) {
            return;
        }
        List<Lease> leases = deliveries.stream().map(Delivery::lease).toList();
        long at = clock.millis() + delay.toMillis();
        if (uncounted) {
            controller.giveBack(leases, at);
        } else {
            controller.release(leases, at);
        }
        synchronized (this) {
            deliveries.forEach(d -> unclaim(outstanding.remove(key(d))));
        }
        for (Delivery d : deliveries) {
            ShardState s = shards.get(d.shard().shard());
            synchronized (s) {
                s.scanFrom = Math.min(s.scanFrom, d.offset());
            }
            if (delay.isZero()) {
                signal.published(d.shard().shard()); // deliverable again now: wake this JVM's consumers
            }
        }
    }

    /**
     * Renews the leases of every delivery not yet acked or released whose lease ends within
     * {@code margin}; returns how many were renewed. Deliveries whose lease was lost are dropped
     * (someone else may now hold them).
     */
    public int renew(Duration margin) {
        renewAhead(margin); // not counted: no delivery was made under them
        long now = clock.millis();
        List<Delivery> due;
        synchronized (this) {
            due = Stream.concat(outstanding.values().stream(), acking.values().stream())
                    .filter(d -> d.lease().expiresAt() - now <= margin.toMillis())
                    .toList();
        }
        if (due.isEmpty()) {
            return 0;
        }
        List<Lease> renewed = controller.renew(
                due.stream().map(Delivery::lease).toList(),
                now + options.leaseDuration().toMillis());
        Map<Long, Lease> byKey = new HashMap<>();
        for (Lease l : renewed) {
            byKey.put(key(l.shard(), l.offset()), l);
        }
        synchronized (this) {
            for (Delivery d : due) {
                long k = key(d);
                Lease l = byKey.get(k);
                // not renewed by confirm() meanwhile; ackAsync moves the same delivery to acking
                Map<Long, Delivery> holder = outstanding.get(k) == d ? outstanding : acking.get(k) == d ? acking : null;
                if (holder != null) {
                    if (l != null) {
                        holder.put(k, new Delivery(d.shard(), d.offset(), d.message(), l));
                        claims.put(k, l.expiresAt());
                    } else {
                        unclaim(holder.remove(k));
                    }
                }
            }
        }
        return renewed.size();
    }

    /**
     * Renews the leases taken ahead that end within {@code margin}, under each shard's lock: a poll
     * that hands one out meanwhile must hand out the version the store holds. Those lost are dropped.
     */
    private void renewAhead(Duration margin) {
        for (ShardState s : shards) {
            synchronized (s) {
                long now = clock.millis();
                List<Lease> due = s.ahead.values().stream()
                        .filter(l -> l.expiresAt() - now <= margin.toMillis())
                        .toList();
                if (due.isEmpty()) {
                    continue;
                }
                if (now - s.polledAt > margin.toMillis()) {
                    // nobody consumes here now: not held for them (a message under one is seen by
                    // this JVM's consumers at their next poll, by others' at their next rescan)
                    giveBackAhead(s);
                    continue;
                }
                List<Lease> renewed =
                        controller.renew(due, now + options.leaseDuration().toMillis());
                for (Lease l : due) {
                    unclaim(s.ahead.remove(l.offset()));
                }
                for (Lease l : renewed) {
                    s.ahead.put(l.offset(), l);
                    claims.put(key(s.shard, l.offset()), l.expiresAt());
                }
            }
        }
    }

    /**
     * Confirms, before a held delivery is handed to the application, that this subscriber still holds
     * its lease. A lease that lapsed at the clock's now (its JVM paused, or its renewals failed) may
     * have been taken by another consumer meanwhile: it is renewed by compare-and-swap, which succeeds
     * only if nobody took it (its version is unchanged); otherwise the delivery is dropped and empty
     * is returned. A clock that jumped ahead costs one renewal, never a delivery.
     */
    public Optional<Delivery> confirm(Delivery d) {
        return confirm(d, Duration.ZERO);
    }

    /**
     * {@link #confirm(Delivery)}, and more: the lease is left with more than {@code atLeast} to run,
     * renewed by compare-and-swap to {@code now + max(leaseDuration, atLeast)} if it has less. A
     * caller that must make a store call between confirming and handing out (an acknowledgement
     * before a receive returns) holds the message this way, so a pause during that call shorter than
     * {@code atLeast} cannot let another consumer take it.
     */
    public Optional<Delivery> confirm(Delivery d, Duration atLeast) {
        long k = key(d);
        long now = clock.millis();
        Delivery held;
        synchronized (this) {
            held = outstanding.get(k);
        }
        if (held == null) {
            return Optional.empty(); // a renewal found the lease lost, or it was let go
        }
        long hold = atLeast.toMillis();
        if (held.lease().expiresAt() - now > hold) {
            return Optional.of(held);
        }
        List<Lease> renewed = controller.renew(
                List.of(held.lease()), now + Math.max(options.leaseDuration().toMillis(), hold));
        synchronized (this) {
            Delivery latest = outstanding.get(k);
            if (latest == null) {
                return Optional.empty();
            }
            if (!renewed.isEmpty()) {
                // this compare-and-swap was the last to succeed: its version is the store's
                Delivery next = new Delivery(d.shard(), d.offset(), d.message(), renewed.get(0));
                outstanding.put(k, next);
                claims.put(k, next.lease().expiresAt());
                return Optional.of(next);
            }
            if (latest != held) {
                return Optional.of(latest); // renewed by the renewal thread meanwhile: a newer version
            }
            unclaim(outstanding.remove(k));
            return Optional.empty();
        }
    }

    /** The current lease of a delivery (after renewals), for acking or releasing it later. */
    public synchronized Delivery current(Delivery d) {
        long k = key(d);
        Delivery held = outstanding.get(k);
        return held != null ? held : acking.getOrDefault(k, d);
    }

    /** Leases this subscriber holds: outstanding deliveries and those whose acknowledgement is being written. */
    synchronized int outstandingCount() {
        return outstanding.size() + acking.size();
    }

    /** Deliveries handed out and not yet acknowledged or released. */
    public synchronized List<Delivery> outstanding() {
        return List.copyOf(outstanding.values());
    }

    private boolean claimedByOther(long key, long now) {
        Long until = claims.get(key);
        return until != null && until > now;
    }

    /** Claims an offset for taking its lease; false if a consumer of this JVM holds or is taking it. */
    private boolean claim(long key, long now) {
        boolean[] won = {false};
        claims.compute(key, (k, until) -> {
            if (until == null || until <= now) {
                won[0] = true;
                return TAKING;
            }
            return until;
        });
        return won[0];
    }

    /** A delivery this subscriber no longer holds: its offset is free for this JVM's other consumers. */
    private void unclaim(Delivery gone) {
        if (gone != null) {
            claims.remove(key(gone), gone.lease().expiresAt());
        }
    }

    /** A lease taken ahead that this subscriber no longer holds. */
    private void unclaim(Lease gone) {
        if (gone != null) {
            claims.remove(key(gone.shard(), gone.offset()), gone.expiresAt());
        }
    }

    private long key(Delivery d) {
        return key(d.shard(), d.offset());
    }

    private long key(TopicShard shard, long offset) {
        return ((long) shard.shard() << 48) | offset;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("subscriber of " + subscription.id() + " is closed");
        }
    }

    /**
     * Forgets deliveries without a store call: this subscriber no longer holds, renews or acks them,
     * and their leases lapse by themselves (for deliveries whose release failed, or whose subscription
     * is gone).
     */
    public void forget(Collection<Delivery> deliveries) {
        synchronized (this) {
            deliveries.forEach(d -> unclaim(outstanding.remove(key(d))));
        }
    }

    /**
     * Waits for this subscriber's queued acknowledgements to be written, releases every outstanding
     * delivery for immediate redelivery, then lets go of what this
     * subscriber registered in the JVM (its meters, its wake-up and claim entries). Those go even if
     * the release fails (its leases then lapse by themselves), and the failure is thrown afterwards.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return; // closed already, or being closed by another thread: its entries go once
        }
        closed = true;
        try {
            acks.flush(this); // queued acknowledgements are written before what is left goes back
            giveBackAhead();
            List<Delivery> left = outstanding();
            if (!left.isEmpty()) {
                try {
                    release(left, Duration.ZERO);
                } finally {
                    forget(left);
                }
            }
        } finally {
            try {
                metrics.untrack(this);
            } finally {
                signal.releaseClaims(subscription.id());
                wakeups.release(signal);
            }
        }
    }

    /** Gives back, uncounted, every lease taken ahead (on close): nothing was delivered under them. */
    private void giveBackAhead() {
        for (ShardState s : shards) {
            synchronized (s) {
                giveBackAhead(s);
            }
        }
    }

    /**
     * Gives back, uncounted and available at once, the shard's leases taken ahead (its lock held). If
     * the store call fails they lapse by themselves.
     */
    private void giveBackAhead(ShardState s) {
        if (s.ahead.isEmpty()) {
            return;
        }
        List<Lease> back = List.copyOf(s.ahead.values());
        s.ahead.clear();
        back.forEach(this::unclaim);
        controller.giveBack(back, clock.millis());
    }

    /** Refuses an idle recheck shorter than the quiet one (see {@link #poll(int, Duration, Duration)}). */
    static void checkRechecks(Duration quietRecheck, Duration idleRecheck) {
        if (idleRecheck.compareTo(quietRecheck) < 0) {
            throw new IllegalArgumentException(
                    "idleRecheck must be at least quietRecheck (" + quietRecheck + "), was " + idleRecheck);
        }
    }

    /**
     * How long a shard found empty is skipped: {@code first}, doubled for each poll in a row after the
     * first that found it consumed ({@code idlePolls} counts them all), up to {@code idle}.
     */
    static long recheckNanos(long first, long idle, int idlePolls) {
        long r = first;
        for (int i = 1; i < idlePolls && r < idle; i++) {
            r = r > idle / 2 ? idle : r * 2;
        }
        return Math.max(first, Math.min(r, idle));
    }

    private static final class ShardState {
        final TopicShard shard;
        long scanFrom;
        long rescanAt;
        /** The newest cursor this subscriber has seen (read, or returned by its own markDone). */
        volatile Cursor cursor;

        private final Object cursorLock = new Object();
        /** The last poll found nothing: when, and the shard's publish count before it read. */
        volatile boolean quiet;

        volatile long quietCount;
        volatile long quietAt;
        /** The last poll reached the head and found the cursor there: nothing pending on the shard. */
        volatile boolean consumed;
        /** Polls in a row that found nothing and the shard consumed: they lengthen its recheck. */
        volatile int idlePolls;

        /** Entries read before, valid for offsets in [cacheFrom, readTo). */
        final TreeMap<Long, Entry> cache = new TreeMap<>();

        long cacheFrom;
        long readTo;
        /** The first offset of this poll that {@link #admit} refused (MAX_VALUE: none). */
        long refusedFrom = Long.MAX_VALUE;

        final TreeMap<Long, Long> holesSeenAt = new TreeMap<>();
        /**
         * Heads this subscriber read while stopped at an open offset, each with when it first read one
         * at least that high: every offset below a head was reserved by then. Offsets only grow, so the
         * times grow with the heads.
         */
        private final TreeMap<Long, Long> headsSeenAt = new TreeMap<>();

        /** Leases taken ahead ({@link #leaseAhead}), by offset, until a poll hands their messages out. */
        final TreeMap<Long, Lease> ahead = new TreeMap<>();
        /** The end of the last range leased ahead: the next attempt starts there, or at the head. */
        long aheadTo;
        /** When this shard was last polled: leases ahead of a shard nobody polls are given back. */
        long polledAt;

        ShardState(TopicShard shard) {
            this.shard = shard;
        }

        /**
         * Records a head read at {@code now}. One entry per hundredth of the publish timeout: a head
         * left out is dated by the next one recorded, later, which only seals its holes later. What
         * lies below the cursor is done and forgotten; past 1,024 entries (a cursor held back for long)
         * the lowest go, whose holes then age from when this subscriber saw them, as before.
         */
        void sawHead(long head, long committed, long now, long publishTimeoutMillis) {
            while (!headsSeenAt.isEmpty() && headsSeenAt.firstKey() <= committed) {
                headsSeenAt.pollFirstEntry();
            }
            Map.Entry<Long, Long> last = headsSeenAt.lastEntry();
            if (last == null || (head > last.getKey() && now - last.getValue() >= publishTimeoutMillis / 100)) {
                headsSeenAt.put(head, now);
            }
            if (headsSeenAt.size() > 1_024) {
                headsSeenAt.pollFirstEntry();
            }
        }

        /** When this subscriber first read a head past {@code offset} (MAX_VALUE: not yet). */
        long headPassedAt(long offset) {
            Map.Entry<Long, Long> e = headsSeenAt.higherEntry(offset);
            return e == null ? Long.MAX_VALUE : e.getValue();
        }

        /**
         * Keeps {@code c} unless the cursor held is further on; returns {@code c}. Cursors only move
         * forward, so the one further on is the newer (equal: the one with more done offsets).
         */
        Cursor offerCursor(Cursor c) {
            synchronized (cursorLock) { // not the shard's lock: an ack must not wait for a poll
                Cursor held = cursor;
                if (held == null
                        || c.committed() > held.committed()
                        || (c.committed() == held.committed()
                                && c.done().size() >= held.done().size())) {
                    cursor = c;
                }
            }
            return c;
        }

        void quiet(boolean nothing, long publishCount, long polledAt) {
            quietCount = publishCount;
            quietAt = polledAt;
            quiet = nothing;
            idlePolls = nothing && consumed ? Math.min(idlePolls + 1, 62) : 0;
        }

        boolean isQuiet(Wakeups.Topic signal, long recheckNanos) {
            return quiet && signal.count(shard.shard()) == quietCount && System.nanoTime() - quietAt < recheckNanos;
        }
    }

    /** Options of a subscriber; see {@link Pub#subscriber}. */
    public record SubscriberOptions(
            String owner,
            Duration leaseDuration,
            Duration publishTimeout,
            Duration rescanInterval,
            int readWindow,
            int maxWindowsPerPoll,
            int maxDeliveries,
            String deadLetterQueue,
            Predicate<Message> filter,
            FilterMode filterMode,
            int leaseAhead) {

        public SubscriberOptions {
            Names.checkSubscription(owner, "owner");
            positive(leaseDuration, "leaseDuration");
            positive(publishTimeout, "publishTimeout");
            positive(rescanInterval, "rescanInterval");
            if (readWindow < 1) {
                throw new IllegalArgumentException("readWindow must be >= 1, was " + readWindow);
            }
            if (maxWindowsPerPoll < 1) {
                throw new IllegalArgumentException("maxWindowsPerPoll must be >= 1, was " + maxWindowsPerPoll);
            }
            if (maxDeliveries < 0) {
                throw new IllegalArgumentException("maxDeliveries must be >= 0 (0 = unlimited), was " + maxDeliveries);
            }
            Names.checkTopic(deadLetterQueue, "deadLetterQueue");
            if (filterMode == null) {
                filterMode = FilterMode.SKIP;
            }
            if (leaseAhead < 0) {
                throw new IllegalArgumentException("leaseAhead must be >= 0 (0 = off), was " + leaseAhead);
            }
        }

        private static void positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
            }
        }

        public SubscriberOptions withFilter(Predicate<Message> f, FilterMode mode) {
            return new SubscriberOptions(
                    owner,
                    leaseDuration,
                    publishTimeout,
                    rescanInterval,
                    readWindow,
                    maxWindowsPerPoll,
                    maxDeliveries,
                    deadLetterQueue,
                    f,
                    mode,
                    leaseAhead);
        }

        public SubscriberOptions withOwner(String newOwner) {
            return new SubscriberOptions(
                    newOwner,
                    leaseDuration,
                    publishTimeout,
                    rescanInterval,
                    readWindow,
                    maxWindowsPerPoll,
                    maxDeliveries,
                    deadLetterQueue,
                    filter,
                    filterMode,
                    leaseAhead);
        }

        public SubscriberOptions withLeaseAhead(int n) {
            return new SubscriberOptions(
                    owner,
                    leaseDuration,
                    publishTimeout,
                    rescanInterval,
                    readWindow,
                    maxWindowsPerPoll,
                    maxDeliveries,
                    deadLetterQueue,
                    filter,
                    filterMode,
                    n);
        }

        public SubscriberOptions withMaxDeliveries(int max, String dlq) {
            return new SubscriberOptions(
                    owner,
                    leaseDuration,
                    publishTimeout,
                    rescanInterval,
                    readWindow,
                    maxWindowsPerPoll,
                    max,
                    dlq,
                    filter,
                    filterMode,
                    leaseAhead);
        }
    }
}
