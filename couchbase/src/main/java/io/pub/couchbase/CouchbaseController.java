package io.pub.couchbase;

import com.couchbase.client.core.error.CasMismatchException;
import com.couchbase.client.core.error.CouchbaseException;
import com.couchbase.client.core.error.DocumentExistsException;
import com.couchbase.client.core.error.DocumentNotFoundException;
import com.couchbase.client.core.msg.kv.DurabilityLevel;
import com.couchbase.client.java.Cluster;
import com.couchbase.client.java.ReactiveCollection;
import com.couchbase.client.java.codec.RawBinaryTranscoder;
import com.couchbase.client.java.codec.RawJsonTranscoder;
import com.couchbase.client.java.json.JsonArray;
import com.couchbase.client.java.json.JsonObject;
import com.couchbase.client.java.kv.GetResult;
import com.couchbase.client.java.kv.IncrementOptions;
import com.couchbase.client.java.kv.InsertOptions;
import com.couchbase.client.java.kv.RemoveOptions;
import com.couchbase.client.java.kv.ReplaceOptions;
import com.couchbase.client.java.kv.UpsertOptions;
import io.pub.Message;
import io.pub.TopicShard;
import io.pub.internal.MessageCodec;
import io.pub.spi.Claim;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.OffsetSealedException;
import io.pub.spi.ReadResult;
import io.pub.spi.StoreException;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import reactor.core.publisher.Flux;
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
    /** Most KV operations one call keeps in flight. */
    static final int PARALLELISM = 128;
    /** Most lease documents a subscription's deletion removes per shard; the rest expire by themselves. */
    static final long MAX_LEASE_CLEANUP = 100_000;

    private static final byte[] TOMBSTONE = "{\"tombstone\":true}".getBytes(StandardCharsets.UTF_8);
    private static final MessageCodec JSON = MessageCodec.json();
    private static final MessageCodec SMILE = MessageCodec.smile();
    /** Couchbase's document limit (20 MiB) less room for the id and metadata. */
    static final int MAX_DOCUMENT_BYTES = 20 * 1024 * 1024 - 4096;

    private final Cluster cluster;
    private final Keyspace ks;
    private final Clock clock;
    private final String description;
    private final LongAdder roundTrips = new LongAdder();
    /** Highest head seen per shard: lets insert check "reserved" without a read in the usual case. */
    private final ConcurrentHashMap<TopicShard, Long> knownHeads = new ConcurrentHashMap<>();
    /** The cursor this JVM last read or wrote, by document id: where markDone starts. */
    private final ConcurrentHashMap<String, Cursor> lastCursors = new ConcurrentHashMap<>();

    private final AtomicBoolean closed = new AtomicBoolean();
    private final DurabilityLevel durability;

    CouchbaseController(
            Cluster cluster, Keyspace keyspace, Clock clock, String description, DurabilityLevel durability) {
        this.cluster = cluster;
        this.ks = keyspace;
        this.clock = clock;
        this.description = description;
        this.durability = durability;
    }

    // Every write carries the configured durability (COUCHBASE_DURABILITY), so what a call reported
    // as written survives the failover of a node when the level asks for it.

    private InsertOptions insertOptions() {
        return InsertOptions.insertOptions().durability(durability);
    }

    private ReplaceOptions replaceOptions() {
        return ReplaceOptions.replaceOptions().durability(durability);
    }

    private RemoveOptions removeOptions() {
        return RemoveOptions.removeOptions().durability(durability);
    }

    private IncrementOptions incrementOptions() {
        return IncrementOptions.incrementOptions().durability(durability);
    }

    // ---- KV primitives: each one is a round trip ----------------------------------------------

    private Mono<GetResult> get(ReactiveCollection c, String key) {
        return Mono.defer(() -> {
                    roundTrips.increment();
                    return c.get(key);
                })
                .onErrorResume(DocumentNotFoundException.class, e -> Mono.empty());
    }

    private Mono<Long> insert(ReactiveCollection c, String key, Object content, InsertOptions options) {
        return Mono.defer(() -> {
            roundTrips.increment();
            return c.insert(key, content, options).map(r -> r.cas());
        });
    }

    /** Replaces if the CAS still matches; empty if it changed or the document is gone. */
    private Mono<Long> replace(ReactiveCollection c, String key, Object content, ReplaceOptions options) {
        return Mono.defer(() -> {
                    roundTrips.increment();
                    return c.replace(key, content, options).map(r -> r.cas());
                })
                .onErrorResume(CasMismatchException.class, e -> Mono.empty())
                .onErrorResume(DocumentNotFoundException.class, e -> Mono.empty());
    }

    /** Removes; true if this call removed it. */
    private Mono<Boolean> remove(ReactiveCollection c, String key, long cas) {
        return Mono.defer(() -> {
                    roundTrips.increment();
                    return c.remove(key, removeOptions().cas(cas));
                })
                .map(r -> true)
                .onErrorResume(DocumentNotFoundException.class, e -> Mono.just(false))
                .onErrorResume(CasMismatchException.class, e -> Mono.just(false));
    }

    private Mono<Boolean> remove(ReactiveCollection c, String key) {
        return remove(c, key, 0);
    }

    private <T> T run(String op, Mono<T> mono) {
        checkOpen();
        try {
            return mono.block();
        } catch (CouchbaseException e) {
            throw new StoreException("Couchbase " + op + " failed on " + description + ": " + e.getMessage(), e);
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new StoreException("the Couchbase store " + description + " is closed");
        }
    }

    private static <T, R> Flux<R> parallel(Collection<T> items, java.util.function.Function<T, Mono<R>> fn) {
        return Flux.fromIterable(items).flatMapSequential(fn, PARALLELISM);
    }

    private static List<Long> range(long from, long to) {
        return from >= to ? List.of() : LongStream.range(from, to).boxed().toList();
    }

    private Duration untilPlus(long expiresAt, Duration margin) {
        return Duration.ofMillis(Math.max(0, expiresAt - clock.millis())).plus(margin);
    }

    // ---- registry: topics ---------------------------------------------------------------------

    private static JsonObject topicDoc(TopicInfo t) {
        return JsonObject.create()
                .put("name", t.name())
                .put("shards", t.shards())
                .put("temporary", t.temporary())
                .put("owner", t.owner());
    }

    private static TopicInfo topicFrom(GetResult r) {
        JsonObject o = r.contentAsObject();
        return new TopicInfo(o.getString("name"), o.getInt("shards"), o.getBoolean("temporary"), o.getString("owner"));
    }

    @Override
    public TopicInfo createTopic(TopicInfo topic) {
        TopicInfo stored = run(
                "createTopic",
                insert(ks.registry, ks.topic(topic.name()), topicDoc(topic), insertOptions())
                        .map(cas -> topic)
                        .onErrorResume(DocumentExistsException.class, e -> get(ks.registry, ks.topic(topic.name()))
                                .map(CouchbaseController::topicFrom)));
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
        return Optional.ofNullable(run("topic", get(ks.registry, ks.topic(name)).map(CouchbaseController::topicFrom)));
    }

    @Override
    public List<TopicInfo> topics() {
        List<String> names = readIndex("topics", ks.topicIndex());
        return run(
                "topics",
                parallel(names, n -> get(ks.registry, ks.topic(n)).map(CouchbaseController::topicFrom))
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
        run(
                "deleteTopic",
                parallel(shards, shard -> Mono.zip(lowMono(shard), headMono(shard))
                                .flatMap(lh -> parallel(
                                                range(lh.getT1().value, lh.getT2()),
                                                o -> remove(ks.messages, ks.message(shard, o)))
                                        .then(remove(ks.offsets, ks.counter(shard)))
                                        .then(remove(ks.offsets, ks.low(shard)))))
                        .then());
        shards.forEach(knownHeads::remove);
        boolean removed = run("deleteTopic", remove(ks.registry, ks.topic(name)));
        run("deleteTopic", remove(ks.registry, ks.subscriptionIndex(name)));
        removeFromIndex("deleteTopic", ks.topicIndex(), name);
        return removed;
    }

    // ---- registry: subscriptions --------------------------------------------------------------

    private static JsonObject subscriptionDoc(Subscription s) {
        return JsonObject.create()
                .put("topic", s.topic())
                .put("id", s.id())
                .put("kind", s.kind().name())
                .put("selector", s.selector())
                .put("noLocal", s.noLocal())
                .put("owner", s.owner())
                .put("createdAt", s.createdAt());
    }

    private static Subscription subscriptionFrom(GetResult r) {
        JsonObject o = r.contentAsObject();
        return new Subscription(
                o.getString("topic"),
                o.getString("id"),
                Subscription.Kind.valueOf(o.getString("kind")),
                o.getString("selector"),
                o.getBoolean("noLocal"),
                o.getString("owner"),
                o.getLong("createdAt"));
    }

    @Override
    public Subscription createSubscription(Subscription subscription, boolean startAtHead) {
        TopicInfo topic = topic(subscription.topic())
                .orElseThrow(
                        () -> new IllegalArgumentException("topic '" + subscription.topic() + "' is not registered"));
        String key = ks.subscription(subscription.topic(), subscription.id());
        boolean won = run(
                "createSubscription",
                insert(ks.registry, key, subscriptionDoc(subscription), insertOptions())
                        .map(cas -> true)
                        .onErrorResume(DocumentExistsException.class, e -> Mono.just(false)));
        if (!won) {
            Optional<Subscription> existing = subscription(subscription.topic(), subscription.id());
            return existing.orElseGet(() -> createSubscription(subscription, startAtHead));
        }
        run(
                "createSubscription",
                parallel(shards(topic), shard -> (startAtHead ? headMono(shard) : Mono.just(0L))
                                .flatMap(start -> Mono.defer(() -> {
                                    roundTrips.increment();
                                    return ks.cursors.upsert(
                                            ks.cursor(subscription.id(), shard),
                                            cursorDoc(Cursor.initial(start)),
                                            UpsertOptions.upsertOptions().durability(durability));
                                })))
                        .then());
        updateIndex("createSubscription", ks.subscriptionIndex(subscription.topic()), ids -> {
            ids.add(subscription.id());
            return ids;
        });
        return subscription;
    }

    @Override
    public Optional<Subscription> subscription(String topic, String id) {
        return Optional.ofNullable(run(
                "subscription",
                get(ks.registry, ks.subscription(topic, id)).map(CouchbaseController::subscriptionFrom)));
    }

    @Override
    public List<Subscription> subscriptions(String topic) {
        List<String> ids = readIndex("subscriptions", ks.subscriptionIndex(topic));
        return run(
                "subscriptions",
                parallel(ids, id -> get(ks.registry, ks.subscription(topic, id))
                                .map(CouchbaseController::subscriptionFrom))
                        .collectList());
    }

    @Override
    public boolean deleteSubscription(String topic, String id) {
        boolean removed = run("deleteSubscription", remove(ks.registry, ks.subscription(topic, id)));
        Optional<TopicInfo> info = topic(topic);
        if (removed && info.isPresent()) {
            run(
                    "deleteSubscription",
                    parallel(shards(info.get()), shard -> Mono.zip(
                                            get(ks.cursors, ks.cursor(id, shard))
                                                    .map(r -> cursorFrom(r).committed())
                                                    .defaultIfEmpty(0L),
                                            headMono(shard))
                                    .flatMap(ch -> parallel(
                                                    range(
                                                            ch.getT1(),
                                                            Math.min(ch.getT2(), ch.getT1() + MAX_LEASE_CLEANUP)),
                                                    o -> remove(ks.leases, ks.lease(id, shard, o)))
                                            .then(remove(ks.cursors, ks.cursor(id, shard)))))
                            .then());
        }
        removeFromIndex("deleteSubscription", ks.subscriptionIndex(topic), id);
        return removed;
    }

    // ---- index documents ----------------------------------------------------------------------

    private List<String> readIndex(String op, String key) {
        GetResult r = run(op, get(ks.registry, key));
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
            GetResult r = run(op, get(ks.registry, key));
            TreeSet<String> before = r == null ? new TreeSet<>() : new TreeSet<>(namesOf(r));
            TreeSet<String> after = change.apply(new TreeSet<>(before));
            if (after.equals(before)) {
                return;
            }
            JsonObject doc = JsonObject.create().put("names", JsonArray.from(new ArrayList<Object>(after)));
            boolean stored = r == null
                    ? run(
                            op,
                            insert(ks.registry, key, doc, insertOptions())
                                    .map(cas -> true)
                                    .onErrorResume(DocumentExistsException.class, e -> Mono.just(false)))
                    : run(op, replace(ks.registry, key, doc, replaceOptions().cas(r.cas()))) != null;
            if (stored) {
                return;
            }
        }
    }

    // ---- registry: claims ---------------------------------------------------------------------

    private static Claim claimFrom(String key, GetResult r) {
        JsonObject o = r.contentAsObject();
        return new Claim(key, o.getString("owner"), o.getLong("expiresAt"), r.cas());
    }

    @Override
    public Optional<Claim> claim(String key, String owner, long expiresAt, long now) {
        String id = ks.claim(key);
        JsonObject doc = JsonObject.create().put("owner", owner).put("expiresAt", expiresAt);
        Duration expiry = untilPlus(expiresAt, CLAIM_MARGIN);
        while (true) {
            Long cas = run(
                    "claim",
                    insert(ks.registry, id, doc, insertOptions().expiry(expiry))
                            .onErrorResume(DocumentExistsException.class, e -> Mono.empty()));
            if (cas != null) {
                return Optional.of(new Claim(key, owner, expiresAt, cas));
            }
            GetResult r = run("claim", get(ks.registry, id));
            if (r == null) {
                continue;
            }
            Claim current = claimFrom(key, r);
            if (current.isLive(now) && !current.owner().equals(owner)) {
                return Optional.empty();
            }
            cas = run(
                    "claim",
                    replace(ks.registry, id, doc, replaceOptions().cas(r.cas()).expiry(expiry)));
            if (cas != null) {
                return Optional.of(new Claim(key, owner, expiresAt, cas));
            }
        }
    }

    @Override
    public Optional<Claim> readClaim(String key) {
        return Optional.ofNullable(
                run("readClaim", get(ks.registry, ks.claim(key)).map(r -> claimFrom(key, r))));
    }

    @Override
    public boolean releaseClaim(String key, String owner) {
        while (true) {
            GetResult r = run("releaseClaim", get(ks.registry, ks.claim(key)));
            if (r == null || !claimFrom(key, r).owner().equals(owner)) {
                return false;
            }
            if (run("releaseClaim", remove(ks.registry, ks.claim(key), r.cas()))) {
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
        long next = run("reserve", Mono.defer(() -> {
                    roundTrips.increment();
                    // absent counter: created at count, i.e. this call reserved 0..count-1
                    return ks.offsets
                            .binary()
                            .increment(
                                    ks.counter(shard),
                                    incrementOptions().delta(count).initial(count));
                }))
                .content();
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
            docs.add(encode(batch.get(i), shard, firstOffset + i));
        }
        List<Integer> indexes =
                java.util.stream.IntStream.range(0, batch.size()).boxed().toList();
        InsertOptions json = insertOptions().transcoder(RawJsonTranscoder.INSTANCE);
        InsertOptions binary = insertOptions().transcoder(RawBinaryTranscoder.INSTANCE);
        List<Long> sealed = run(
                "insert",
                parallel(indexes, i -> insert(
                                        ks.messages,
                                        ks.message(shard, firstOffset + i),
                                        docs.get(i),
                                        docs.get(i)[0] == '{' ? json : binary)
                                .map(cas -> -1L)
                                .onErrorResume(DocumentExistsException.class, e -> Mono.just(firstOffset + i)))
                        .filter(o -> o >= 0)
                        .collectList());
        if (!sealed.isEmpty()) {
            throw new OffsetSealedException(shard, sealed.get(0));
        }
    }

    /**
     * JSON, so people can read the documents; Smile (binary JSON, a Smile document never starts with
     * '{') when base64 would push a large body over the document limit.
     */
    private static byte[] encode(Message m, TopicShard shard, long offset) {
        byte[] doc = JSON.encode(m);
        if (doc.length > MAX_DOCUMENT_BYTES) {
            doc = SMILE.encode(m);
        }
        if (doc.length > MAX_DOCUMENT_BYTES) {
            throw new IllegalArgumentException("message " + m.id() + " for offset " + offset + " of " + shard
                    + " encodes to " + doc.length + " bytes, more than a Couchbase document holds ("
                    + MAX_DOCUMENT_BYTES + "); send a smaller body");
        }
        return doc;
    }

    @Override
    public long head(TopicShard shard) {
        return run("head", headMono(shard));
    }

    private Mono<Long> headMono(TopicShard shard) {
        return get(ks.offsets, ks.counter(shard))
                .map(r -> Long.parseLong(new String(r.contentAsBytes(), StandardCharsets.US_ASCII).trim()))
                .defaultIfEmpty(0L)
                .doOnNext(head -> sawHead(shard, head));
    }

    private static List<TopicShard> shards(TopicInfo topic) {
        return java.util.stream.IntStream.range(0, topic.shards())
                .mapToObj(s -> new TopicShard(topic.name(), s))
                .toList();
    }

    private static Entry entryFrom(long offset, GetResult r) {
        byte[] bytes = r.contentAsBytes();
        if (Arrays.equals(bytes, TOMBSTONE)) {
            return Entry.tombstone(offset);
        }
        return new Entry(offset, (bytes.length > 0 && bytes[0] == '{' ? JSON : SMILE).decode(bytes));
    }

    @Override
    public ReadResult read(TopicShard shard, long from, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0, was " + max);
        }
        long head = head(shard);
        long to = Math.min(head, from + max);
        List<Entry> entries = run(
                "read",
                parallel(range(Math.max(0, from), to), o -> get(ks.messages, ks.message(shard, o))
                                .map(r -> entryFrom(o, r)))
                        .collectList());
        return new ReadResult(entries, head);
    }

    @Override
    public boolean seal(TopicShard shard, long offset) {
        String key = ks.message(shard, offset);
        return run(
                "seal",
                insert(ks.messages, key, TOMBSTONE, insertOptions().transcoder(RawJsonTranscoder.INSTANCE))
                        .map(cas -> true)
                        .onErrorResume(DocumentExistsException.class, e -> get(ks.messages, key)
                                .map(r -> Arrays.equals(r.contentAsBytes(), TOMBSTONE))
                                .defaultIfEmpty(false)));
    }

    private record Low(long value, long cas) {}

    private Low low(TopicShard shard) {
        return run("trim", lowMono(shard));
    }

    private Mono<Low> lowMono(TopicShard shard) {
        return get(ks.offsets, ks.low(shard))
                .map(r -> new Low(r.contentAsObject().getLong("low"), r.cas()))
                .defaultIfEmpty(new Low(0, 0));
    }

    @Override
    public void trim(TopicShard shard, long offset) {
        Low low = low(shard);
        if (offset <= low.value) {
            return;
        }
        run(
                "trim",
                parallel(range(low.value, offset), o -> remove(ks.messages, ks.message(shard, o)))
                        .then());
        // Raise the low-water mark; if another trim raced us, keep whichever is higher.
        while (true) {
            JsonObject doc = JsonObject.create().put("low", offset);
            Long cas = low.cas == 0
                    ? run(
                            "trim",
                            insert(ks.offsets, ks.low(shard), doc, insertOptions())
                                    .onErrorResume(DocumentExistsException.class, e -> Mono.empty()))
                    : run(
                            "trim",
                            replace(
                                    ks.offsets,
                                    ks.low(shard),
                                    doc,
                                    replaceOptions().cas(low.cas)));
            if (cas != null) {
                return;
            }
            low = low(shard);
            if (offset <= low.value) {
                return;
            }
        }
    }

    @Override
    public void delete(TopicShard shard, Collection<Long> offsets) {
        run(
                "delete",
                parallel(offsets, o -> remove(ks.messages, ks.message(shard, o)))
                        .then());
    }

    // ---- cursors ------------------------------------------------------------------------------

    private static JsonObject cursorDoc(Cursor c) {
        return JsonObject.create()
                .put("committed", c.committed())
                .put("done", JsonArray.from(new ArrayList<Object>(c.done())));
    }

    private static Cursor cursorFrom(GetResult r) {
        JsonObject o = r.contentAsObject();
        JsonArray a = o.getArray("done");
        TreeSet<Long> done = new TreeSet<>();
        for (int i = 0; i < a.size(); i++) {
            done.add(a.getLong(i));
        }
        return new Cursor(o.getLong("committed"), done, r.cas());
    }

    @Override
    public Cursor cursor(String subscription, TopicShard shard) {
        String key = ks.cursor(subscription, shard);
        Cursor c = run("cursor", get(ks.cursors, key).map(CouchbaseController::cursorFrom));
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
                ? insert(ks.cursors, key, cursorDoc(next), insertOptions())
                        .onErrorResume(DocumentExistsException.class, e -> Mono.empty())
                : replace(ks.cursors, key, cursorDoc(next), replaceOptions().cas(expected.version()));
        Optional<Cursor> stored =
                Optional.ofNullable(run("compareAndSetCursor", write)).map(next::withVersion);
        stored.ifPresent(c -> lastCursors.put(key, c));
        return stored;
    }

    // ---- leases -------------------------------------------------------------------------------

    private static JsonObject leaseDoc(String owner, long expiresAt, int deliveryCount) {
        return JsonObject.create()
                .put("owner", owner)
                .put("expiresAt", expiresAt)
                .put("count", deliveryCount);
    }

    private static Lease leaseFrom(String subscription, TopicShard shard, long offset, GetResult r) {
        JsonObject o = r.contentAsObject();
        return new Lease(
                subscription, shard, offset, o.getString("owner"), o.getLong("expiresAt"), o.getInt("count"), r.cas());
    }

    @Override
    public List<Lease> acquire(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        Duration expiry = untilPlus(expiresAt, LEASE_MARGIN);
        List<Long> sorted = new ArrayList<>(new TreeSet<>(offsets));
        return run(
                "acquire",
                parallel(sorted, o -> takeLease(subscription, shard, o, owner, expiresAt, now, expiry))
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
        return insert(
                        ks.leases,
                        key,
                        leaseDoc(owner, expiresAt, 1),
                        insertOptions().expiry(expiry))
                .map(cas -> new Lease(subscription, shard, offset, owner, expiresAt, 1, cas))
                .onErrorResume(DocumentExistsException.class, e -> get(ks.leases, key)
                        .map(r -> leaseFrom(subscription, shard, offset, r))
                        .filter(current -> !current.isLive(now))
                        .flatMap(current -> {
                            int count = current.deliveryCount() + 1;
                            return replace(
                                            ks.leases,
                                            key,
                                            leaseDoc(owner, expiresAt, count),
                                            replaceOptions()
                                                    .cas(current.version())
                                                    .expiry(expiry))
                                    .map(cas -> new Lease(subscription, shard, offset, owner, expiresAt, count, cas));
                        }));
    }

    @Override
    public List<Lease> renew(Collection<Lease> leases, long expiresAt) {
        return run("renew", rewrite(leases, expiresAt));
    }

    @Override
    public List<Lease> release(Collection<Lease> leases, long availableAt) {
        return run("release", rewrite(leases, availableAt));
    }

    private Mono<List<Lease>> rewrite(Collection<Lease> leases, long expiresAt) {
        Duration expiry = untilPlus(expiresAt, LEASE_MARGIN);
        return parallel(leases, l -> replace(
                                ks.leases,
                                ks.lease(l.subscription(), l.shard(), l.offset()),
                                leaseDoc(l.owner(), expiresAt, l.deliveryCount()),
                                replaceOptions().cas(l.version()).expiry(expiry))
                        .map(cas -> l.withExpiry(expiresAt, cas)))
                .collectList();
    }

    @Override
    public List<Lease> leases(String subscription, TopicShard shard, long from, long to) {
        return run(
                "leases",
                parallel(range(Math.max(0, from), to), o -> get(ks.leases, ks.lease(subscription, shard, o))
                                .map(r -> leaseFrom(subscription, shard, o, r)))
                        .collectList());
    }

    @Override
    public void dropLeases(String subscription, TopicShard shard, Collection<Long> offsets) {
        run(
                "dropLeases",
                parallel(offsets, o -> remove(ks.leases, ks.lease(subscription, shard, o)))
                        .then());
    }

    // ---- housekeeping -------------------------------------------------------------------------

    @Override
    public long roundTrips() {
        return roundTrips.sum();
    }

    @Override
    public String kind() {
        return "couchbase";
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            cluster.disconnect();
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
