package io.pub.cli;

import io.pub.DeadLetters;
import io.pub.Pub;
import io.pub.TopicShard;
import io.pub.spi.Claim;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.ReadResult;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Figures of topics and subscriptions read from the store's records, without taking anything:
 * heads, cursors, leases and claims, and the messages between the cursors and the heads.
 */
final class Inspector {
    /** Offsets read per store call when walking a shard. */
    static final int WINDOW = 1000;
    /** How far past a cursor to look for the oldest message still to do. */
    private static final int OLDEST_SCAN = 10 * WINDOW;
    /**
     * Claims the engine takes for each active consumer of a durable or shared subscription
     * ({@link io.pub.Subscriptions#slotKey}): one slot for an unshared durable subscription and
     * {@link io.pub.Subscriptions#SHARED_SLOTS} for a shared one.
     */
    static final int SHARED_SLOTS = io.pub.Subscriptions.SHARED_SLOTS;

    private final Controller c;
    private final long now;

    Inspector(Controller c, long now) {
        this.c = c;
        this.now = now;
    }

    /** A topic or queue as {@code pub topics} lists it. */
    record TopicRow(
            String name,
            String kind,
            int shards,
            List<Long> heads,
            long published,
            long messages,
            long bytes,
            int subscriptions) {}

    /** A subscription as {@code pub subscriptions} lists it. */
    record SubscriptionRow(
            String topic,
            String subscription,
            String kind,
            String selector,
            Integer consumers,
            List<Long> lag,
            long totalLag,
            long pending,
            Long oldestAgeMillis,
            int liveLeases,
            int redelivered,
            long deadLettered,
            long createdAt) {}

    TopicRow topic(TopicInfo t) {
        List<Subscription> subs = c.subscriptions(t.name());
        boolean queue = subs.stream().anyMatch(s -> s.id().equals(Pub.QUEUE_SUBSCRIPTION));
        List<Long> heads = new ArrayList<>();
        long messages = 0;
        long bytes = 0;
        for (int s = 0; s < t.shards(); s++) {
            TopicShard shard = new TopicShard(t.name(), s);
            long head = c.head(shard);
            heads.add(head);
            List<Cursor> cursors = new ArrayList<>();
            long low = head; // with no subscription nothing is kept
            for (Subscription sub : subs) {
                Cursor cur = c.cursor(sub.id(), shard);
                cursors.add(cur);
                low = Math.min(low, cur.committed());
            }
            long[] counted = new long[2];
            walk(shard, low, head, e -> {
                if (!e.isTombstone() && cursors.stream().anyMatch(cur -> !cur.isDone(e.offset()))) {
                    counted[0]++;
                    counted[1] += e.message().body().length;
                }
            });
            messages += counted[0];
            bytes += counted[1];
        }
        String kind = (t.temporary() ? "temporary " : "") + (queue ? "queue" : "topic");
        return new TopicRow(
                t.name(),
                kind,
                t.shards(),
                heads,
                heads.stream().mapToLong(Long::longValue).sum(),
                messages,
                bytes,
                subs.size());
    }

    /** Reads the entries of {@code [from, to)} window by window. */
    void walk(TopicShard shard, long from, long to, Consumer<Entry> each) {
        long next = from;
        while (next < to) {
            int max = (int) Math.min(WINDOW, to - next);
            ReadResult r = c.read(shard, next, max);
            for (Entry e : r.entries()) {
                if (e.offset() < to) {
                    each.accept(e);
                }
            }
            next += max;
        }
    }

    SubscriptionRow subscription(TopicInfo t, Subscription s, Map<List<String>, Long> deadLettered) {
        List<Long> lag = new ArrayList<>();
        long pending = 0;
        Long oldest = null;
        int live = 0;
        int redelivered = 0;
        Set<String> holders = new HashSet<>();
        for (int i = 0; i < t.shards(); i++) {
            TopicShard shard = new TopicShard(t.name(), i);
            long head = c.head(shard);
            Cursor cur = c.cursor(s.id(), shard);
            lag.add(Math.max(0, head - cur.committed()));
            pending += Math.max(0, head - cur.committed() - cur.done().size());
            Long published = oldestUndone(shard, cur, head);
            if (published != null && (oldest == null || published < oldest)) {
                oldest = published;
            }
            for (Lease l : c.leases(s.id(), shard, cur.committed(), head)) {
                if (cur.isDone(l.offset())) {
                    continue;
                }
                if (l.isLive(now)) {
                    live++;
                    holders.add(l.owner());
                }
                if (l.deliveryCount() > 1) {
                    redelivered++;
                }
            }
        }
        return new SubscriptionRow(
                t.name(),
                s.id(),
                Destinations.kind(s, t),
                s.selector(),
                consumers(s, holders),
                lag,
                lag.stream().mapToLong(Long::longValue).sum(),
                pending,
                oldest == null ? null : Math.max(0, now - oldest),
                live,
                redelivered,
                deadLettered.getOrDefault(List.of(t.name(), s.id()), 0L),
                s.createdAt());
    }

    /** The publish time of the first message at or past the cursor that is not done, if any is near. */
    private Long oldestUndone(TopicShard shard, Cursor cur, long head) {
        long to = Math.min(head, cur.committed() + OLDEST_SCAN);
        Long[] found = {null};
        long next = cur.committed();
        while (next < to && found[0] == null) {
            int max = (int) Math.min(WINDOW, to - next);
            for (Entry e : c.read(shard, next, max).entries()) {
                if (!e.isTombstone() && !cur.isDone(e.offset()) && e.offset() < to) {
                    found[0] = e.message().publishTime();
                    break;
                }
            }
            next += max;
        }
        return found[0];
    }

    /**
     * Active consumers: the live consumer claims of a durable or shared subscription, the live
     * heartbeat of a non-durable one's connection; for a queue, which has no such claims, the
     * consumers holding leases right now.
     */
    private Integer consumers(Subscription s, Set<String> leaseHolders) {
        return switch (s.kind()) {
            case QUEUE -> leaseHolders.size();
            case DURABLE -> liveSlots(s.id(), 1);
            case SHARED_DURABLE, SHARED -> liveSlots(s.id(), SHARED_SLOTS);
            case NON_DURABLE -> s.owner() == null ? null : (live(s.owner()) ? 1 : 0);
        };
    }

    private int liveSlots(String id, int slots) {
        int n = 0;
        for (int i = 0; i < slots; i++) {
            if (live(io.pub.Subscriptions.slotKey(id, i))) {
                n++;
            }
        }
        return n;
    }

    private boolean live(String claim) {
        return c.readClaim(claim).map((Claim cl) -> cl.isLive(now)).orElse(false);
    }

    /** Dead letters waiting in {@code dlq}, counted by (original topic, original subscription). */
    Map<List<String>, Long> deadLetters(String dlq) {
        Map<List<String>, Long> counts = new HashMap<>();
        TopicInfo t = c.topic(dlq).orElse(null);
        if (t == null) {
            return counts;
        }
        for (int i = 0; i < t.shards(); i++) {
            TopicShard shard = new TopicShard(dlq, i);
            Cursor cur = c.cursor(Pub.QUEUE_SUBSCRIPTION, shard);
            walk(shard, cur.committed(), c.head(shard), e -> {
                if (e.isTombstone() || cur.isDone(e.offset())) {
                    return;
                }
                Object topic = e.message().properties().get(DeadLetters.ORIGINAL_TOPIC);
                Object sub = e.message().properties().get(DeadLetters.ORIGINAL_SUBSCRIPTION);
                if (topic != null && sub != null) {
                    counts.merge(List.of(topic.toString(), sub.toString()), 1L, Long::sum);
                }
            });
        }
        return counts;
    }
}
