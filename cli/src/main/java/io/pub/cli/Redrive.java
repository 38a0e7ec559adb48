package io.pub.cli;

import io.pub.DeadLetters;
import io.pub.Delivery;
import io.pub.Message;
import io.pub.Pub;
import io.pub.Subscriber;
import io.pub.Subscriber.FilterMode;
import io.pub.Subscriber.SubscriberOptions;
import io.pub.TopicShard;
import io.pub.spi.Claim;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.OffsetSealedException;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Moves dead letters back to where they came from, each exactly once even if the tool is killed at
 * any point and run again.
 *
 * <p>A dead letter is the DLQ entry at (shard, offset), whose key {@code DLQ:shard:offset} never
 * names another message. For each one leased from the DLQ:
 *
 * <ol>
 *   <li>an offset of the target shard is reserved, and a journal record (the registry claim {@value
 *       #JOURNAL}key, whose owner names the target offset) is written before anything lands there;
 *   <li>the copy is inserted at that offset, insert-if-absent, carrying the key in {@value #MARK};
 *   <li>the dead letter is acknowledged in the DLQ, then the journal record removed.
 * </ol>
 *
 * <p>A run that finds a dead letter still in the DLQ with a journal record knows an earlier run got
 * at least to step 1, and looks at the target offset: the copy with this key there means step 2 was
 * done (only the acknowledgement is left); a tombstone means the copy was never written (consumers
 * sealed the reserved offset as a hole); nothing there while some subscription of the target has not
 * passed that offset means it is still unwritten, and it is written now (insert-if-absent: exactly
 * one of this write and a consumer's seal wins). Only one case stays open: nothing there and every
 * subscription past it, so retention has removed whatever was there, a copy already consumed or a
 * sealed hole, which no record tells apart. Then the dead letter is redriven again, at least once
 * rather than lost, and the run says so.
 *
 * <p>One redrive of a DLQ runs at a time (the claim {@value #LOCK}DLQ, renewed while it runs), so the
 * leases a killed run left on dead letters can be taken back at once instead of after they expire.
 * The copy is a new message: its delivery count starts again at 1.
 */
final class Redrive {
    /** The property a redriven copy carries: the dead letter it came from, {@code DLQ:shard:offset}. */
    static final String MARK = "PubRedrivenFrom";
    /** Claim held by the one redrive of a DLQ running. */
    static final String LOCK = "pub-redrive:";
    /** Claim per dead letter being redriven; its owner is where the copy goes, {@code topic/shard/offset}. */
    static final String JOURNAL = "pub-redrive-copy:";
    /** Lease owners of redrive runs. */
    static final String OWNER = "pub-redrive@";
    /** How long a journal record outlives a run that was killed and never run again. */
    static final Duration JOURNAL_TTL = Duration.ofDays(30);

    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final int BATCH = 50;

    record Options(
            String from,
            String to,
            StoredSelector selector,
            long limit,
            double rate,
            Duration lockTtl,
            Consumer<String> progress) {}

    /** What a run did; {@code notes} say what needs a person's eye. */
    record Result(
            String from,
            long redriven,
            Map<String, Long> byDestination,
            long resumed,
            long skipped,
            long heldByOthers,
            List<String> notes) {}

    private final Store store;
    private final Controller c;
    private final Options o;
    private final String owner = OWNER + UUID.randomUUID();
    private final Map<String, Long> byDestination = new LinkedHashMap<>();
    private final Set<String> notes = new LinkedHashSet<>();
    private final Map<String, TopicInfo> targets = new LinkedHashMap<>();
    private final Map<String, Integer> nextShard = new LinkedHashMap<>();
    private long redriven;
    private long resumed;
    private long skipped;
    private long lockRenewedAt;

    Redrive(Store store, Options options) {
        this.store = store;
        this.c = store.controller();
        this.o = options;
    }

    Result run() throws InterruptedException {
        Destinations dlq = Destinations.resolve(store, o.from());
        if (!dlq.isQueue()) {
            throw CliException.badInput("'" + o.from() + "' is a topic, not a dead-letter queue");
        }
        if (o.to() != null) {
            target(Destinations.resolve(store, o.to()).name());
        }
        lock();
        try {
            takeBackLeasesOfKilledRuns(dlq);
            Pub pub = store.pub();
            Subscription queue = dlq.subscription(null);
            SubscriberOptions options = pub.subscriberOptions()
                    .withOwner(owner)
                    .withMaxDeliveries(0, pub.config().deadLetterQueue()) // never dead-letter a dead letter
                    .withFilter(o.selector(), FilterMode.SKIP);
            options = new SubscriberOptions(
                    options.owner(),
                    LEASE,
                    options.publishTimeout(),
                    options.rescanInterval(),
                    options.readWindow(),
                    options.maxWindowsPerPoll(),
                    options.maxDeliveries(),
                    options.deadLetterQueue(),
                    options.filter(),
                    options.filterMode(),
                    0); // a run moves what is there now: nothing past the head
            // skipped dead letters stay leased by this run until it ends, so a poll does not return them again
            try (Subscriber dead = pub.subscriber(queue, options)) {
                while (o.limit() == 0 || redriven < o.limit()) {
                    int want = (int) Math.min(BATCH, o.limit() == 0 ? BATCH : o.limit() - redriven);
                    List<Delivery> got = dead.poll(want);
                    if (got.isEmpty()) {
                        break;
                    }
                    for (Delivery d : got) {
                        renewLock();
                        if (redrive(d)) {
                            dead.ack(List.of(d));
                            c.readClaim(journalKey(d)).ifPresent(j -> c.releaseClaim(j.key(), j.owner()));
                        }
                        pace();
                    }
                }
            }
            long held = heldByOthers(dlq);
            return new Result(dlq.name(), redriven, byDestination, resumed, skipped, held, List.copyOf(notes));
        } finally {
            c.releaseClaim(LOCK + o.from(), owner);
        }
    }

    // ---- one dead letter ----------------------------------------------------------------------

    /** Copies the dead letter to its destination, or finds it copied; false if it is skipped. */
    private boolean redrive(Delivery d) {
        String key = key(d);
        Optional<Claim> journal = c.readClaim(journalKey(d));
        if (journal.isPresent()) {
            Boolean copied = finishEarlierRun(d, key, journal.get());
            if (copied != null) {
                return copied;
            }
        }
        String destination = destination(d.message());
        if (destination == null) {
            return false;
        }
        TopicInfo t = targets.get(destination);
        Message copy = copy(d.message(), key);
        for (int attempt = 0; ; attempt++) {
            TopicShard shard = new TopicShard(t.name(), shard(t, copy));
            long offset = c.reserve(shard, 1);
            String where = t.name() + "/" + shard.shard() + "/" + offset;
            if (c.claim(JOURNAL + key, where, store.now() + JOURNAL_TTL.toMillis(), store.now())
                    .isEmpty()) {
                throw CliException.failed("the journal record of dead letter " + key + " is held by another run");
            }
            try {
                c.insert(shard, offset, List.of(copy));
                copied(d, key, t.name(), shard, offset, false);
                return true;
            } catch (OffsetSealedException e) {
                // slower than the publish timeout: a consumer sealed the offset. Nothing landed; again.
                c.releaseClaim(JOURNAL + key, where);
                if (attempt == 2) {
                    throw CliException.failed("could not redrive dead letter " + key + ": the offsets reserved for it"
                            + " were sealed before it was written three times (PUB_PUBLISH_TIMEOUT too short?)");
                }
            }
        }
    }

    /**
     * An earlier run reserved an offset for this dead letter (the journal names it): true if the copy
     * is there (or written now), null if not and it must be copied again.
     */
    private Boolean finishEarlierRun(Delivery d, String key, Claim journal) {
        String[] where = journal.owner().split("/");
        if (where.length != 3) {
            throw CliException.failed(
                    "the journal record " + journal.key() + " is not a redrive record ('" + journal.owner() + "')");
        }
        TopicShard shard = new TopicShard(where[0], Integer.parseInt(where[1]));
        long offset = Long.parseLong(where[2]);
        List<Entry> found = c.read(shard, offset, 1).entries();
        Entry e = found.isEmpty() || found.get(0).offset() != offset ? null : found.get(0);
        if (e != null && !e.isTombstone()) {
            if (key.equals(e.message().properties().get(MARK))) {
                copied(d, key, shard.topic(), shard, offset, true);
                return true;
            }
            throw CliException.failed("the journal record of dead letter " + key + " names " + journal.owner()
                    + ", which holds another message");
        }
        if (e == null && !passedByAll(shard, offset)) {
            // reserved and never written: write it there now, unless a consumer seals it first
            try {
                c.insert(shard, offset, List.of(copy(d.message(), key)));
                copied(d, key, shard.topic(), shard, offset, true);
                return true;
            } catch (OffsetSealedException sealed) {
                // sealed meanwhile: nothing landed
            }
        } else if (e == null) {
            notes.add("dead letter " + key + " (" + d.message().id() + ") was redriven again: an earlier run was"
                    + " stopped after reserving " + journal.owner() + ", and retention has since removed whatever"
                    + " was there, so whether its copy was written cannot be told; it may be delivered twice");
        }
        c.releaseClaim(journal.key(), journal.owner());
        return null;
    }

    private boolean passedByAll(TopicShard shard, long offset) {
        for (Subscription s : c.subscriptions(shard.topic())) {
            Cursor cur = c.cursor(s.id(), shard);
            if (!cur.isDone(offset)) {
                return false;
            }
        }
        return true;
    }

    private void copied(Delivery d, String key, String topic, TopicShard shard, long offset, boolean resumedHere) {
        redriven++;
        if (resumedHere) {
            resumed++;
        }
        byDestination.merge(topic, 1L, Long::sum);
        if (o.progress() != null) {
            o.progress()
                    .accept(key + " -> " + topic + ":" + shard.shard() + ":" + offset + " "
                            + d.message().id() + (resumedHere ? " (finished an earlier run's)" : ""));
        }
    }

    /** Where a dead letter goes: --to, else its PubOriginalDestination; null (skipped, noted) if neither works. */
    private String destination(Message m) {
        if (o.to() != null) {
            return o.to();
        }
        Object original = m.properties().get(DeadLetters.ORIGINAL_TOPIC);
        if (original == null) {
            skipped++;
            notes.add("skipped dead letters without " + DeadLetters.ORIGINAL_TOPIC + " (give --to)");
            return null;
        }
        String name = original.toString();
        if (!targets.containsKey(name)) {
            Optional<TopicInfo> t = c.topic(name);
            if (t.isEmpty()) {
                skipped++;
                notes.add("skipped dead letters of '" + name + "', which no longer exists (give --to)");
                return null;
            }
            target(name);
        }
        return name;
    }

    private void target(String name) {
        TopicInfo t = c.topic(name).orElseThrow();
        targets.put(name, t);
        List<Subscription> subs = c.subscriptions(name);
        boolean queue = subs.stream().anyMatch(s -> s.id().equals(Pub.QUEUE_SUBSCRIPTION));
        if (!queue && subs.size() > 1) {
            notes.add("'" + name + "' is a topic with " + subs.size() + " subscriptions: each of them gets the"
                    + " redriven messages, not only the one named in " + DeadLetters.ORIGINAL_SUBSCRIPTION);
        }
    }

    /** A keyed message goes to its key's shard, as a producer sends it; others round-robin. */
    private int shard(TopicInfo t, Message m) {
        if (m.key() != null) {
            return Math.floorMod(m.key().hashCode(), t.shards());
        }
        int n = nextShard.merge(t.name(), 1, Integer::sum);
        return Math.floorMod(n, t.shards());
    }

    /** The message as first sent: without the dead-letter properties, with where it came from. */
    private Message copy(Message m, String key) {
        return m.toBuilder()
                .property(DeadLetters.ORIGINAL_TOPIC, null)
                .property(DeadLetters.ORIGINAL_SUBSCRIPTION, null)
                .property(DeadLetters.DELIVERY_COUNT, null)
                .property(MARK, key)
                .publishTime(store.now())
                .build();
    }

    private String key(Delivery d) {
        return d.shard().topic() + ":" + d.shard().shard() + ":" + d.offset();
    }

    private String journalKey(Delivery d) {
        return JOURNAL + key(d);
    }

    // ---- the run ----------------------------------------------------------------------------

    /** Takes the DLQ's redrive claim, waiting while a run that stopped lets it lapse. */
    private void lock() throws InterruptedException {
        String key = LOCK + o.from();
        long ttl = o.lockTtl().toMillis();
        long waited = 0;
        boolean said = false;
        while (true) {
            long now = store.now();
            if (c.claim(key, owner, now + ttl, now).isPresent()) {
                lockRenewedAt = now;
                return;
            }
            Optional<Claim> holder = c.readClaim(key);
            if (waited > 2 * ttl) {
                throw CliException.failed("another redrive of " + o.from() + " is running ("
                        + holder.map(Claim::owner).orElse("?") + "); wait for it to finish");
            }
            if (!said && holder.isPresent()) {
                store.env()
                        .err()
                        .println("pub: waiting for the redrive of " + o.from() + " by "
                                + holder.get().owner()
                                + " to finish, or to lapse if it was stopped (at most "
                                + Durations.format(Math.max(0, holder.get().expiresAt() - now)) + ")");
                said = true;
            }
            store.env().pause().pause(Duration.ofMillis(200));
            waited += 200;
        }
    }

    private void renewLock() {
        long now = store.now();
        long ttl = o.lockTtl().toMillis();
        if (now - lockRenewedAt < ttl / 3) {
            return;
        }
        if (c.claim(LOCK + o.from(), owner, now + ttl, now).isEmpty()) {
            throw CliException.failed("the redrive of " + o.from() + " lost its claim (it was too slow to renew it"
                    + " within --lock-ttl " + Durations.format(ttl) + "); run it again to finish");
        }
        lockRenewedAt = now;
    }

    /** Holding the DLQ's claim, no other redrive runs: live leases of redrive owners are from killed runs. */
    private void takeBackLeasesOfKilledRuns(Destinations dlq) {
        long now = store.now();
        for (int s = 0; s < dlq.topic().shards(); s++) {
            TopicShard shard = new TopicShard(dlq.name(), s);
            Cursor cur = c.cursor(Pub.QUEUE_SUBSCRIPTION, shard);
            List<Lease> stale = new ArrayList<>();
            for (Lease l : c.leases(Pub.QUEUE_SUBSCRIPTION, shard, cur.committed(), c.head(shard))) {
                if (l.isLive(now) && l.owner().startsWith(OWNER) && !l.owner().equals(owner)) {
                    stale.add(l);
                }
            }
            if (!stale.isEmpty()) {
                c.release(stale, now);
            }
        }
    }

    /** Dead letters left in the DLQ because a consumer other than a redrive holds them. */
    private long heldByOthers(Destinations dlq) {
        long now = store.now();
        long n = 0;
        for (int s = 0; s < dlq.topic().shards(); s++) {
            TopicShard shard = new TopicShard(dlq.name(), s);
            Cursor cur = c.cursor(Pub.QUEUE_SUBSCRIPTION, shard);
            for (Lease l : c.leases(Pub.QUEUE_SUBSCRIPTION, shard, cur.committed(), c.head(shard))) {
                if (!cur.isDone(l.offset()) && l.isLive(now) && !l.owner().startsWith(OWNER)) {
                    n++;
                }
            }
        }
        if (n > 0) {
            notes.add(n + " dead letter" + (n == 1 ? " is" : "s are") + " held by a consumer of " + dlq.name()
                    + " and were left alone; run again once it let go of them");
        }
        return n;
    }

    private void pace() throws InterruptedException {
        if (o.rate() > 0) {
            store.env().pause().pause(Duration.ofNanos((long) (1e9 / o.rate())));
        }
    }
}
