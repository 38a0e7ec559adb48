package io.pub.couchbase;

import com.couchbase.client.core.error.DocumentExistsException;
import com.couchbase.client.core.msg.kv.DurabilityLevel;
import com.couchbase.client.java.Cluster;
import com.couchbase.client.java.codec.RawBinaryTranscoder;
import com.couchbase.client.java.codec.RawJsonTranscoder;
import com.couchbase.client.java.json.JsonArray;
import com.couchbase.client.java.json.JsonObject;
import com.couchbase.client.java.kv.GetResult;
import com.couchbase.client.java.kv.InsertOptions;
import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Claim;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.OffsetSealedException;
import io.pub.spi.ReadResult;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import reactor.core.publisher.Mono;

/**
 * The store on Couchbase, with key-value operations only: one document per message, tombstone,
 * cursor, lease and registry entry; offsets from counter documents; lists (topics, subscriptions of a
 * topic) in index documents updated by compare-and-swap. Operations on many documents run in parallel
 * on the reactive API. A record's version is its document's CAS.
 *
 * <p>Lease and claim documents get a server-side expiry of their logical expiry plus a margin
 * ({@link #LEASE_MARGIN}, {@link #CLAIM_MARGIN}): the logical expiry from the injected clock decides
 * liveness; the document expiry only cleans up after owners that vanished, and is long enough for an
 * expired lease to keep its delivery count until it is taken over.
 */
final class CouchbaseController implements Controller {
    static final Duration LEASE_MARGIN = Duration.ofDays(1);
    static final Duration CLAIM_MARGIN = Duration.ofHours(1);
    /** Most lease documents a subscription's deletion removes per shard; the rest expire by themselves. */
    static final long MAX_LEASE_CLEANUP = 100_000;

    private final Cluster cluster;
    private final Keyspace ks;
    private final Clock clock;
    private final String description;
    private final Kv kv;
    /** Highest head seen per shard: lets insert check "reserved" without a read in the usual case. */
    private final ConcurrentHashMap<TopicShard, Long> knownHeads = new ConcurrentHashMap<>();
    /** The cursor this JVM last read or wrote, by document id: where markDone starts. */
    private final ConcurrentHashMap<String, Cursor> lastCursors = new ConcurrentHashMap<>();

    CouchbaseController(
            Cluster cluster, Keyspace keyspace, Clock clock, String description, DurabilityLevel durability) {
        this.cluster = cluster;
        this.ks = keyspace;
        this.clock = clock;
        this.description = description;
        this.kv = new Kv(description, durability);
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
        kv.run(
                "deleteTopic",
                Kv.parallel(shards, shard -> Mono.zip(lowMono(shard), headMono(shard))
                                .flatMap(lh -> Kv.parallel(
                                                Kv.range(lh.getT1().removed, lh.getT2()),
                                                o -> kv.remove(ks.messages, ks.message(shard, o)))
                                        .then(kv.remove(ks.offsets, ks.counter(shard)))
                                        .then(kv.remove(ks.offsets, ks.low(shard)))))
                        .then());
        shards.forEach(knownHeads::remove);
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
        kv.run(
                "createSubscription",
                Kv.parallel(shards(topic), shard -> (startAtHead ? headMono(shard) : Mono.just(0L))
                                .flatMap(start -> kv.upsert(
                                        ks.cursors,
                                        ks.cursor(subscription.id(), shard),
                                        Documents.cursorDoc(Cursor.initial(start)))))
                        .then());
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
                                            headMono(shard))
                                    .flatMap(ch -> Kv.parallel(
                                                    Kv.range(
                                                            ch.getT1(),
                                                            Math.min(ch.getT2(), ch.getT1() + MAX_LEASE_CLEANUP)),
                                                    o -> kv.remove(ks.leases, ks.lease(id, shard, o)))
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

    // ---- offsets and messages -----------------------------------------------------------------

    private void sawHead(TopicShard shard, long head) {
        knownHeads.merge(shard, head, Math::max);
    }

    @Override
    public long reserve(TopicShard shard, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, was " + count);
        }
        // an absent counter is created at count: this call reserved 0..count-1
        long next = kv.run("reserve", kv.increment(ks.offsets, ks.counter(shard), count));
        sawHead(shard, next);
        return next - count;
    }

    @Override
    public void insert(TopicShard shard, long firstOffset, List<Message> batch) {
        if (batch.isEmpty()) {
            return;
        }
        long last = firstOffset + batch.size() - 1;
        if (firstOffset < 0 || last >= knownHeads.getOrDefault(shard, 0L) && last >= head(shard)) {
            throw new IllegalArgumentException("offsets " + firstOffset + ".." + last + " of " + shard
                    + " were not reserved (head is " + knownHeads.getOrDefault(shard, 0L) + ")");
        }
        // encode everything first: a message too large for a document fails the batch before any write
        List<byte[]> docs = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            docs.add(Documents.encode(batch.get(i), shard, firstOffset + i));
        }
        List<Integer> indexes = IntStream.range(0, batch.size()).boxed().toList();
        InsertOptions json = kv.insertOptions().transcoder(RawJsonTranscoder.INSTANCE);
        InsertOptions binary = kv.insertOptions().transcoder(RawBinaryTranscoder.INSTANCE);
        List<Long> sealed = kv.run(
                "insert",
                Kv.parallel(indexes, i -> kv.insert(
                                        ks.messages,
                                        ks.message(shard, firstOffset + i),
                                        docs.get(i),
                                        docs.get(i)[0] == '{' ? json : binary)
                                .map(cas -> -1L)
                                .onErrorResume(DocumentExistsException.class, e -> Mono.just(firstOffset + i)))
                        .filter(o -> o >= 0)
                        .collectList());
        // A producer that stalled past the publish timeout may find its offset sealed, passed by every
        // cursor and trimmed away: its insert then succeeds on an empty id. Trim raises the mark before
        // removing, so reading the mark after our writes catches every such offset; what we wrote
        // there is taken back.
        long low = kv.run("insert", lowMono(shard)).value;
        if (firstOffset < low) {
            List<Long> ours = new ArrayList<>(Kv.range(firstOffset, Math.min(low, last + 1)));
            ours.removeAll(sealed);
            kv.run(
                    "insert",
                    Kv.parallel(ours, o -> kv.remove(ks.messages, ks.message(shard, o)))
                            .then());
            throw new OffsetSealedException(shard, firstOffset);
        }
        if (!sealed.isEmpty()) {
            throw new OffsetSealedException(shard, sealed.get(0));
        }
    }

    @Override
    public long head(TopicShard shard) {
        return kv.run("head", headMono(shard));
    }

    private Mono<Long> headMono(TopicShard shard) {
        return kv.get(ks.offsets, ks.counter(shard))
                .map(r -> Long.parseLong(new String(r.contentAsBytes(), StandardCharsets.US_ASCII).trim()))
                .defaultIfEmpty(0L)
                .doOnNext(head -> sawHead(shard, head));
    }

    private static List<TopicShard> shards(TopicInfo topic) {
        return IntStream.range(0, topic.shards())
                .mapToObj(s -> new TopicShard(topic.name(), s))
                .toList();
    }

    @Override
    public ReadResult read(TopicShard shard, long from, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0, was " + max);
        }
        long head = head(shard);
        long to = Math.min(head, from + max);
        List<Entry> entries = kv.run(
                "read",
                Kv.parallel(Kv.range(Math.max(0, from), to), o -> kv.get(ks.messages, ks.message(shard, o))
                                .map(r -> Documents.entryFrom(o, r)))
                        .collectList());
        return new ReadResult(entries, head);
    }

    @Override
    public boolean seal(TopicShard shard, long offset) {
        String key = ks.message(shard, offset);
        if (offset < low(shard).value) {
            return true; // trimmed: sealed or done for every subscription, and no insert can win it
        }
        return kv.run(
                "seal",
                kv.insert(
                                ks.messages,
                                key,
                                Documents.TOMBSTONE,
                                kv.insertOptions().transcoder(RawJsonTranscoder.INSTANCE))
                        .map(cas -> true)
                        .onErrorResume(DocumentExistsException.class, e -> kv.get(ks.messages, key)
                                .map(r -> Arrays.equals(r.contentAsBytes(), Documents.TOMBSTONE))
                                .defaultIfEmpty(false)));
    }

    /**
     * The trim mark of a shard: every offset below {@code value} is trimmed (reads and inserts there
     * are refused); documents below {@code removed} are gone, those in between may still be removed.
     */
    private record Low(long value, long removed, long cas) {}

    private Low low(TopicShard shard) {
        return kv.run("trim", lowMono(shard));
    }

    private Mono<Low> lowMono(TopicShard shard) {
        return kv.get(ks.offsets, ks.low(shard))
                .map(r -> {
                    JsonObject o = r.contentAsObject();
                    return new Low(o.getLong("low"), o.getLong("removed"), r.cas());
                })
                .defaultIfEmpty(new Low(0, 0, 0));
    }

    /** Compare-and-swap of the trim mark; false if another writer changed it first. */
    private boolean writeLow(TopicShard shard, Low expected, long value, long removed) {
        JsonObject doc = JsonObject.create().put("low", value).put("removed", removed);
        Mono<Long> write = expected.cas == 0
                ? kv.insert(ks.offsets, ks.low(shard), doc, kv.insertOptions())
                        .onErrorResume(DocumentExistsException.class, e -> Mono.empty())
                : kv.replace(ks.offsets, ks.low(shard), doc, kv.replaceOptions().cas(expected.cas));
        return kv.run("trim", write) != null;
    }

    @Override
    public void trim(TopicShard shard, long offset) {
        Low low = low(shard);
        // first the mark, then the documents: see insert
        while (offset > low.value) {
            if (writeLow(shard, low, offset, low.removed)) {
                low = new Low(offset, low.removed, -1);
                break;
            }
            low = low(shard);
        }
        if (low.removed >= low.value) {
            return;
        }
        long to = low.value;
        kv.run(
                "trim",
                Kv.parallel(Kv.range(low.removed, to), o -> kv.remove(ks.messages, ks.message(shard, o)))
                        .then());
        // record the progress; if another trim moved the mark meanwhile, a later trim finishes the job
        Low now = low(shard);
        if (now.removed < to) {
            writeLow(shard, now, now.value, to);
        }
    }

    @Override
    public void delete(TopicShard shard, Collection<Long> offsets) {
        kv.run(
                "delete",
                Kv.parallel(offsets, o -> kv.remove(ks.messages, ks.message(shard, o)))
                        .then());
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
     * written before the leases are dropped, as the SPI requires.
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
                dropLeases(subscription, shard, offsets);
                return current;
            }
            Optional<Cursor> stored = compareAndSetCursor(subscription, shard, current, next);
            if (stored.isPresent()) {
                dropLeases(subscription, shard, offsets);
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

    // ---- leases -------------------------------------------------------------------------------

    @Override
    public List<Lease> acquire(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        Duration expiry = untilPlus(expiresAt, LEASE_MARGIN);
        List<Long> sorted = new ArrayList<>(new TreeSet<>(offsets));
        return kv.run(
                "acquire",
                Kv.parallel(sorted, o -> takeLease(subscription, shard, o, owner, expiresAt, now, expiry))
                        .collectList());
    }

    /** Insert-if-absent first (the common case, one round trip); else take over an expired one by CAS. */
    private Mono<Lease> takeLease(
            String subscription,
            TopicShard shard,
            long offset,
            String owner,
            long expiresAt,
            long now,
            Duration expiry) {
        String key = ks.lease(subscription, shard, offset);
        return kv.insert(
                        ks.leases,
                        key,
                        Documents.leaseDoc(owner, expiresAt, 1),
                        kv.insertOptions().expiry(expiry))
                .map(cas -> new Lease(subscription, shard, offset, owner, expiresAt, 1, cas))
                .onErrorResume(DocumentExistsException.class, e -> kv.get(ks.leases, key)
                        .map(r -> Documents.leaseFrom(subscription, shard, offset, r))
                        .filter(current -> !current.isLive(now))
                        .flatMap(current -> {
                            int count = current.deliveryCount() + 1;
                            return kv.replace(
                                            ks.leases,
                                            key,
                                            Documents.leaseDoc(owner, expiresAt, count),
                                            kv.replaceOptions()
                                                    .cas(current.version())
                                                    .expiry(expiry))
                                    .map(cas -> new Lease(subscription, shard, offset, owner, expiresAt, count, cas));
                        }));
    }

    @Override
    public List<Lease> renew(Collection<Lease> leases, long expiresAt) {
        return kv.run("renew", rewrite(leases, expiresAt));
    }

    @Override
    public List<Lease> release(Collection<Lease> leases, long availableAt) {
        return kv.run("release", rewrite(leases, availableAt));
    }

    private Mono<List<Lease>> rewrite(Collection<Lease> leases, long expiresAt) {
        Duration expiry = untilPlus(expiresAt, LEASE_MARGIN);
        return Kv.parallel(leases, l -> kv.replace(
                                ks.leases,
                                ks.lease(l.subscription(), l.shard(), l.offset()),
                                Documents.leaseDoc(l.owner(), expiresAt, l.deliveryCount()),
                                kv.replaceOptions().cas(l.version()).expiry(expiry))
                        .map(cas -> l.withExpiry(expiresAt, cas)))
                .collectList();
    }

    @Override
    public List<Lease> leases(String subscription, TopicShard shard, long from, long to) {
        return kv.run(
                "leases",
                Kv.parallel(Kv.range(Math.max(0, from), to), o -> kv.get(ks.leases, ks.lease(subscription, shard, o))
                                .map(r -> Documents.leaseFrom(subscription, shard, o, r)))
                        .collectList());
    }

    @Override
    public void dropLeases(String subscription, TopicShard shard, Collection<Long> offsets) {
        kv.run(
                "dropLeases",
                Kv.parallel(offsets, o -> kv.remove(ks.leases, ks.lease(subscription, shard, o)))
                        .then());
    }

    // ---- housekeeping -------------------------------------------------------------------------

    @Override
    public long roundTrips() {
        return kv.roundTrips();
    }

    @Override
    public String kind() {
        return "couchbase";
    }

    @Override
    public void close() {
        if (kv.close()) {
            cluster.disconnect();
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
