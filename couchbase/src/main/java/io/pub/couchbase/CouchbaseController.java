package io.pub.couchbase;

import com.couchbase.client.core.error.DocumentExistsException;
import com.couchbase.client.core.msg.kv.DurabilityLevel;
import com.couchbase.client.java.Cluster;
import com.couchbase.client.java.json.JsonArray;
import com.couchbase.client.java.json.JsonObject;
import com.couchbase.client.java.kv.GetResult;
import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Acquired;
import io.pub.spi.Claim;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.LeaseNext;
import io.pub.spi.LeaseNexts;
import io.pub.spi.PreparedRecord;
import io.pub.spi.ReadResult;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import reactor.core.publisher.Mono;

/**
 * The store on Couchbase, with key-value operations only: messages and tombstones in blocks of
 * consecutive offsets ({@link MessageLog}), leases in blocks too ({@link LeaseBlocks}), one document
 * per cursor and registry entry; offsets from counter documents; lists (topics, subscriptions of a
 * topic) in index documents updated by compare-and-swap. Operations on many documents run in parallel
 * on the reactive API. A cursor's or claim's version is its document's CAS, a lease's its own.
 *
 * <p>Lease and claim documents get a server-side expiry of their logical expiry plus a margin
 * ({@link #LEASE_MARGIN}, {@link #CLAIM_MARGIN}): the logical expiry from the injected clock decides
 * liveness; the document expiry only cleans up after owners that vanished, and is long enough for an
 * expired lease to keep its delivery count until it is taken over.
 */
final class CouchbaseController implements Controller {
    static final Duration LEASE_MARGIN = Duration.ofDays(1);
    static final Duration CLAIM_MARGIN = Duration.ofHours(1);
    /** Most offsets whose lease blocks a subscription's deletion removes per shard; the rest expire by themselves. */
    static final long MAX_LEASE_CLEANUP = 10_000_000;

    private final Cluster cluster;
    private final Keyspace ks;
    private final Clock clock;
    private final String description;
    private final Kv kv;
    private final MessageLog log;
    private final LeaseBlocks leaseBlocks;
    private final Duration ackLinger;
    /** The cursor this JVM last read or wrote, by document id: where markDone starts. */
    private final ConcurrentHashMap<String, Cursor> lastCursors = new ConcurrentHashMap<>();

    CouchbaseController(
            Cluster cluster,
            Keyspace keyspace,
            Clock clock,
            String description,
            DurabilityLevel durability,
            boolean subdocReads,
            Duration ackLinger,
            Duration reserveLinger) {
        this.cluster = cluster;
        this.ackLinger = ackLinger;
        this.ks = keyspace;
        this.clock = clock;
        this.description = description;
        this.kv = new Kv(description, durability);
        this.log = new MessageLog(kv, keyspace, subdocReads, reserveLinger);
        this.leaseBlocks = new LeaseBlocks(kv, keyspace, clock, LEASE_MARGIN);
    }

    private Duration untilPlus(long expiresAt, Duration margin) {
        return Duration.ofMillis(Math.max(0, expiresAt - clock.millis())).plus(margin);
    }

    // ---- registry: topics ---------------------------------------------------------------------

    @Override
    public TopicInfo createTopic(TopicInfo topic) {
        TopicInfo stored = kv.run(
                "createTopic",
                kv.insert(ks.registry, ks.topic(topic.name()), Documents.topicDoc(topic), kv.insertOptions())
                        .map(cas -> topic)
                        .onErrorResume(DocumentExistsException.class, e -> kv.get(ks.registry, ks.topic(topic.name()))
                                .map(Documents::topicFrom)));
        if (stored == null) {
            // deleted between our insert attempt and the read: try again
            return createTopic(topic);
        }
        if (stored.shards() != topic.shards()) {
            throw new IllegalArgumentException(
                    "topic '" + topic.name() + "' exists with " + stored.shards() + " shards, not " + topic.shards());
        }
        // after the document, so a crash in between leaves a topic that the next createTopic lists
        updateIndex("createTopic", ks.topicIndex(), names -> {
            names.add(topic.name());
            return names;
        });
        return stored;
    }

    @Override
    public Optional<TopicInfo> topic(String name) {
        return Optional.ofNullable(
                kv.run("topic", kv.get(ks.registry, ks.topic(name)).map(Documents::topicFrom)));
    }

    @Override
    public List<TopicInfo> topics() {
        List<String> names = readIndex("topics", ks.topicIndex());
        return kv.run(
                "topics",
                Kv.parallel(names, n -> kv.get(ks.registry, ks.topic(n)).map(Documents::topicFrom))
                        .collectList());
    }

    @Override
    public boolean deleteTopic(String name) {
        Optional<TopicInfo> topic = topic(name);
        if (topic.isEmpty()) {
            removeFromIndex("deleteTopic", ks.topicIndex(), name);
            return false;
        }
        for (String sub : readIndex("deleteTopic", ks.subscriptionIndex(name))) {
            deleteSubscription(name, sub);
        }
        // messages and offsets before the registration: a deletion cut short leaves an empty topic,
        // never old messages that a topic re-created under the same name would deliver
        List<TopicShard> shards = shards(topic.get());
        if (topic.get().temporary()) {
            kv.run("deleteTopic", Kv.parallel(shards, log::removeShard).then());
        } else {
            shards.forEach(log::retire);
        }
        boolean removed = kv.run("deleteTopic", kv.remove(ks.registry, ks.topic(name)));
        kv.run("deleteTopic", kv.remove(ks.registry, ks.subscriptionIndex(name)));
        removeFromIndex("deleteTopic", ks.topicIndex(), name);
        return removed;
    }

    // ---- registry: subscriptions --------------------------------------------------------------

    @Override
    public Subscription createSubscription(Subscription subscription, boolean startAtHead) {
        TopicInfo topic = topic(subscription.topic())
                .orElseThrow(
                        () -> new IllegalArgumentException("topic '" + subscription.topic() + "' is not registered"));
        // The cursors are written (insert-if-absent) before the registry entry: a consumer in another
        // JVM that finds the subscription registered may acknowledge at once, and a cursor written
        // after that (an upsert by a slow creator) would undo those acknowledgements
        kv.run(
                "createSubscription",
                Kv.parallel(shards(topic), shard -> (startAtHead
                                        ? log.headMono(shard)
                                        : log.lowMono(shard).map(MessageLog.Low::value))
                                .flatMap(start -> kv.insert(
                                                ks.cursors,
                                                ks.cursor(subscription.id(), shard),
                                                Documents.cursorDoc(Cursor.initial(start)),
                                                kv.insertOptions())
                                        .onErrorResume(DocumentExistsException.class, e -> Mono.just(0L))))
                        .then());
        String key = ks.subscription(subscription.topic(), subscription.id());
        boolean won = kv.run(
                "createSubscription",
                kv.insert(ks.registry, key, Documents.subscriptionDoc(subscription), kv.insertOptions())
                        .map(cas -> true)
                        .onErrorResume(DocumentExistsException.class, e -> Mono.just(false)));
        if (!won) {
            Optional<Subscription> existing = subscription(subscription.topic(), subscription.id());
            return existing.orElseGet(() -> createSubscription(subscription, startAtHead));
        }
        updateIndex("createSubscription", ks.subscriptionIndex(subscription.topic()), ids -> {
            ids.add(subscription.id());
            return ids;
        });
        return subscription;
    }

    @Override
    public Optional<Subscription> subscription(String topic, String id) {
        return Optional.ofNullable(kv.run(
                "subscription", kv.get(ks.registry, ks.subscription(topic, id)).map(Documents::subscriptionFrom)));
    }

    @Override
    public List<Subscription> subscriptions(String topic) {
        List<String> ids = readIndex("subscriptions", ks.subscriptionIndex(topic));
        return kv.run(
                "subscriptions",
                Kv.parallel(ids, id -> kv.get(ks.registry, ks.subscription(topic, id))
                                .map(Documents::subscriptionFrom))
                        .collectList());
    }

    @Override
    public boolean deleteSubscription(String topic, String id) {
        boolean removed = kv.run("deleteSubscription", kv.remove(ks.registry, ks.subscription(topic, id)));
        Optional<TopicInfo> info = topic(topic);
        if (removed && info.isPresent()) {
            kv.run(
                    "deleteSubscription",
                    Kv.parallel(shards(info.get()), shard -> Mono.zip(
                                            kv.get(ks.cursors, ks.cursor(id, shard))
                                                    .map(r -> Documents.cursorFrom(r)
                                                            .committed())
                                                    .defaultIfEmpty(0L),
                                            log.headMono(shard))
                                    .flatMap(ch -> leaseBlocks
                                            .removeRange(
                                                    id,
                                                    shard,
                                                    // a block below the cursor may keep leases of done
                                                    // offsets (see markDone)
                                                    Math.max(0, ch.getT1() - LeaseBlocks.SIZE),
                                                    Math.min(ch.getT2(), ch.getT1() + MAX_LEASE_CLEANUP))
                                            .then(kv.remove(ks.cursors, ks.cursor(id, shard)))))
                            .then());
        }
        removeFromIndex("deleteSubscription", ks.subscriptionIndex(topic), id);
        return removed;
    }

    // ---- index documents ----------------------------------------------------------------------

    private List<String> readIndex(String op, String key) {
        GetResult r = kv.run(op, kv.get(ks.registry, key));
        return r == null ? List.of() : namesOf(r);
    }

    private static List<String> namesOf(GetResult r) {
        JsonArray a = r.contentAsObject().getArray("names");
        List<String> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(a.getString(i));
        }
        return out;
    }

    private void removeFromIndex(String op, String key, String name) {
        updateIndex(op, key, names -> {
            names.remove(name);
            return names;
        });
    }

    /** Read, change, compare-and-swap until it sticks: no N1QL, so lists live in index documents. */
    private void updateIndex(String op, String key, UnaryOperator<TreeSet<String>> change) {
        while (true) {
            GetResult r = kv.run(op, kv.get(ks.registry, key));
            TreeSet<String> before = r == null ? new TreeSet<>() : new TreeSet<>(namesOf(r));
            TreeSet<String> after = change.apply(new TreeSet<>(before));
            if (after.equals(before)) {
                return;
            }
            JsonObject doc = JsonObject.create().put("names", JsonArray.from(new ArrayList<Object>(after)));
            boolean stored = r == null
                    ? kv.run(
                            op,
                            kv.insert(ks.registry, key, doc, kv.insertOptions())
                                    .map(cas -> true)
                                    .onErrorResume(DocumentExistsException.class, e -> Mono.just(false)))
                    : kv.run(
                                    op,
                                    kv.replace(
                                            ks.registry,
                                            key,
                                            doc,
                                            kv.replaceOptions().cas(r.cas())))
                            != null;
            if (stored) {
                return;
            }
        }
    }

    // ---- registry: claims ---------------------------------------------------------------------

    @Override
    public Optional<Claim> claim(String key, String owner, long expiresAt, long now) {
        String id = ks.claim(key);
        JsonObject doc = JsonObject.create().put("owner", owner).put("expiresAt", expiresAt);
        Duration expiry = untilPlus(expiresAt, CLAIM_MARGIN);
        while (true) {
            Long cas = kv.run(
                    "claim",
                    kv.insert(ks.registry, id, doc, kv.insertOptions().expiry(expiry))
                            .onErrorResume(DocumentExistsException.class, e -> Mono.empty()));
            if (cas != null) {
                return Optional.of(new Claim(key, owner, expiresAt, cas));
            }
            GetResult r = kv.run("claim", kv.get(ks.registry, id));
            if (r == null) {
                continue;
            }
            Claim current = Documents.claimFrom(key, r);
            if (current.isLive(now) && !current.owner().equals(owner)) {
                return Optional.empty();
            }
            cas = kv.run(
                    "claim",
                    kv.replace(
                            ks.registry,
                            id,
                            doc,
                            kv.replaceOptions().cas(r.cas()).expiry(expiry)));
            if (cas != null) {
                return Optional.of(new Claim(key, owner, expiresAt, cas));
            }
        }
    }

    @Override
    public Optional<Claim> readClaim(String key) {
        return Optional.ofNullable(
                kv.run("readClaim", kv.get(ks.registry, ks.claim(key)).map(r -> Documents.claimFrom(key, r))));
    }

    @Override
    public boolean releaseClaim(String key, String owner) {
        while (true) {
            GetResult r = kv.run("releaseClaim", kv.get(ks.registry, ks.claim(key)));
            if (r == null || !Documents.claimFrom(key, r).owner().equals(owner)) {
                return false;
            }
            if (kv.run("releaseClaim", kv.remove(ks.registry, ks.claim(key), r.cas()))) {
                return true;
            }
        }
    }

    // ---- prepared transactions (XA) -------------------------------------------------------------

    @Override
    public Optional<PreparedRecord> insertPrepared(String id, byte[] body) {
        // listed first: a crash in between leaves an index entry without a record, which listing skips,
        // never a record that recover() cannot find
        updateIndex("insertPrepared", ks.preparedIndex(), ids -> {
            ids.add(id);
            return ids;
        });
        Long cas = kv.run(
                "insertPrepared",
                kv.insert(ks.registry, ks.prepared(id), Documents.preparedDoc(body), kv.insertOptions())
                        .onErrorResume(DocumentExistsException.class, e -> Mono.empty()));
        return cas == null ? Optional.empty() : Optional.of(new PreparedRecord(id, body, cas));
    }

    @Override
    public Optional<PreparedRecord> prepared(String id) {
        return Optional.ofNullable(
                kv.run("prepared", kv.get(ks.registry, ks.prepared(id)).map(r -> Documents.preparedFrom(id, r))));
    }

    @Override
    public Optional<PreparedRecord> replacePrepared(PreparedRecord expected, byte[] body) {
        Long cas = kv.run(
                "replacePrepared",
                kv.replace(
                        ks.registry,
                        ks.prepared(expected.id()),
                        Documents.preparedDoc(body),
                        kv.replaceOptions().cas(expected.version())));
        return cas == null ? Optional.empty() : Optional.of(new PreparedRecord(expected.id(), body, cas));
    }

    @Override
    public boolean deletePrepared(String id) {
        boolean removed = kv.run("deletePrepared", kv.remove(ks.registry, ks.prepared(id)));
        removeFromIndex("deletePrepared", ks.preparedIndex(), id);
        return removed;
    }

    @Override
    public List<String> preparedIds() {
        List<String> listed = readIndex("preparedIds", ks.preparedIndex());
        return kv.run(
                "preparedIds",
                Kv.parallel(listed, id -> kv.get(ks.registry, ks.prepared(id)).map(r -> id))
                        .collectList());
    }

    // ---- offsets and messages: see MessageLog ---------------------------------------------------

    @Override
    public long reserve(TopicShard shard, int count) {
        return log.reserve(shard, count);
    }

    @Override
    public void insert(TopicShard shard, long firstOffset, List<Message> batch) {
        log.insert(shard, firstOffset, batch);
    }

    @Override
    public long append(TopicShard shard, List<Message> batch) {
        return log.append(shard, batch);
    }

    @Override
    public long head(TopicShard shard) {
        return kv.run("head", log.headMono(shard));
    }

    private static List<TopicShard> shards(TopicInfo topic) {
        return IntStream.range(0, topic.shards())
                .mapToObj(s -> new TopicShard(topic.name(), s))
                .toList();
    }

    @Override
    public ReadResult read(TopicShard shard, long from, int max) {
        return log.read(shard, from, max);
    }

    @Override
    public boolean seal(TopicShard shard, long offset) {
        return log.seal(shard, offset);
    }

    @Override
    public void trim(TopicShard shard, long offset) {
        log.trim(shard, offset);
    }

    @Override
    public void delete(TopicShard shard, Collection<Long> offsets) {
        log.delete(shard, offsets);
    }

    // ---- cursors ------------------------------------------------------------------------------

    @Override
    public Cursor cursor(String subscription, TopicShard shard) {
        String key = ks.cursor(subscription, shard);
        Cursor c = kv.run("cursor", kv.get(ks.cursors, key).map(Documents::cursorFrom));
        Cursor out = c == null ? Cursor.initial(0) : c;
        lastCursors.put(key, out);
        return out;
    }

    /**
     * As the default, but starts from the cursor this JVM last read or wrote instead of reading it
     * again: its CAS proves it current, and a stale one only costs the failed replace. The cursor is
     * written before the leases are dropped, as the SPI requires; ordinary leases are dropped by the
     * next lease write of their block ({@link LeaseBlocks#dropDone}), and {@link #leases} leaves out
     * those of done offsets until then.
     */
    @Override
    public Cursor markDone(String subscription, TopicShard shard, Collection<Long> offsets) {
        Cursor current = lastCursors.get(ks.cursor(subscription, shard));
        boolean fresh = current == null;
        if (fresh) {
            current = cursor(subscription, shard);
        }
        while (true) {
            Cursor next = current.withDone(offsets);
            if (next.equals(current)) {
                if (!fresh) {
                    // already done in a remembered cursor; confirm against the stored one (a seek may have moved it)
                    current = cursor(subscription, shard);
                    fresh = true;
                    continue;
                }
                leaseBlocks.dropDone(subscription, shard, offsets);
                return current;
            }
            Optional<Cursor> stored = compareAndSetCursor(subscription, shard, current, next);
            if (stored.isPresent()) {
                leaseBlocks.dropDone(subscription, shard, offsets);
                return stored.get();
            }
            current = cursor(subscription, shard);
            fresh = true;
        }
    }

    @Override
    public Optional<Cursor> compareAndSetCursor(String subscription, TopicShard shard, Cursor expected, Cursor next) {
        String key = ks.cursor(subscription, shard);
        Mono<Long> write = expected.version() == 0
                ? kv.insert(ks.cursors, key, Documents.cursorDoc(next), kv.insertOptions())
                        .onErrorResume(DocumentExistsException.class, e -> Mono.empty())
                : kv.replace(
                        ks.cursors,
                        key,
                        Documents.cursorDoc(next),
                        kv.replaceOptions().cas(expected.version()));
        Optional<Cursor> stored =
                Optional.ofNullable(kv.run("compareAndSetCursor", write)).map(next::withVersion);
        stored.ifPresent(c -> lastCursors.put(key, c));
        return stored;
    }

    // ---- leases: see LeaseBlocks ----------------------------------------------------------------

    @Override
    public List<Lease> acquire(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        return leaseBlocks
                .take(subscription, shard, offsets, owner, expiresAt, now, doneHint(subscription, shard), false)
                .leases();
    }

    /**
     * The default's steps with fewer round trips: the read skips the head when this JVM knows the
     * range was reserved ({@link MessageLog#readKnown}), the leases go in with one write per lease
     * block under the CAS this JVM remembers, then the cursor is read (after the leases, as the SPI
     * requires) and any lease on an offset it shows done is given back. The cursor read is left out
     * when every offset taken lies above all its lease block ever leased ({@link LeaseBlocks#take}):
     * only a consumer holding a lease acknowledges, so none of them can be done by an
     * acknowledgement; the cursor returned is then the one this JVM last read or wrote, and offsets
     * it shows done are not taken. (An offset marked done without a lease is one the caller skips
     * itself: a tombstone, an expired or filtered-out message; only a purge from another process
     * since the caller's last cursor read is not seen, and its messages may go out once more.) A poll that finds messages in steady state costs the
     * block read and the lease write.
     */
    @Override
    public LeaseNext leaseNext(
            String subscription,
            TopicShard shard,
            long from,
            int window,
            int max,
            Predicate<Entry> wanted,
            String owner,
            long expiresAt,
            long now) {
        ReadResult read = log.readKnown(shard, from, window);
        List<Long> chosen = LeaseNexts.choose(read, from, max, wanted, o -> false);
        if (chosen.isEmpty()) {
            return new LeaseNext(read, List.of(), Optional.empty());
        }
        Acquired acquired = acquireNotDone(subscription, shard, chosen, owner, expiresAt, now);
        return new LeaseNext(read, acquired.leases(), acquired.cursor());
    }

    /**
     * As the default, but the cursor read is left out when every offset taken lies above all its
     * lease block ever leased ({@link LeaseBlocks#take}): see {@link #leaseNext}.
     */
    @Override
    public Acquired acquireNotDone(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        return acquire(subscription, shard, offsets, owner, expiresAt, now, false);
    }

    /** As {@link #acquireNotDone}, counting a lease taken over as the SPI's acquireAhead says. */
    @Override
    public Acquired acquireAhead(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        return acquire(subscription, shard, offsets, owner, expiresAt, now, true);
    }

    private Acquired acquire(
            String subscription,
            TopicShard shard,
            Collection<Long> offsets,
            String owner,
            long expiresAt,
            long now,
            boolean ahead) {
        Cursor known = lastCursors.get(ks.cursor(subscription, shard));
        // what this JVM already knows done is not taken at all
        List<Long> open = known == null
                ? List.copyOf(offsets)
                : offsets.stream().filter(o -> !known.isDone(o)).toList();
        LeaseBlocks.Taken taken = open.isEmpty()
                ? new LeaseBlocks.Taken(List.of(), true)
                : leaseBlocks.take(
                        subscription, shard, open, owner, expiresAt, now, doneHint(subscription, shard), ahead);
        List<Lease> leases = taken.leases();
        if (leases.isEmpty()) {
            return new Acquired(List.of(), Optional.empty());
        }
        if (taken.fresh() && known != null) {
            // no offset taken was ever leased, so none was acknowledged: the cursor need not be read
            return new Acquired(leases, Optional.of(known));
        }
        return Acquired.checked(this, subscription, shard, leases);
    }

    @Override
    public List<Lease> renew(Collection<Lease> leases, long expiresAt) {
        return leaseBlocks.rewrite("renew", leases, expiresAt, false);
    }

    @Override
    public List<Lease> release(Collection<Lease> leases, long availableAt) {
        return leaseBlocks.rewrite("release", leases, availableAt, false);
    }

    @Override
    public List<Lease> giveBack(Collection<Lease> leases, long availableAt) {
        return leaseBlocks.rewrite("giveBack", leases, availableAt, true);
    }

    /**
     * The offsets done in the cursor this JVM last read or wrote: their leases, left by markDone,
     * go with the next lease write of their block. Done offsets stay done, so an old cursor only
     * leaves some for later.
     */
    private LongPredicate doneHint(String subscription, TopicShard shard) {
        Cursor c = lastCursors.get(ks.cursor(subscription, shard));
        return c == null ? o -> false : c::isDone;
    }

    /** The recorded leases without those of done offsets (whose drop markDone may have left for later). */
    @Override
    public List<Lease> leases(String subscription, TopicShard shard, long from, long to) {
        List<Lease> recorded = leaseBlocks.list(subscription, shard, from, to);
        if (recorded.isEmpty()) {
            return recorded;
        }
        Cursor c = cursor(subscription, shard);
        return recorded.stream().filter(l -> !c.isDone(l.offset())).toList();
    }

    @Override
    public void dropLeases(String subscription, TopicShard shard, Collection<Long> offsets) {
        leaseBlocks.drop(subscription, shard, offsets);
    }

    // ---- housekeeping -------------------------------------------------------------------------

    /** Every acknowledgement is a round trip: held COUCHBASE_ACK_LINGER so that several share one. */
    @Override
    public Duration acknowledgementLinger() {
        return ackLinger;
    }

    @Override
    public long roundTrips() {
        return kv.roundTrips();
    }

    @Override
    public String kind() {
        return "couchbase";
    }

    /** The SDK's meter (Connector turns its logging meter off unless the URL turns it on). */
    com.couchbase.client.core.cnc.Meter sdkMeter() {
        return cluster.environment().meter();
    }

    @Override
    public void close() {
        log.close();
        if (kv.close()) {
            cluster.disconnect();
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
