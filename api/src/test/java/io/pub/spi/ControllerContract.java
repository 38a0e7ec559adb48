package io.pub.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.pub.Message;
import io.pub.TopicShard;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link Controller}, run against every store: each store's test extends this class
 * and opens a fresh, empty store in {@link #open}. The engine's invariants (no loss, lease
 * exclusivity, holes sealed exactly once, cursors that never move back) rest on what is tested here.
 */
@Timeout(60)
public abstract class ControllerContract {
    protected static final String TOPIC = "orders";
    protected static final TopicShard SHARD = new TopicShard(TOPIC, 0);
    protected static final String SUB = "billing";

    protected MutableClock clock;
    protected Controller store;

    /** Opens a fresh, empty store that reads time from {@code clock}. */
    protected abstract Controller open(MutableClock clock);

    /**
     * Moves time forward. Stores whose server keeps its own time (document expiry) override this to
     * move that time as well.
     */
    protected void advance(Duration d) {
        clock.advance(d);
    }

    @BeforeEach
    void openStore() {
        clock = new MutableClock();
        store = open(clock);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected long now() {
        return clock.millis();
    }

    protected static Message message(String text) {
        return Message.builder()
                .id("id-" + text)
                .body(text.getBytes(StandardCharsets.UTF_8))
                .publishTime(1_700_000_000_000L)
                .build();
    }

    protected static List<Message> messages(String prefix, int n) {
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(message(prefix + i));
        }
        return out;
    }

    protected void createTopic(String name, int shards) {
        store.createTopic(new TopicInfo(name, shards, false, null));
    }

    protected Subscription subscription(String topic, String id) {
        return new Subscription(topic, id, Subscription.Kind.SHARED_DURABLE, null, false, null, now());
    }

    private static <T> List<T> runConcurrently(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(50, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- topics -----------------------------------------------------------------------------

    @Test
    void createTopicIsIdempotentAndListed() {
        TopicInfo t = new TopicInfo(TOPIC, 4, false, null);
        assertThat(store.createTopic(t)).isEqualTo(t);
        assertThat(store.createTopic(t)).isEqualTo(t);
        assertThat(store.topic(TOPIC)).contains(t);
        assertThat(store.topic("other")).isEmpty();
        TopicInfo tmp = new TopicInfo("tmp-1", 1, true, "conn-1");
        store.createTopic(tmp);
        assertThat(store.topics()).containsExactlyInAnyOrder(t, tmp);
    }

    @Test
    void createTopicWithAnotherShardCountFails() {
        createTopic(TOPIC, 4);
        assertThatThrownBy(() -> createTopic(TOPIC, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(TOPIC);
        assertThat(store.topic(TOPIC).orElseThrow().shards()).isEqualTo(4);
    }

    @Test
    void deleteTopicRemovesEverything() {
        createTopic(TOPIC, 2);
        store.createSubscription(subscription(TOPIC, SUB), false);
        TopicShard other = new TopicShard(TOPIC, 1);
        store.append(SHARD, messages("a", 3));
        store.append(other, messages("b", 2));
        store.acquire(SUB, SHARD, List.of(0L, 1L), "c1", now() + 1000, now());
        store.markDone(SUB, other, List.of(0L));

        assertThat(store.deleteTopic(TOPIC)).isTrue();
        assertThat(store.deleteTopic(TOPIC)).isFalse();
        assertThat(store.topic(TOPIC)).isEmpty();
        assertThat(store.topics()).isEmpty();
        assertThat(store.subscriptions(TOPIC)).isEmpty();
        assertThat(store.subscription(TOPIC, SUB)).isEmpty();
        assertThat(store.leases(SUB, SHARD, 0, 100)).isEmpty();
        assertThat(store.cursor(SUB, other).committed()).isZero();

        // a topic of the same name starts empty: no old message, subscription or lease leaks into it
        createTopic(TOPIC, 2);
        assertThat(store.read(SHARD, 0, 100).entries()).isEmpty();
        assertThat(store.read(other, 0, 100).entries()).isEmpty();
        assertThat(store.subscriptions(TOPIC)).isEmpty();
    }

    // ---- subscriptions ----------------------------------------------------------------------

    @Test
    void createSubscriptionIsInsertIfAbsent() {
        createTopic(TOPIC, 1);
        Subscription first = new Subscription(TOPIC, SUB, Subscription.Kind.QUEUE, "a > 1", false, null, 1);
        Subscription second = new Subscription(TOPIC, SUB, Subscription.Kind.DURABLE, null, true, "x", 2);
        assertThat(store.createSubscription(first, false)).isEqualTo(first);
        assertThat(store.createSubscription(second, false)).isEqualTo(first);
        assertThat(store.subscription(TOPIC, SUB)).contains(first);
        Subscription nd = new Subscription(TOPIC, "nd-1", Subscription.Kind.NON_DURABLE, null, true, "conn-1", 3);
        store.createSubscription(nd, true);
        assertThat(store.subscriptions(TOPIC)).containsExactlyInAnyOrder(first, nd);
        assertThat(store.subscriptions("unknown")).isEmpty();
    }

    @Test
    void concurrentCreateSubscriptionHasOneWinner() throws Exception {
        createTopic(TOPIC, 1);
        List<Subscription> candidates = new ArrayList<>();
        List<Subscription> results = runConcurrently(4, () -> {
            Subscription s = new Subscription(
                    TOPIC,
                    SUB,
                    Subscription.Kind.DURABLE,
                    null,
                    false,
                    "owner-" + Thread.currentThread().getId(),
                    1);
            synchronized (candidates) {
                candidates.add(s);
            }
            return store.createSubscription(s, false);
        });
        assertThat(new HashSet<>(results)).hasSize(1);
        assertThat(candidates).contains(results.get(0));
        assertThat(store.subscription(TOPIC, SUB)).contains(results.get(0));
    }

    @Test
    void createSubscriptionOnUnknownTopicFails() {
        assertThatThrownBy(() -> store.createSubscription(subscription("nowhere", SUB), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nowhere");
    }

    @Test
    void subscriptionStartsAtHeadOrAtZero() {
        createTopic(TOPIC, 2);
        store.append(SHARD, messages("m", 3));
        store.createSubscription(subscription(TOPIC, "from-head"), true);
        store.createSubscription(subscription(TOPIC, "from-zero"), false);
        assertThat(store.cursor("from-head", SHARD).committed()).isEqualTo(3);
        assertThat(store.cursor("from-head", new TopicShard(TOPIC, 1)).committed())
                .isZero();
        assertThat(store.cursor("from-zero", SHARD).committed()).isZero();
        assertThat(store.cursor("from-head", SHARD).done()).isEmpty();
    }

    @Test
    void deleteSubscriptionRemovesCursorsAndLeases() {
        createTopic(TOPIC, 1);
        store.createSubscription(subscription(TOPIC, SUB), false);
        store.createSubscription(subscription(TOPIC, "other"), false);
        store.append(SHARD, messages("m", 5));
        store.markDone(SUB, SHARD, List.of(0L, 1L, 3L));
        store.acquire(SUB, SHARD, List.of(2L), "c1", now() + 1000, now());
        store.acquire("other", SHARD, List.of(2L), "c2", now() + 1000, now());

        assertThat(store.deleteSubscription(TOPIC, SUB)).isTrue();
        assertThat(store.deleteSubscription(TOPIC, SUB)).isFalse();
        assertThat(store.subscription(TOPIC, SUB)).isEmpty();
        assertThat(store.leases(SUB, SHARD, 0, 10)).isEmpty();
        assertThat(store.cursor(SUB, SHARD).committed()).isZero();
        assertThat(store.cursor(SUB, SHARD).done()).isEmpty();
        // the other subscription and the messages are untouched
        assertThat(store.leases("other", SHARD, 0, 10)).hasSize(1);
        assertThat(store.read(SHARD, 0, 10).entries()).hasSize(5);

        // re-created, it starts afresh
        store.createSubscription(subscription(TOPIC, SUB), false);
        assertThat(store.cursor(SUB, SHARD).committed()).isZero();
        assertThat(store.acquire(SUB, SHARD, List.of(2L), "c3", now() + 1000, now()))
                .singleElement()
                .extracting(Lease::deliveryCount)
                .isEqualTo(1);
    }

    // ---- claims -----------------------------------------------------------------------------

    @Test
    void claimIsTakenRenewedByOwnerAndRefusedToOthersWhileLive() {
        long t = now();
        Claim c = store.claim("client:app", "conn-1", t + 1000, t).orElseThrow();
        assertThat(c.key()).isEqualTo("client:app");
        assertThat(c.owner()).isEqualTo("conn-1");
        assertThat(c.expiresAt()).isEqualTo(t + 1000);
        assertThat(store.readClaim("client:app")).contains(c);

        assertThat(store.claim("client:app", "conn-2", t + 2000, t + 500)).isEmpty();
        Claim renewed = store.claim("client:app", "conn-1", t + 3000, t + 500).orElseThrow();
        assertThat(renewed.expiresAt()).isEqualTo(t + 3000);
        assertThat(renewed.version()).isNotEqualTo(c.version());
        assertThat(store.readClaim("client:app").orElseThrow().expiresAt()).isEqualTo(t + 3000);
        assertThat(store.readClaim("nothing")).isEmpty();
    }

    @Test
    void expiredClaimIsTakenOver() {
        long t = now();
        store.claim("hb", "conn-1", t + 1000, t).orElseThrow();
        advance(Duration.ofMillis(1000));
        Claim taken = store.claim("hb", "conn-2", now() + 1000, now()).orElseThrow();
        assertThat(taken.owner()).isEqualTo("conn-2");
        assertThat(store.readClaim("hb").orElseThrow().owner()).isEqualTo("conn-2");
        assertThat(store.claim("hb", "conn-1", now() + 1000, now())).isEmpty();
    }

    @Test
    void claimIsReleasedOnlyByItsOwner() {
        long t = now();
        store.claim("hb", "conn-1", t + 1000, t).orElseThrow();
        assertThat(store.releaseClaim("hb", "conn-2")).isFalse();
        assertThat(store.readClaim("hb")).isPresent();
        assertThat(store.releaseClaim("hb", "conn-1")).isTrue();
        assertThat(store.readClaim("hb")).isEmpty();
        assertThat(store.releaseClaim("hb", "conn-1")).isFalse();
        assertThat(store.claim("hb", "conn-2", t + 1000, t)).isPresent();
    }

    @Test
    void concurrentClaimsHaveOneWinner() throws Exception {
        long t = now();
        List<Optional<Claim>> results = runConcurrently(
                6, () -> store.claim("hb", "conn-" + Thread.currentThread().getId(), t + 1000, t));
        List<Claim> won = results.stream().flatMap(Optional::stream).collect(Collectors.toList());
        assertThat(won).hasSize(1);
        assertThat(store.readClaim("hb").orElseThrow().owner())
                .isEqualTo(won.get(0).owner());
    }

    // ---- offsets and messages ---------------------------------------------------------------

    @Test
    void reserveHandsOutConsecutiveRanges() {
        createTopic(TOPIC, 2);
        assertThat(store.head(SHARD)).isZero();
        assertThat(store.reserve(SHARD, 3)).isZero();
        assertThat(store.reserve(SHARD, 1)).isEqualTo(3);
        assertThat(store.reserve(SHARD, 10)).isEqualTo(4);
        assertThat(store.head(SHARD)).isEqualTo(14);
        assertThat(store.head(new TopicShard(TOPIC, 1))).isZero();
        assertThatThrownBy(() -> store.reserve(SHARD, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.head(SHARD)).isEqualTo(14);
    }

    @Test
    void concurrentReserversGetDisjointRanges() throws Exception {
        createTopic(TOPIC, 1);
        int threads = 4;
        int perThread = 50;
        List<List<Long>> firsts = runConcurrently(threads, () -> {
            List<Long> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(store.reserve(SHARD, 3));
            }
            return mine;
        });
        Set<Long> covered = new TreeSet<>();
        for (List<Long> mine : firsts) {
            for (long f : mine) {
                for (long o = f; o < f + 3; o++) {
                    assertThat(covered.add(o))
                            .as("offset %d handed out twice", o)
                            .isTrue();
                }
            }
        }
        assertThat(covered).hasSize(threads * perThread * 3);
        assertThat(store.head(SHARD)).isEqualTo(threads * perThread * 3L);
        assertThat(covered).allMatch(o -> o >= 0 && o < threads * perThread * 3L);
    }

    @Test
    void concurrentAppendsGetDisjointOffsetsHoldingTheirMessages() throws Exception {
        createTopic(TOPIC, 1);
        java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger();
        List<Map<Long, Message>> written = runConcurrently(4, () -> {
            int t = ids.getAndIncrement();
            Map<Long, Message> mine = new java.util.HashMap<>();
            for (int i = 0; i < 30; i++) {
                List<Message> batch = messages("t" + t + "-" + i + "-", 2);
                long first = store.append(SHARD, batch);
                mine.put(first, batch.get(0));
                mine.put(first + 1, batch.get(1));
            }
            return mine;
        });
        Map<Long, Message> all = new java.util.HashMap<>();
        written.forEach(all::putAll);
        assertThat(all).hasSize(4 * 30 * 2);
        ReadResult r = store.read(SHARD, 0, 1000);
        assertThat(r.head()).isEqualTo(240);
        assertThat(r.entries()).hasSize(240);
        for (Entry e : r.entries()) {
            assertThat(e.message()).isEqualTo(all.get(e.offset()));
        }
    }

    @Test
    void appendAndReadRoundTripEveryField() {
        createTopic(TOPIC, 1);
        Message full = Message.builder()
                .id("ID:1")
                .type("order")
                .key("group-7")
                .header("JMSCorrelationID", "corr")
                .header("traceparent", "00-abc-def-01")
                .property("b", (byte) 1)
                .property("s", (short) 2)
                .property("i", 3)
                .property("l", 4L)
                .property("f", Float.NaN)
                .property("d", -0.0d)
                .property("z", true)
                .property("t", "text")
                .body(new byte[] {0, 1, 2, (byte) 255})
                .publishTime(1_700_000_000_123L)
                .expiration(1_700_000_060_000L)
                .deliveryTime(1_700_000_001_000L)
                .priority(9)
                .build();
        Message empty = Message.builder().build();
        long first = store.append(SHARD, List.of(full, empty));
        assertThat(first).isZero();
        ReadResult r = store.read(SHARD, 0, 10);
        assertThat(r.head()).isEqualTo(2);
        assertThat(r.entries()).extracting(Entry::offset).containsExactly(0L, 1L);
        assertThat(r.entries().get(0).message()).isEqualTo(full);
        assertThat(r.entries().get(0).message().properties().get("b")).isInstanceOf(Byte.class);
        assertThat(r.entries().get(1).message()).isEqualTo(empty);
        assertThat(r.entries()).noneMatch(Entry::isTombstone);
        assertThat(store.append(SHARD, messages("x", 3))).isEqualTo(2);
    }

    @Test
    void insertWritesReservedOffsetsOnce() {
        createTopic(TOPIC, 1);
        long first = store.reserve(SHARD, 2);
        store.insert(SHARD, first, List.of(message("a"), message("b")));
        // a second insert at the same offsets is refused and does not overwrite
        assertThatThrownBy(() -> store.insert(SHARD, first, List.of(message("c"))))
                .isInstanceOf(OffsetSealedException.class);
        assertThat(store.read(SHARD, 0, 10).entries())
                .extracting(Entry::message)
                .containsExactly(message("a"), message("b"));
    }

    @Test
    void insertAtUnreservedOffsetIsRejected() {
        createTopic(TOPIC, 1);
        store.reserve(SHARD, 2);
        assertThatThrownBy(() -> store.insert(SHARD, 2, List.of(message("x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2");
        assertThatThrownBy(() -> store.insert(new TopicShard(TOPIC, 0), 5, List.of(message("y"), message("z"))))
                .isInstanceOf(IllegalArgumentException.class);
        ReadResult r = store.read(SHARD, 0, 100);
        assertThat(r.entries()).isEmpty();
        assertThat(r.head()).isEqualTo(2);
    }

    @Test
    void insertLosesToTombstoneButWritesTheRest() {
        createTopic(TOPIC, 1);
        long first = store.reserve(SHARD, 3);
        assertThat(store.seal(SHARD, first + 1)).isTrue();
        assertThatThrownBy(() -> store.insert(SHARD, first, messages("m", 3)))
                .isInstanceOf(OffsetSealedException.class)
                .hasMessageContaining(String.valueOf(first + 1));
        List<Entry> entries = store.read(SHARD, 0, 10).entries();
        assertThat(entries).extracting(Entry::offset).containsExactly(0L, 1L, 2L);
        assertThat(entries.get(0).message()).isEqualTo(message("m0"));
        assertThat(entries.get(1).isTombstone()).isTrue();
        assertThat(entries.get(2).message()).isEqualTo(message("m2"));
    }

    @Test
    void sealIsIdempotentAndNeverOverwritesAMessage() {
        createTopic(TOPIC, 1);
        store.append(SHARD, messages("m", 1));
        store.reserve(SHARD, 1);
        assertThat(store.seal(SHARD, 0)).isFalse();
        assertThat(store.seal(SHARD, 1)).isTrue();
        assertThat(store.seal(SHARD, 1)).isTrue();
        List<Entry> entries = store.read(SHARD, 0, 10).entries();
        assertThat(entries.get(0).message()).isEqualTo(message("m0"));
        assertThat(entries.get(1)).isEqualTo(Entry.tombstone(1));
    }

    @Test
    void insertRacingSealHasExactlyOneWinnerPerOffset() throws Exception {
        createTopic(TOPIC, 1);
        int n = 200;
        long first = store.reserve(SHARD, n);
        Map<Long, Boolean> inserted = new ConcurrentHashMap<>();
        Map<Long, Boolean> sealed = new ConcurrentHashMap<>();
        // two producers write the even and odd offsets one by one while two consumers seal every offset
        runConcurrently(4, new Callable<Void>() {
            private final java.util.concurrent.atomic.AtomicInteger roles =
                    new java.util.concurrent.atomic.AtomicInteger();

            @Override
            public Void call() {
                int role = roles.getAndIncrement();
                if (role < 2) {
                    for (long o = first + role; o < first + n; o += 2) {
                        try {
                            store.insert(SHARD, o, List.of(message("p" + o)));
                            inserted.put(o, true);
                        } catch (OffsetSealedException e) {
                            inserted.put(o, false);
                        }
                    }
                } else {
                    for (long o = first; o < first + n; o++) {
                        boolean tomb = store.seal(SHARD, o);
                        Boolean before = sealed.putIfAbsent(o, tomb);
                        if (before != null) {
                            // both sealers must see the same outcome
                            assertThat(before).as("seal outcome at %d", o).isEqualTo(tomb);
                        }
                    }
                }
                return null;
            }
        });
        Map<Long, Entry> stored =
                store.read(SHARD, first, n).entries().stream().collect(Collectors.toMap(Entry::offset, e -> e));
        assertThat(stored).hasSize(n);
        for (long o = first; o < first + n; o++) {
            boolean producerWon = inserted.get(o);
            assertThat(sealed.get(o))
                    .as("offset %d: seal reported a tombstone", o)
                    .isEqualTo(!producerWon);
            if (producerWon) {
                assertThat(stored.get(o).message()).isEqualTo(message("p" + o));
            } else {
                assertThat(stored.get(o).isTombstone()).isTrue();
            }
        }
    }

    @Test
    void readReturnsPresentEntriesUpToHead() {
        createTopic(TOPIC, 1);
        long first = store.reserve(SHARD, 6);
        store.insert(SHARD, first, messages("a", 2)); // 0, 1
        store.insert(SHARD, first + 3, messages("b", 1)); // 3
        store.seal(SHARD, 4);
        // offsets 2 and 5 are reserved but absent

        ReadResult all = store.read(SHARD, 0, 100);
        assertThat(all.head()).isEqualTo(6);
        assertThat(all.entries()).extracting(Entry::offset).containsExactly(0L, 1L, 3L, 4L);
        assertThat(all.entries().get(3).isTombstone()).isTrue();

        assertThat(store.read(SHARD, 1, 3).entries()).extracting(Entry::offset).containsExactly(1L, 3L);
        assertThat(store.read(SHARD, 3, 1).entries()).extracting(Entry::offset).containsExactly(3L);
        assertThat(store.read(SHARD, 6, 10).entries()).isEmpty();
        assertThat(store.read(SHARD, 100, 10).head()).isEqualTo(6);
        assertThat(store.read(new TopicShard(TOPIC, 0), 0, 0).entries()).isEmpty();
    }

    @Test
    void readOfUnknownShardIsEmpty() {
        ReadResult r = store.read(new TopicShard("nothing", 3), 0, 10);
        assertThat(r.entries()).isEmpty();
        assertThat(r.head()).isZero();
    }

    @Test
    void trimRemovesEverythingBelowAndDeleteLeavesTombstones() {
        createTopic(TOPIC, 1);
        store.append(SHARD, messages("m", 10));
        store.trim(SHARD, 4);
        assertThat(store.read(SHARD, 0, 100).entries())
                .extracting(Entry::offset)
                .containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
        store.delete(SHARD, List.of(5L, 7L, 42L));
        ReadResult r = store.read(SHARD, 0, 100);
        // a deleted (expired) message is done for everyone, not a hole a consumer waits for
        assertThat(r.entries()).extracting(Entry::offset).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(r.entries())
                .filteredOn(Entry::isTombstone)
                .extracting(Entry::offset)
                .containsExactly(5L, 7L);
        assertThat(r.head()).isEqualTo(10);
        // trimming never moves the head: new messages keep counting up
        assertThat(store.append(SHARD, messages("n", 1))).isEqualTo(10);
        store.trim(SHARD, 2);
        assertThat(store.read(SHARD, 0, 100).entries()).hasSize(7);
    }

    @Test
    void deleteLeavesAHoleAHoleAndATombstoneATombstone() {
        createTopic(TOPIC, 1);
        long hole = store.reserve(SHARD, 1);
        store.append(SHARD, messages("m", 2));
        store.delete(SHARD, List.of(hole, hole + 1));
        assertThat(store.read(SHARD, 0, 100).entries())
                .extracting(Entry::offset, Entry::isTombstone)
                .containsExactly(tuple(hole + 1, true), tuple(hole + 2, false));
        // the hole is still the producer's to write
        store.insert(SHARD, hole, List.of(message("late")));
        assertThat(store.read(SHARD, hole, 1).entries())
                .extracting(Entry::isTombstone)
                .containsExactly(false);
        store.delete(SHARD, List.of(hole + 1));
        assertThat(store.seal(SHARD, hole + 1)).isTrue();
    }

    @Test
    void aLateInsertBehindATrimmedTombstoneStillLoses() {
        // a producer stalls between reserve and insert; its hole is sealed, every subscription
        // passes it and retention trims the tombstone away: the late insert must still lose, or
        // its message would sit behind every cursor, acknowledged to the producer and never delivered
        createTopic(TOPIC, 1);
        long late = store.reserve(SHARD, 1);
        store.append(SHARD, messages("m", 1));
        assertThat(store.seal(SHARD, late)).isTrue();
        store.trim(SHARD, 2);
        assertThatThrownBy(() -> store.insert(SHARD, late, List.of(message("late"))))
                .isInstanceOf(OffsetSealedException.class);
        assertThat(store.seal(SHARD, late)).isTrue();
        assertThat(store.read(SHARD, 0, 10).entries()).isEmpty();
    }

    // ---- cursors ----------------------------------------------------------------------------

    @Test
    void cursorDefaultsToZero() {
        Cursor c = store.cursor(SUB, SHARD);
        assertThat(c.committed()).isZero();
        assertThat(c.done()).isEmpty();
    }

    @Test
    void compareAndSetCursorFailsOnAStaleVersion() {
        createTopic(TOPIC, 1);
        store.createSubscription(subscription(TOPIC, SUB), false);
        Cursor c0 = store.cursor(SUB, SHARD);
        Cursor c1 = store.compareAndSetCursor(SUB, SHARD, c0, new Cursor(5, new TreeSet<>(List.of(7L)), 0))
                .orElseThrow();
        assertThat(c1.committed()).isEqualTo(5);
        assertThat(c1.done()).containsExactly(7L);
        assertThat(c1.version()).isNotEqualTo(c0.version());
        assertThat(store.cursor(SUB, SHARD)).isEqualTo(c1);

        assertThat(store.compareAndSetCursor(SUB, SHARD, c0, Cursor.initial(9))).isEmpty();
        assertThat(store.cursor(SUB, SHARD)).isEqualTo(c1);
        Cursor c2 = store.compareAndSetCursor(SUB, SHARD, c1, Cursor.initial(9)).orElseThrow();
        assertThat(c2.committed()).isEqualTo(9);
        assertThat(c2.version()).isNotEqualTo(c1.version());
    }

    @Test
    void compareAndSetCreatesAnAbsentCursor() {
        Cursor absent = store.cursor(SUB, SHARD);
        Cursor stored =
                store.compareAndSetCursor(SUB, SHARD, absent, Cursor.initial(3)).orElseThrow();
        assertThat(store.cursor(SUB, SHARD).committed()).isEqualTo(3);
        assertThat(store.compareAndSetCursor(SUB, SHARD, absent, Cursor.initial(4)))
                .isEmpty();
        assertThat(store.cursor(SUB, SHARD)).isEqualTo(stored);
    }

    @Test
    void markDoneMovesCommittedOverContiguousDoneOffsetsOnly() {
        createTopic(TOPIC, 1);
        store.createSubscription(subscription(TOPIC, SUB), false);
        Cursor c = store.markDone(SUB, SHARD, List.of(1L, 3L));
        assertThat(c.committed()).isZero();
        assertThat(c.done()).containsExactly(1L, 3L);
        c = store.markDone(SUB, SHARD, List.of(0L));
        assertThat(c.committed()).isEqualTo(2);
        assertThat(c.done()).containsExactly(3L);
        c = store.markDone(SUB, SHARD, List.of(2L));
        assertThat(c.committed()).isEqualTo(4);
        assertThat(c.done()).isEmpty();
        assertThat(store.cursor(SUB, SHARD).committed()).isEqualTo(4);
    }

    @Test
    void markDoneIsIdempotentAndNeverMovesBack() {
        createTopic(TOPIC, 1);
        store.createSubscription(subscription(TOPIC, SUB), false);
        Cursor c = store.markDone(SUB, SHARD, List.of(0L, 1L, 2L, 5L));
        Cursor again = store.markDone(SUB, SHARD, List.of(0L, 1L, 2L, 5L));
        assertThat(again.committed()).isEqualTo(3);
        assertThat(again.done()).containsExactly(5L);
        assertThat(again.committed()).isEqualTo(c.committed());
        assertThat(store.markDone(SUB, SHARD, List.of(1L)).committed()).isEqualTo(3);
        assertThat(store.cursor(SUB, SHARD).committed()).isEqualTo(3);
    }

    @Test
    void markDoneDropsTheLeasesOfDoneOffsets() {
        createTopic(TOPIC, 1);
        store.createSubscription(subscription(TOPIC, SUB), false);
        store.append(SHARD, messages("m", 3));
        store.acquire(SUB, SHARD, List.of(0L, 1L, 2L), "c1", now() + 1000, now());
        store.markDone(SUB, SHARD, List.of(0L, 2L));
        assertThat(store.leases(SUB, SHARD, 0, 10)).extracting(Lease::offset).containsExactly(1L);
    }

    @Test
    void concurrentMarkDoneLosesNothing() throws Exception {
        createTopic(TOPIC, 1);
        store.createSubscription(subscription(TOPIC, SUB), false);
        int threads = 4;
        int perThread = 40;
        // thread t acks t, t + threads, t + 2 * threads, ... one call each, so every call races the others
        java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger();
        runConcurrently(threads, () -> {
            int t = ids.getAndIncrement();
            for (int i = 0; i < perThread; i++) {
                store.markDone(SUB, SHARD, List.of((long) t + (long) i * threads));
            }
            return null;
        });
        Cursor c = store.cursor(SUB, SHARD);
        assertThat(c.committed()).isEqualTo((long) threads * perThread);
        assertThat(c.done()).isEmpty();
    }

    // ---- leases -----------------------------------------------------------------------------

    @Test
    void acquireTakesAbsentLeasesWithCountOneInOffsetOrder() {
        long t = now();
        List<Lease> taken = store.acquire(SUB, SHARD, List.of(3L, 1L, 2L), "c1", t + 1000, t);
        assertThat(taken).extracting(Lease::offset).containsExactly(1L, 2L, 3L);
        assertThat(taken).allSatisfy(l -> {
            assertThat(l.owner()).isEqualTo("c1");
            assertThat(l.subscription()).isEqualTo(SUB);
            assertThat(l.shard()).isEqualTo(SHARD);
            assertThat(l.expiresAt()).isEqualTo(t + 1000);
            assertThat(l.deliveryCount()).isEqualTo(1);
        });
        assertThat(store.leases(SUB, SHARD, 0, 10)).containsExactlyElementsOf(taken);
    }

    @Test
    void leaseNextLeasesWhatIsWantedInOffsetOrderUpToMax() {
        long t = now();
        store.append(SHARD, messages("m", 6));
        List<Long> offered = new ArrayList<>();
        LeaseNext got = store.leaseNext(
                SUB,
                SHARD,
                0,
                10,
                2,
                e -> {
                    offered.add(e.offset());
                    return e.offset() != 1; // the caller skips 1 (say, its selector does not match)
                },
                "c1",
                t + 1000,
                t);
        assertThat(got.read().head()).isEqualTo(6);
        assertThat(got.read().entries()).extracting(Entry::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(got.leases()).extracting(Lease::offset).containsExactly(0L, 2L);
        assertThat(got.leases()).allSatisfy(l -> {
            assertThat(l.owner()).isEqualTo("c1");
            assertThat(l.deliveryCount()).isEqualTo(1);
            assertThat(l.expiresAt()).isEqualTo(t + 1000);
        });
        assertThat(offered).containsExactly(0L, 1L, 2L);
        assertThat(got.cursor()).isPresent();
        assertThat(store.leases(SUB, SHARD, 0, 10)).extracting(Lease::offset).containsExactly(0L, 2L);
    }

    @Test
    void leaseNextNeverLeasesADoneOffsetNorOneLeasedElsewhere() {
        long t = now();
        store.append(SHARD, messages("m", 4));
        store.markDone(SUB, SHARD, List.of(1L)); // the caller's view may not show it done yet
        store.acquire(SUB, SHARD, List.of(2L), "other", t + 1000, t);
        LeaseNext got = store.leaseNext(SUB, SHARD, 0, 10, 4, e -> true, "c1", t + 1000, t);
        assertThat(got.leases()).extracting(Lease::offset).containsExactly(0L, 3L);
        assertThat(got.cursor()).hasValueSatisfying(c -> assertThat(c.isDone(1)).isTrue());
        assertThat(store.leases(SUB, SHARD, 0, 10)).extracting(Lease::offset).containsExactly(0L, 2L, 3L);
    }

    @Test
    void acquireNotDoneKeepsNoLeaseOnAnOffsetDoneMeanwhile() {
        long t = now();
        store.append(SHARD, messages("m", 4));
        store.markDone(SUB, SHARD, List.of(1L)); // the caller's view may not show it done yet
        store.acquire(SUB, SHARD, List.of(2L), "other", t + 1000, t);
        Acquired got = store.acquireNotDone(SUB, SHARD, List.of(0L, 1L, 2L, 3L), "c1", t + 1000, t);
        assertThat(got.leases()).extracting(Lease::offset).containsExactly(0L, 3L);
        assertThat(got.leases()).allSatisfy(l -> assertThat(l.owner()).isEqualTo("c1"));
        assertThat(got.cursor()).hasValueSatisfying(c -> assertThat(c.isDone(1)).isTrue());
        assertThat(store.leases(SUB, SHARD, 0, 10)).extracting(Lease::offset).containsExactly(0L, 2L, 3L);
        assertThat(store.acquireNotDone(SUB, SHARD, List.of(1L, 2L), "c1", t + 1000, t)
                        .leases())
                .isEmpty();
    }

    @Test
    void acquireAheadTakesOverAnExpiredLeaseAtItsCountAndLeavesLiveOnesAlone() {
        long t = now();
        store.acquire(SUB, SHARD, List.of(0L, 1L), "dead", t + 1000, t); // taken ahead by a JVM that died
        store.acquire(SUB, SHARD, List.of(1L), "dead", t + 3000, t + 2000); // expired once: count 2
        store.acquire(SUB, SHARD, List.of(2L), "live", t + 9000, t);
        long later = t + 5000;
        Acquired got = store.acquireAhead(SUB, SHARD, List.of(0L, 1L, 2L, 3L), "c1", later + 1000, later);
        assertThat(got.leases()).extracting(Lease::offset).containsExactly(0L, 1L, 3L);
        assertThat(got.leases()).extracting(Lease::deliveryCount).containsExactly(1, 2, 1);
        assertThat(got.leases()).allSatisfy(l -> assertThat(l.owner()).isEqualTo("c1"));
        assertThat(got.cursor()).isPresent();
        // given back uncounted (count 0), then taken ahead again: a delivery count is never 0
        store.giveBack(List.of(got.leases().get(0)), later);
        assertThat(store.acquireAhead(SUB, SHARD, List.of(0L), "c2", later + 1000, later)
                        .leases())
                .extracting(Lease::deliveryCount)
                .containsExactly(1);
        // the ordinary acquire still counts a lease taken over
        assertThat(store.acquire(SUB, SHARD, List.of(3L), "c3", later + 9000, later + 2000))
                .extracting(Lease::deliveryCount)
                .containsExactly(2);
    }

    @Test
    void leaseNextStopsAtAnOffsetWithNoEntryAndLeasesNothingBehindIt() {
        long t = now();
        store.append(SHARD, messages("m", 2));
        long hole = store.reserve(SHARD, 1); // reserved, never written
        store.append(SHARD, messages("n", 2));
        LeaseNext got = store.leaseNext(SUB, SHARD, 0, 10, 10, e -> true, "c1", t + 1000, t);
        assertThat(got.leases()).extracting(Lease::offset).containsExactly(0L, 1L);
        assertThat(got.read().entries())
                .extracting(Entry::offset)
                .doesNotContain(hole)
                .contains(hole + 1);
        LeaseNext none = store.leaseNext(SUB, SHARD, 0, 10, 10, e -> false, "c1", t + 1000, t);
        assertThat(none.leases()).isEmpty();
        assertThat(none.cursor()).isEmpty();
    }

    @Test
    void liveLeaseIsNotTaken() {
        long t = now();
        store.acquire(SUB, SHARD, List.of(1L), "c1", t + 1000, t);
        List<Lease> second = store.acquire(SUB, SHARD, List.of(1L, 2L), "c2", t + 1000, t + 999);
        assertThat(second).extracting(Lease::offset).containsExactly(2L);
        assertThat(store.acquire(SUB, SHARD, List.of(1L), "c1", t + 2000, t + 10))
                .isEmpty();
        // another subscription has its own leases
        assertThat(store.acquire("other", SHARD, List.of(1L), "c3", t + 1000, t))
                .hasSize(1);
    }

    @Test
    void expiredLeaseIsTakenOverWithItsCountIncremented() {
        long t = now();
        Lease first = store.acquire(SUB, SHARD, List.of(5L), "c1", t + 1000, t).get(0);
        advance(Duration.ofMillis(1000));
        Lease second = store.acquire(SUB, SHARD, List.of(5L), "c2", now() + 1000, now())
                .get(0);
        assertThat(second.owner()).isEqualTo("c2");
        assertThat(second.deliveryCount()).isEqualTo(2);
        assertThat(second.version()).isNotEqualTo(first.version());
        // the first owner's lease is gone: it can neither renew nor release it
        assertThat(store.renew(List.of(first), now() + 5000)).isEmpty();
        assertThat(store.release(List.of(first), now())).isEmpty();
        assertThat(store.leases(SUB, SHARD, 0, 10)).containsExactly(second);
    }

    @Test
    void renewNeedsTheCurrentVersion() {
        long t = now();
        Lease l = store.acquire(SUB, SHARD, List.of(1L), "c1", t + 1000, t).get(0);
        Lease renewed = store.renew(List.of(l), t + 5000).get(0);
        assertThat(renewed.expiresAt()).isEqualTo(t + 5000);
        assertThat(renewed.deliveryCount()).isEqualTo(1);
        assertThat(renewed.owner()).isEqualTo("c1");
        assertThat(renewed.version()).isNotEqualTo(l.version());
        assertThat(store.renew(List.of(l), t + 9000)).isEmpty();
        assertThat(store.leases(SUB, SHARD, 0, 10)).containsExactly(renewed);
        // renewed past the original expiry, it is still live
        assertThat(store.acquire(SUB, SHARD, List.of(1L), "c2", t + 9000, t + 2000))
                .isEmpty();
    }

    @Test
    void releaseKeepsTheCountAndMakesTheOffsetAvailableAtTheGivenTime() {
        long t = now();
        Lease l =
                store.acquire(SUB, SHARD, List.of(1L, 2L), "c1", t + 10_000, t).get(0);
        List<Lease> released = store.release(List.of(l), t + 500);
        assertThat(released).singleElement().satisfies(r -> {
            assertThat(r.expiresAt()).isEqualTo(t + 500);
            assertThat(r.deliveryCount()).isEqualTo(1);
            assertThat(r.offset()).isEqualTo(1L);
        });
        assertThat(store.release(List.of(l), t)).isEmpty();
        assertThat(store.acquire(SUB, SHARD, List.of(1L), "c2", t + 10_000, t + 499))
                .isEmpty();
        Lease again = store.acquire(SUB, SHARD, List.of(1L), "c2", t + 10_000, t + 500)
                .get(0);
        assertThat(again.deliveryCount()).isEqualTo(2);
        assertThat(again.owner()).isEqualTo("c2");
    }

    @Test
    void aLeaseGivenBackIsNotCountedAsADelivery() {
        long t = now();
        Lease first =
                store.acquire(SUB, SHARD, List.of(1L), "c1", t + 10_000, t).get(0);
        assertThat(store.giveBack(List.of(first), t)).singleElement().satisfies(r -> {
            assertThat(r.deliveryCount()).isZero();
            assertThat(r.expiresAt()).isEqualTo(t);
        });
        assertThat(store.giveBack(List.of(first), t))
                .as("no longer held as given")
                .isEmpty();
        Lease again =
                store.acquire(SUB, SHARD, List.of(1L), "c2", t + 10_000, t).get(0);
        assertThat(again.deliveryCount()).as("still the first delivery").isEqualTo(1);

        // a redelivery given back stays a redelivery: only its own count is taken back
        Lease released = store.release(List.of(again), t).get(0);
        Lease second =
                store.acquire(SUB, SHARD, List.of(1L), "c3", t + 10_000, t).get(0);
        assertThat(second.deliveryCount()).isEqualTo(2);
        store.giveBack(List.of(second), t);
        assertThat(store.acquire(SUB, SHARD, List.of(1L), "c4", t + 10_000, t)
                        .get(0)
                        .deliveryCount())
                .isEqualTo(2);
        assertThat(released.deliveryCount()).isEqualTo(1);
    }

    @Test
    void renewAndReleaseTakeLeasesOfSeveralSubscriptionsAndShards() {
        long t = now();
        TopicShard other = new TopicShard(TOPIC, 1);
        Lease a = store.acquire(SUB, SHARD, List.of(1L), "c1", t + 1000, t).get(0);
        Lease b = store.acquire(SUB, other, List.of(1L), "c1", t + 1000, t).get(0);
        Lease c = store.acquire("other", SHARD, List.of(1L), "c1", t + 1000, t).get(0);
        assertThat(store.renew(List.of(a, b, c), t + 5000))
                .extracting(Lease::expiresAt)
                .containsExactly(t + 5000, t + 5000, t + 5000);
        assertThat(store.leases(SUB, other, 0, 10).get(0).expiresAt()).isEqualTo(t + 5000);
        List<Lease> current = List.of(
                store.leases(SUB, SHARD, 0, 10).get(0),
                store.leases(SUB, other, 0, 10).get(0),
                store.leases("other", SHARD, 0, 10).get(0));
        assertThat(store.release(current, t)).hasSize(3);
        assertThat(store.acquire("other", SHARD, List.of(1L), "c2", t + 1000, t))
                .singleElement()
                .extracting(Lease::deliveryCount)
                .isEqualTo(2);
    }

    @Test
    void leasesListsARangeLiveOrExpired() {
        long t = now();
        store.acquire(SUB, SHARD, List.of(1L, 2L, 3L, 7L), "c1", t + 1000, t);
        store.acquire(SUB, new TopicShard(TOPIC, 1), List.of(2L), "c1", t + 1000, t);
        advance(Duration.ofSeconds(5));
        assertThat(store.leases(SUB, SHARD, 2, 7)).extracting(Lease::offset).containsExactly(2L, 3L);
        assertThat(store.leases(SUB, SHARD, 0, 100)).extracting(Lease::offset).containsExactly(1L, 2L, 3L, 7L);
        assertThat(store.leases(SUB, SHARD, 5, 5)).isEmpty();
        assertThat(store.leases("other", SHARD, 0, 100)).isEmpty();
    }

    @Test
    void dropLeasesRemovesThem() {
        long t = now();
        store.acquire(SUB, SHARD, List.of(1L, 2L, 3L), "c1", t + 1000, t);
        store.dropLeases(SUB, SHARD, List.of(1L, 3L, 99L));
        assertThat(store.leases(SUB, SHARD, 0, 10)).extracting(Lease::offset).containsExactly(2L);
        // a dropped lease is absent: taking it again starts the count afresh
        assertThat(store.acquire(SUB, SHARD, List.of(1L), "c2", t + 1000, t)
                        .get(0)
                        .deliveryCount())
                .isEqualTo(1);
    }

    @Test
    void concurrentAcquireGivesEachOffsetToExactlyOneOwner() throws Exception {
        long t = now();
        int n = 100;
        Collection<Long> offsets = LongStream.range(0, n).boxed().collect(Collectors.toList());
        List<List<Lease>> results = runConcurrently(
                6,
                () -> store.acquire(
                        SUB, SHARD, offsets, "c-" + Thread.currentThread().getId(), t + 1000, t));
        Set<Long> seen = new HashSet<>();
        for (List<Lease> mine : results) {
            for (Lease l : mine) {
                assertThat(seen.add(l.offset()))
                        .as("offset %d leased twice", l.offset())
                        .isTrue();
            }
        }
        assertThat(seen).hasSize(n);
        // the stored owner of each offset is the one that was told it won
        Map<Long, String> winners =
                results.stream().flatMap(List::stream).collect(Collectors.toMap(Lease::offset, Lease::owner));
        for (Lease l : store.leases(SUB, SHARD, 0, n)) {
            assertThat(l.owner()).isEqualTo(winners.get(l.offset()));
        }
    }

    @Test
    void concurrentTakeoverOfExpiredLeasesHasOneWinnerEach() throws Exception {
        long t = now();
        int n = 50;
        Collection<Long> offsets = LongStream.range(0, n).boxed().collect(Collectors.toList());
        store.acquire(SUB, SHARD, offsets, "dead", t + 1000, t);
        advance(Duration.ofSeconds(2));
        long later = now();
        List<List<Lease>> results = runConcurrently(
                4,
                () -> store.acquire(
                        SUB, SHARD, offsets, "c-" + Thread.currentThread().getId(), later + 1000, later));
        List<Lease> all = results.stream().flatMap(List::stream).collect(Collectors.toList());
        assertThat(all).extracting(Lease::offset).doesNotHaveDuplicates().hasSize(n);
        assertThat(all).allMatch(l -> l.deliveryCount() == 2);
    }

    // ---- prepared transactions (XA) ---------------------------------------------------------

    @Test
    void preparedRecordsAreInsertedOnceChangedByVersionAndListed() {
        byte[] body = "sends and acks".getBytes(StandardCharsets.UTF_8);
        assertThat(store.preparedIds()).isEmpty();
        PreparedRecord first = store.insertPrepared("1.Z3RyaWQ.YnF1YWw", body).orElseThrow();
        assertThat(first.body()).isEqualTo(body);
        assertThat(store.insertPrepared("1.Z3RyaWQ.YnF1YWw", new byte[] {1})).isEmpty();
        store.insertPrepared("2.b3RoZXI.", new byte[] {2}).orElseThrow();
        assertThat(store.preparedIds()).containsExactlyInAnyOrder("1.Z3RyaWQ.YnF1YWw", "2.b3RoZXI.");
        assertThat(store.prepared("1.Z3RyaWQ.YnF1YWw")).contains(first);
        assertThat(store.prepared("nope")).isEmpty();

        PreparedRecord second = store.replacePrepared(first, new byte[] {7, 8}).orElseThrow();
        assertThat(second.version()).isNotEqualTo(first.version());
        assertThat(store.replacePrepared(first, new byte[] {9})).isEmpty(); // stale version
        assertThat(store.prepared("1.Z3RyaWQ.YnF1YWw").orElseThrow().body()).containsExactly(7, 8);

        assertThat(store.deletePrepared("1.Z3RyaWQ.YnF1YWw")).isTrue();
        assertThat(store.deletePrepared("1.Z3RyaWQ.YnF1YWw")).isFalse();
        assertThat(store.replacePrepared(second, new byte[] {9})).isEmpty(); // gone
        assertThat(store.preparedIds()).containsExactly("2.b3RoZXI.");
    }

    @Test
    void aLeaseHeldByATransactionNeverLapsesUntilReleased() {
        createTopic(TOPIC, 1);
        store.createSubscription(subscription(TOPIC, SUB), false);
        store.append(SHARD, messages("m", 2));
        Lease taken = store.acquire(SUB, SHARD, List.of(0L), "c1", now() + 1000, now())
                .get(0);
        Lease held = store.renew(List.of(taken), Lease.HELD_BY_TRANSACTION).get(0);
        assertThat(held.heldByTransaction()).isTrue();

        advance(Duration.ofDays(3));
        assertThat(store.acquire(SUB, SHARD, List.of(0L), "c2", now() + 1000, now()))
                .isEmpty();
        Lease stored = store.leases(SUB, SHARD, 0, 1).get(0);
        assertThat(stored.heldByTransaction()).isTrue();
        assertThat(stored.owner()).isEqualTo("c1");

        assertThat(store.release(List.of(stored), now())).hasSize(1);
        assertThat(store.acquire(SUB, SHARD, List.of(0L), "c2", now() + 1000, now()))
                .singleElement()
                .extracting(Lease::deliveryCount)
                .isEqualTo(2);
    }

    // ---- housekeeping -----------------------------------------------------------------------

    @Test
    void roundTripsCountStoreCalls() {
        long before = store.roundTrips();
        createTopic(TOPIC, 1);
        store.append(SHARD, messages("m", 2));
        store.read(SHARD, 0, 10);
        long after = store.roundTrips();
        assertThat(after).isGreaterThan(before);
        store.head(SHARD);
        assertThat(store.roundTrips()).isGreaterThan(after);
    }

    @Test
    void kindIsNamed() {
        assertThat(store.kind()).isNotBlank();
    }
}
