package io.pub.couchbase;

import com.couchbase.client.core.error.DocumentExistsException;
import com.couchbase.client.java.json.JsonObject;
import com.couchbase.client.java.kv.GetResult;
import io.pub.TopicShard;
import io.pub.spi.Lease;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.LongPredicate;
import reactor.core.publisher.Mono;

/**
 * Leases in blocks: one document per (subscription, shard, {@link #SIZE} offsets), a JSON object of
 * {@code "offset": {"owner", "expiresAt", "count", "v"}}, changed by compare-and-swap of the whole
 * document (insert-if-absent when there is none, removed when its last lease goes). Taking, renewing,
 * releasing or dropping the leases of a poll then costs a write per block instead of one per offset.
 *
 * <p>Each lease keeps a version of its own ({@code v}, random, new at every change), so renewing or
 * releasing one lease fails once it was taken over, whatever happened to its neighbours.
 *
 * <p>This JVM remembers the last version of each block it wrote or read and writes under it without
 * reading first; a stale memory only costs the failed write and a fresh read. A change that the
 * remembered block says is not needed is checked against a fresh read before it is believed.
 */
final class LeaseBlocks {
    static final int SIZE = 256;
    private static final int MAX_REMEMBERED = 4096;

    private record Held(String owner, long expiresAt, int count, long version) {}

    /** A block as read or written: {@code cas} 0 when there is none; {@code remembered} if not just read. */
    private record Block(long cas, TreeMap<Long, Held> leases, boolean remembered) {}

    private static final Block ABSENT = new Block(0, new TreeMap<>(), false);

    private final Kv kv;
    private final Keyspace ks;
    private final Clock clock;
    private final Duration margin;
    private final ConcurrentHashMap<String, Block> known = new ConcurrentHashMap<>();

    LeaseBlocks(Kv kv, Keyspace ks, Clock clock, Duration margin) {
        this.kv = kv;
        this.ks = ks;
        this.clock = clock;
        this.margin = margin;
    }

    private static long newVersion() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    private String key(String subscription, TopicShard shard, long offset) {
        return ks.leaseBlock(subscription, shard, offset / SIZE);
    }

    private static <T> Map<String, List<T>> byBlock(Collection<T> items, Function<T, String> key) {
        Map<String, List<T>> out = new LinkedHashMap<>();
        for (T item : items) {
            out.computeIfAbsent(key.apply(item), k -> new ArrayList<>()).add(item);
        }
        return out;
    }

    /**
     * Leases taken; {@code fresh} if every one went to an offset above all the block ever leased
     * (see {@link #take}).
     */
    record Taken(List<Lease> leases, boolean fresh) {}

    /**
     * Takes leases as {@link io.pub.spi.Controller#acquire} does; the same write also removes the
     * leases of offsets {@code done} says are done (whose drop {@link #dropDone} left for later).
     *
     * <p>A block keeps the highest offset it ever leased: when that lease goes, a mark (owner "",
     * expired, count 0) stays in its place, so an offset above every key of the block was never
     * leased since the block exists. A consumer acknowledges only what it leased, so such an offset
     * was not acknowledged either: {@code fresh} tells the caller that no cursor read is needed to
     * find an acknowledgement it missed.
     */
    Taken take(
            String subscription,
            TopicShard shard,
            Collection<Long> offsets,
            String owner,
            long expiresAt,
            long now,
            LongPredicate done,
            boolean ahead) {
        List<Long> sorted = new ArrayList<>(new TreeSet<>(offsets));
        Map<String, List<Long>> blocks = byBlock(sorted, o -> key(subscription, shard, o));
        List<Taken> parts = kv.run(
                "acquire",
                Kv.parallel(
                                blocks.entrySet(),
                                e -> update(e.getKey(), true, leases -> {
                                    long top = leases.isEmpty() ? -1 : leases.lastKey();
                                    removeKeepingTop(
                                            leases,
                                            leases.keySet().stream()
                                                    .filter(done::test)
                                                    .toList());
                                    List<Lease> taken = new ArrayList<>();
                                    boolean fresh = true;
                                    for (long o : e.getValue()) {
                                        Held h = leases.get(o);
                                        if (h != null && !isMark(h) && h.expiresAt > now) {
                                            continue; // live: left alone
                                        }
                                        fresh &= o > top;
                                        Held mine = new Held(
                                                owner,
                                                expiresAt,
                                                h == null ? 1 : Lease.countTakingOver(h.count, ahead),
                                                newVersion());
                                        leases.put(o, mine);
                                        taken.add(new Lease(
                                                subscription, shard, o, owner, expiresAt, mine.count, mine.version));
                                    }
                                    return new Taken(taken, fresh);
                                }))
                        .collectList());
        List<Lease> all = new ArrayList<>();
        boolean fresh = true;
        for (Taken t : parts) {
            all.addAll(t.leases);
            fresh &= t.fresh;
        }
        return new Taken(all, fresh);
    }

    private static boolean isMark(Held h) {
        return h.owner.isEmpty();
    }

    /** Removes leases, leaving a mark where the highest key of the block was (see {@link #take}). */
    private static void removeKeepingTop(TreeMap<Long, Held> leases, Collection<Long> offsets) {
        if (leases.isEmpty()) {
            return;
        }
        long top = leases.lastKey();
        for (long o : offsets) {
            Held h = leases.get(o);
            if (o != top) {
                leases.remove(o);
            } else if (h != null && !isMark(h)) {
                leases.put(o, new Held("", 0, 0, newVersion()));
            }
        }
    }

    /** Renew and release: each lease still held as given gets {@code expiresAt}. */
    /** Renews or releases leases still held as given; {@code uncounted} also takes back their delivery. */
    List<Lease> rewrite(String op, Collection<Lease> leases, long expiresAt, boolean uncounted) {
        Map<String, List<Lease>> blocks = byBlock(leases, l -> key(l.subscription(), l.shard(), l.offset()));
        return kv.run(
                op,
                Kv.parallel(
                                blocks.entrySet(),
                                e -> update(e.getKey(), true, held -> {
                                    List<Lease> out = new ArrayList<>();
                                    for (Lease l : e.getValue()) {
                                        Held h = held.get(l.offset());
                                        if (h == null || h.version != l.version()) {
                                            continue; // taken over or dropped since
                                        }
                                        long v = newVersion();
                                        int count = uncounted ? Math.max(0, h.count - 1) : h.count;
                                        held.put(l.offset(), new Held(h.owner, expiresAt, count, v));
                                        out.add(uncounted ? l.givenBack(expiresAt, v) : l.withExpiry(expiresAt, v));
                                    }
                                    return out;
                                }))
                        .concatMapIterable(l -> l)
                        .collectList());
    }

    List<Lease> list(String subscription, TopicShard shard, long from, long to) {
        long start = Math.max(0, from);
        if (start >= to) {
            return List.of();
        }
        return kv.run(
                "leases",
                Kv.parallel(Kv.range(start / SIZE, (to - 1) / SIZE + 1), i -> {
                            String key = ks.leaseBlock(subscription, shard, i);
                            return fetch(key).map(b -> {
                                List<Lease> out = new ArrayList<>();
                                b.leases.subMap(start, to).forEach((o, h) -> {
                                    if (!isMark(h)) {
                                        out.add(new Lease(
                                                subscription, shard, o, h.owner, h.expiresAt, h.count, h.version));
                                    }
                                });
                                return out;
                            });
                        })
                        .concatMapIterable(l -> l)
                        .collectList());
    }

    void drop(String subscription, TopicShard shard, Collection<Long> offsets) {
        Map<String, List<Long>> blocks = byBlock(new TreeSet<>(offsets), o -> key(subscription, shard, o));
        kv.run(
                "dropLeases",
                Kv.parallel(
                                blocks.entrySet(),
                                e -> update(e.getKey(), true, held -> {
                                    removeKeepingTop(held, e.getValue());
                                    return true;
                                }))
                        .then());
    }

    /**
     * Drops the leases of offsets just marked done, or leaves them for the next write of their block
     * ({@link #take} removes them): a lease of a done offset only keeps other consumers off an
     * offset they skip anyway, and it lapses by itself. Left are only those this JVM's memory of the
     * block shows as ordinary leases (or absent); a lease held by a prepared transaction never lapses
     * and one this JVM knows nothing of may be one, so those blocks are written now. Saves an
     * acknowledgement its lease write.
     */
    void dropDone(String subscription, TopicShard shard, Collection<Long> offsets) {
        List<Long> now = new ArrayList<>();
        for (Map.Entry<String, List<Long>> e : byBlock(new TreeSet<>(offsets), o -> key(subscription, shard, o))
                .entrySet()) {
            Block b = known.get(e.getKey());
            boolean ordinary = b != null
                    && e.getValue().stream().allMatch(o -> {
                        Held h = b.leases.get(o);
                        return h == null || h.expiresAt != Lease.HELD_BY_TRANSACTION;
                    });
            if (!ordinary) {
                now.addAll(e.getValue());
            }
        }
        if (!now.isEmpty()) {
            drop(subscription, shard, now);
        }
    }

    /** Removes the blocks of offsets {@code [from, to)} (subscription deletion). */
    Mono<Void> removeRange(String subscription, TopicShard shard, long from, long to) {
        if (from >= to) {
            return Mono.empty();
        }
        return Kv.parallel(Kv.range(from / SIZE, (to - 1) / SIZE + 1), i -> {
                    String key = ks.leaseBlock(subscription, shard, i);
                    known.remove(key);
                    return kv.remove(ks.leases, key);
                })
                .then();
    }

    /**
     * Applies {@code change} to the block's leases and writes the result under the block's CAS,
     * reading the block afresh and applying the change again whenever another writer got there first.
     */
    private <R> Mono<R> update(String key, boolean mayRemember, Function<TreeMap<Long, Held>, R> change) {
        Block remembered = mayRemember ? known.get(key) : null;
        Mono<Block> state = remembered != null ? Mono.just(remembered) : fetch(key);
        return state.flatMap(b -> {
            TreeMap<Long, Held> next = new TreeMap<>(b.leases);
            R result = change.apply(next);
            if (next.equals(b.leases)) {
                return b.remembered ? update(key, false, change) : Mono.just(result);
            }
            return write(key, b, next).flatMap(ok -> ok ? Mono.just(result) : update(key, false, change));
        });
    }

    private Mono<Boolean> write(String key, Block b, TreeMap<Long, Held> next) {
        Mono<Long> written;
        if (next.isEmpty()) {
            written = kv.remove(ks.leases, key, b.cas).map(removed -> removed ? -1L : 0L);
        } else {
            JsonObject doc = JsonObject.create();
            long latest = 0;
            for (Map.Entry<Long, Held> e : next.entrySet()) {
                Held h = e.getValue();
                doc.put(
                        Long.toString(e.getKey()),
                        JsonObject.create()
                                .put("owner", h.owner)
                                .put("expiresAt", h.expiresAt)
                                .put("count", h.count)
                                .put("v", h.version));
                latest = Math.max(latest, h.expiresAt);
            }
            // the document outlives its last lease by the margin: an expired lease keeps its count.
            // A lease a prepared transaction holds never lapses, so its block never expires (zero).
            Duration expiry = latest == Lease.HELD_BY_TRANSACTION
                    ? Duration.ZERO
                    : Duration.ofMillis(Math.max(0, latest - clock.millis())).plus(margin);
            written = b.cas == 0
                    ? kv.insert(ks.leases, key, doc, kv.insertOptions().expiry(expiry))
                            .onErrorResume(DocumentExistsException.class, e -> Mono.just(0L))
                    : kv.replace(
                                    ks.leases,
                                    key,
                                    doc,
                                    kv.replaceOptions().cas(b.cas).expiry(expiry))
                            .defaultIfEmpty(0L);
        }
        return written.map(cas -> {
            if (cas == 0) {
                known.remove(key);
                return false;
            }
            remember(key, cas == -1 ? new Block(0, new TreeMap<>(), true) : new Block(cas, next, true));
            return true;
        });
    }

    private void remember(String key, Block b) {
        if (known.size() > MAX_REMEMBERED) {
            known.clear();
        }
        known.put(key, b);
    }

    private Mono<Block> fetch(String key) {
        return kv.get(ks.leases, key)
                .map(LeaseBlocks::parse)
                .doOnNext(b -> remember(key, new Block(b.cas, b.leases, true)))
                .defaultIfEmpty(ABSENT);
    }

    private static Block parse(GetResult r) {
        JsonObject o = r.contentAsObject();
        TreeMap<Long, Held> leases = new TreeMap<>();
        for (String name : o.getNames()) {
            JsonObject h = o.getObject(name);
            leases.put(
                    Long.parseLong(name),
                    new Held(h.getString("owner"), h.getLong("expiresAt"), h.getInt("count"), h.getLong("v")));
        }
        return new Block(r.cas(), leases, false);
    }
}
