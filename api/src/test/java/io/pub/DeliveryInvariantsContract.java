package io.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pub.Subscriber.FilterMode;
import io.pub.Subscriber.SubscriberOptions;
import io.pub.spi.Controller;
import io.pub.spi.MutableClock;
import io.pub.spi.OffsetSealedException;
import io.pub.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The delivery invariants of the README (Delivery guarantees), through the engine (Producer, Subscriber, housekeeping),
 * run against every store: each store's test extends this class and opens a fresh, empty store.
 * Time only moves when a test advances the clock.
 */
@Timeout(120)
public abstract class DeliveryInvariantsContract {
    protected static final Duration LEASE = Duration.ofSeconds(30);
    protected static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    protected MutableClock clock;
    protected Controller store;
    protected Pub pub;

    /** Opens a fresh, empty store that reads time from {@code clock}. */
    protected abstract Controller open(MutableClock clock);

    /** Moves time forward (stores with server-side expiry move that too). */
    protected void advance(Duration d) {
        clock.advance(d);
    }

    @BeforeEach
    void openPub() {
        clock = new MutableClock();
        store = open(clock);
        pub = Pub.builder()
                .controller(store)
                .clock(clock)
                .meterRegistry(new SimpleMeterRegistry())
                .config(Pub.Config.defaults()
                        .withShards(4)
                        .withLeaseDuration(LEASE)
                        .withPublishTimeout(PUBLISH_TIMEOUT)
                        .withMaxDeliveries(3, "DLQ")
                        .withHousekeepingInterval(Duration.ZERO))
                .build();
    }

    @AfterEach
    void closePub() {
        if (pub != null) {
            pub.close();
        }
        if (store != null) {
            store.close();
        }
    }

    protected static Message msg(String id) {
        return Message.builder()
                .id(id)
                .body(id.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    protected Subscription shared(String topic, String name) {
        return pub.subscribe(
                new Subscription(topic, name, Subscription.Kind.SHARED_DURABLE, null, false, null, clock.millis()));
    }

    protected Subscriber subscriber(Subscription s) {
        return pub.subscriber(s, pub.subscriberOptions());
    }

    protected static List<String> ids(List<Delivery> ds) {
        return ds.stream().map(d -> d.message().id()).toList();
    }

    /** Polls until nothing more comes, acking everything; returns the ids in delivery order. */
    protected static List<String> drainAndAck(Subscriber s) {
        List<String> out = new ArrayList<>();
        for (int empty = 0; empty < 2; ) {
            List<Delivery> batch = s.poll(100);
            if (batch.isEmpty()) {
                empty++;
                continue;
            }
            empty = 0;
            out.addAll(ids(batch));
            s.ack(batch);
        }
        return out;
    }

    // 1. No loss -------------------------------------------------------------------------------

    @Test
    void everyPublishedMessageReachesEverySubscriptionThatExisted() {
        pub.createTopic("t", 4);
        Subscriber a = subscriber(shared("t", "a"));
        Subscriber b = subscriber(shared("t", "b"));
        Producer p = pub.producer();
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String id = "m" + i;
            sent.add(id);
            p.publish("t", Message.builder().id(id).key("k" + (i % 13)).build());
        }
        Subscriber late = subscriber(shared("t", "late"));
        assertThat(new HashSet<>(drainAndAck(a))).isEqualTo(sent);
        assertThat(new HashSet<>(drainAndAck(b))).isEqualTo(sent);
        assertThat(drainAndAck(late))
                .as("a subscription sees only what was published after it")
                .isEmpty();
    }

    @Test
    void aQueueStartsAtOffsetZeroAndKeepsMessagesUntilConsumed() {
        pub.createQueue("q");
        pub.producer().publish("q", msg("first"));
        Subscription queue = store.subscription("q", Pub.QUEUE_SUBSCRIPTION).orElseThrow();
        assertThat(drainAndAck(subscriber(queue))).containsExactly("first");
    }

    // 2. Lease exclusivity ---------------------------------------------------------------------

    @Test
    void aLiveLeaseKeepsAMessageFromEveryOtherConsumer() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        pub.producer().publishBatch("t", 0, List.of(msg("a"), msg("b"), msg("c")));
        Subscriber one = subscriber(s);
        Subscriber two = subscriber(s);
        List<Delivery> first = one.poll(2);
        assertThat(ids(first)).containsExactly("a", "b");
        assertThat(ids(two.poll(10))).containsExactly("c");
        advance(LEASE.minusSeconds(1));
        assertThat(two.poll(10)).as("leases still live").isEmpty();
    }

    @Test
    void eachPollFindsTheNextFreeMessagePastThoseHeld() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(msg("m" + i));
        }
        pub.producer().publishBatch("t", 0, batch);
        Subscriber mine = subscriber(s);
        Subscriber other = subscriber(s);
        assertThat(ids(other.poll(3))).containsExactly("m0", "m1", "m2");
        for (int i = 3; i < 10; i++) {
            // nothing acked: neither this consumer's own leases nor the other's cost it a poll
            assertThat(ids(mine.poll(1))).containsExactly("m" + i);
        }
        assertThat(mine.poll(1)).isEmpty();
    }

    @Test
    void concurrentConsumersNeverHoldOneMessageTogether() throws Exception {
        int total = 20_000;
        pub.createTopic("load", 4);
        Subscription s = shared("load", "workers");
        Producer p = pub.producer();
        for (int shard = 0; shard < 4; shard++) {
            for (int i = 0; i < total / 4; i += 500) {
                List<Message> batch = new ArrayList<>();
                for (int j = i; j < i + 500; j++) {
                    batch.add(msg(shard + "-" + j));
                }
                p.publishBatch("load", shard, batch);
            }
        }
        Map<String, String> holder = new ConcurrentHashMap<>();
        Set<String> processed = ConcurrentHashMap.newKeySet();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger duplicates = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Subscriber sub = subscriber(s);
            String me = "worker-" + t;
            futures.add(pool.submit(() -> {
                int empty = 0;
                while (empty < 3) {
                    List<Delivery> batch = sub.poll(50);
                    if (batch.isEmpty()) {
                        empty++;
                        continue;
                    }
                    empty = 0;
                    for (Delivery d : batch) {
                        if (holder.putIfAbsent(d.message().id(), me) != null) {
                            overlaps.incrementAndGet();
                        }
                        if (!processed.add(d.message().id())) {
                            duplicates.incrementAndGet();
                        }
                    }
                    for (Delivery d : batch) {
                        holder.remove(d.message().id());
                    }
                    sub.ack(batch);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(110, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(processed).hasSize(total);
        assertThat(overlaps.get())
                .as("messages held by two live leases at once")
                .isZero();
        assertThat(duplicates.get()).as("duplicates without any lease expiring").isZero();
    }

    // Leases taken ahead -------------------------------------------------------------------------

    /** Leases of {@code owner} on offsets of shard 0 in {@code [from, to)} that are live now. */
    private List<Long> liveLeases(Subscription s, String owner, long from, long to) {
        return store.leases(s.id(), new TopicShard(s.topic(), 0), from, to).stream()
                .filter(l -> l.owner().equals(owner) && l.expiresAt() > clock.millis())
                .map(io.pub.spi.Lease::offset)
                .toList();
    }

    /** A subscriber as a {@link Dispatcher} drives it (whose consumers always have room): it leases ahead. */
    private static Subscriber dispatched(Subscriber s) {
        s.admit(m -> true);
        return s;
    }

    /** Default options but for how many offsets a caught-up subscriber leases ahead. */
    private SubscriberOptions leasingAhead(int n) {
        return pub.subscriberOptions().withLeaseAhead(n);
    }

    @Test
    void aCaughtUpSubscriberLeasesAheadAndHandsTheNextMessagesOutUnderThoseLeases() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        SubscriberOptions o = pub.subscriberOptions();
        Subscriber mine = dispatched(pub.subscriber(s, o));
        Subscriber other = pub.subscriber(s, leasingAhead(0)); // competes without leasing ahead itself
        assertThat(mine.poll(10)).isEmpty();
        int ahead = pub.config().leaseAhead();
        assertThat(liveLeases(s, o.owner(), 0, 10_000))
                .as("the offsets past the head, leased before their messages exist")
                .hasSize(ahead)
                .startsWith(0L, 1L);

        pub.producer().publish("t", msg("a"));
        assertThat(other.poll(10)).as("held by the lease taken ahead").isEmpty();
        Delivery a = mine.poll(10).get(0);
        assertThat(a.message().id()).isEqualTo("a");
        assertThat(a.deliveryCount()).isEqualTo(1);
        assertThat(a.redelivered()).isFalse();
        mine.ack(List.of(a));

        // the head passes half of them: the next range is leased, still one write for many messages
        for (int i = 0; i < ahead; i++) {
            pub.producer().publish("t", msg("m" + i));
            Delivery d = mine.poll(10).get(0);
            assertThat(d.message().id()).isEqualTo("m" + i);
            assertThat(d.deliveryCount()).isEqualTo(1);
            mine.ack(List.of(d));
            assertThat(mine.poll(10)).isEmpty();
        }
        assertThat(liveLeases(s, o.owner(), ahead + 1, 10_000)).isNotEmpty();
        assertThat(other.poll(10)).isEmpty();
    }

    @Test
    void leasesTakenAheadAreRenewedAndGivenBackUncountedOnClose() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        SubscriberOptions o = pub.subscriberOptions();
        Subscriber mine = dispatched(pub.subscriber(s, o));
        Subscriber other = pub.subscriber(s, leasingAhead(0));
        assertThat(mine.poll(10)).isEmpty();
        for (int i = 0; i < 3; i++) {
            advance(LEASE.dividedBy(2));
            assertThat(mine.poll(10)).isEmpty(); // its consumers keep asking
            mine.renew(LEASE);
        }
        assertThat(liveLeases(s, o.owner(), 0, 1))
                .as("renewed past the first lease's end")
                .containsExactly(0L);
        pub.producer().publish("t", msg("a"));
        assertThat(other.poll(10)).isEmpty();

        mine.close();
        assertThat(liveLeases(s, o.owner(), 0, 10_000)).as("given back").isEmpty();
        advance(pub.config().rescanInterval()); // the other subscriber looks behind its scan again
        Delivery a = other.poll(10).get(0);
        assertThat(a.message().id()).isEqualTo("a");
        assertThat(a.deliveryCount()).as("never delivered: not counted").isEqualTo(1);
        assertThat(a.redelivered()).isFalse();
    }

    @Test
    void aMessageWrittenUnderTheLeaseOfADeadSubscriberComesAfterTheLeaseMarkedRedelivered() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        Subscriber crashed = dispatched(subscriber(s));
        assertThat(crashed.poll(10)).isEmpty(); // leases ahead, then never polls, renews or closes
        pub.producer().publish("t", msg("a"));
        Subscriber other = pub.subscriber(s, leasingAhead(0));
        assertThat(other.poll(10)).isEmpty();
        advance(LEASE.plusMillis(1));
        Delivery a = other.poll(10).get(0);
        assertThat(a.message().id()).isEqualTo("a");
        // JMSRedelivered is "likely, but not guaranteed" to mean an earlier delivery: a lease was held
        assertThat(a.redelivered()).isTrue();
    }

    @Test
    void aMessageWrittenAfterTheDeadSubscribersLeasesExpiredComesNotRedelivered() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        assertThat(dispatched(subscriber(s)).poll(10)).isEmpty(); // leases ahead, then its JVM dies
        advance(LEASE.plusMillis(1));
        Subscriber next = dispatched(subscriber(s));
        assertThat(next.poll(10)).isEmpty(); // takes the expired leases over, ahead of any message
        pub.producer().publish("t", msg("a"));
        Delivery a = next.poll(10).get(0);
        assertThat(a.message().id()).isEqualTo("a");
        assertThat(a.deliveryCount())
                .as("no delivery was made under the dead one's lease")
                .isEqualTo(1);
        assertThat(a.redelivered()).isFalse();
    }

    @Test
    void noLeasesAheadWhenTurnedOffForAQueueSelectorOrWithoutADispatcher() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        SubscriberOptions off = leasingAhead(0);
        assertThat(dispatched(pub.subscriber(s, off)).poll(10)).isEmpty();
        SubscriberOptions selector = pub.subscriberOptions().withFilter(m -> true, FilterMode.SKIP);
        Subscriber selecting = pub.subscriber(s, selector);
        selecting.admit(m -> true, true); // as a dispatcher whose queue consumer has a selector
        assertThat(selecting.poll(10)).isEmpty();
        SubscriberOptions plain = pub.subscriberOptions();
        assertThat(pub.subscriber(s, plain).poll(10)).isEmpty();
        assertThat(liveLeases(s, off.owner(), 0, 10_000)).isEmpty();
        assertThat(liveLeases(s, selector.owner(), 0, 10_000)).isEmpty();
        assertThat(liveLeases(s, plain.owner(), 0, 10_000)).isEmpty();
        assertThatThrownBy(() -> Pub.Config.defaults().withLeaseAhead(-1)).hasMessageContaining("PUB_LEASE_AHEAD");
    }

    @Test
    void aMessageUnderALeaseAheadWaitsForItsConsumersRoomAndGoesBackUncountedWhenTheyStopPolling() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        SubscriberOptions o = pub.subscriberOptions();
        Subscriber full = pub.subscriber(s, o);
        Subscriber other = pub.subscriber(s, leasingAhead(0));
        full.admit(m -> true);
        assertThat(full.poll(10)).isEmpty();
        full.admit(m -> false); // its consumers' buffers are full
        pub.producer().publish("t", msg("a"));
        assertThat(full.poll(10)).isEmpty();
        assertThat(liveLeases(s, o.owner(), 0, 1))
                .as("held for them, like a prefetch")
                .containsExactly(0L);
        assertThat(other.poll(10)).isEmpty();
        full.admit(m -> true); // room again
        Delivery a = full.poll(10).get(0);
        assertThat(a.message().id()).isEqualTo("a");
        assertThat(a.redelivered()).isFalse();
        full.ack(List.of(a));
        full.close();

        // consumers that stop polling: their shard's leases ahead are given back, not renewed
        SubscriberOptions o2 = pub.subscriberOptions();
        Subscriber idle = dispatched(pub.subscriber(s, o2));
        assertThat(idle.poll(10)).isEmpty();
        assertThat(liveLeases(s, o2.owner(), 1, 2)).containsExactly(1L);
        advance(LEASE.dividedBy(2).plusSeconds(1));
        idle.renew(LEASE.dividedBy(2));
        assertThat(liveLeases(s, o2.owner(), 0, 10_000)).isEmpty();
        pub.producer().publish("t", msg("b"));
        Delivery b = other.poll(10).get(0);
        assertThat(b.message().id()).isEqualTo("b");
        assertThat(b.redelivered()).isFalse();
    }

    // 3. Redelivery ----------------------------------------------------------------------------

    @Test
    void anUnackedMessageIsRedeliveredWithAHigherCountAfterItsLeaseExpires() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        pub.producer().publish("t", msg("x"));
        Subscriber crashed = subscriber(s);
        Delivery first = crashed.poll(1).get(0);
        assertThat(first.deliveryCount()).isEqualTo(1);
        assertThat(first.redelivered()).isFalse();

        Subscriber other = subscriber(s);
        assertThat(other.poll(1)).isEmpty();
        advance(LEASE.plusMillis(1));
        Delivery again = other.poll(1).get(0);
        assertThat(again.message().id()).isEqualTo("x");
        assertThat(again.deliveryCount()).isEqualTo(2);
        assertThat(again.redelivered()).isTrue();
    }

    @Test
    void renewingALeaseKeepsTheMessageDuringLongProcessing() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        pub.producer().publish("t", msg("slow"));
        Subscriber worker = subscriber(s);
        Subscriber other = subscriber(s);
        Delivery d = worker.poll(1).get(0);
        for (int i = 0; i < 5; i++) {
            advance(LEASE.dividedBy(2));
            assertThat(worker.renew(LEASE)).isEqualTo(1);
            assertThat(other.poll(1)).isEmpty();
        }
        worker.ack(List.of(worker.current(d)));
        advance(LEASE.multipliedBy(2));
        assertThat(other.poll(1)).as("acked: never delivered again").isEmpty();
    }

    @Test
    void releaseRedeliversAtOnceOrAfterADelayKeepingTheCount() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        pub.producer().publish("t", msg("r"));
        Subscriber sub = subscriber(s);
        Delivery d = sub.poll(1).get(0);
        sub.release(List.of(d), Duration.ofSeconds(5));
        assertThat(sub.poll(1)).as("not before the redelivery delay").isEmpty();
        advance(Duration.ofSeconds(5));
        Delivery again = sub.poll(1).get(0);
        assertThat(again.deliveryCount()).isEqualTo(2);
        sub.release(List.of(again), Duration.ZERO);
        assertThat(sub.poll(1).get(0).deliveryCount()).isEqualTo(3);
    }

    @Test
    void afterMaxDeliveriesAMessageMovesToTheDeadLetterQueueWithItsOrigin() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        pub.producer().publish("t", msg("poison"));
        Subscriber sub = subscriber(s);
        for (int i = 1; i <= 3; i++) {
            Delivery d = sub.poll(1).get(0);
            assertThat(d.deliveryCount()).isEqualTo(i);
            sub.release(List.of(d), Duration.ZERO);
        }
        assertThat(sub.poll(1))
                .as("the fourth delivery goes to the dead-letter queue")
                .isEmpty();
        Subscription dlq = store.subscription("DLQ", Pub.QUEUE_SUBSCRIPTION).orElseThrow();
        List<Delivery> dead = subscriber(dlq).poll(10);
        assertThat(ids(dead)).containsExactly("poison");
        Map<String, Object> props = dead.get(0).message().properties();
        assertThat(props).containsEntry(DeadLetters.ORIGINAL_TOPIC, "t");
        assertThat(props).containsEntry(DeadLetters.DELIVERY_COUNT, 3);
        assertThat(store.cursor("s", new TopicShard("t", 0)).committed()).isEqualTo(1);
    }

    // 4. Cursor --------------------------------------------------------------------------------

    @Test
    void theCursorMovesOnlyOverDoneOffsetsAndNeverBack() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        TopicShard shard = new TopicShard("t", 0);
        pub.producer().publishBatch("t", 0, List.of(msg("0"), msg("1"), msg("2")));
        Subscriber sub = subscriber(s);
        List<Delivery> all = sub.poll(3);
        sub.ack(List.of(all.get(1), all.get(2)));
        assertThat(store.cursor("s", shard).committed())
                .as("offset 0 is not done")
                .isZero();
        sub.ack(List.of(all.get(0)));
        assertThat(store.cursor("s", shard).committed()).isEqualTo(3);
        sub.ack(List.of(all.get(0)));
        assertThat(store.cursor("s", shard).committed()).as("never back").isEqualTo(3);
    }

    @Test
    void aTopicSelectorMakesNonMatchingMessagesDoneWhileAQueueSelectorLeavesThem() {
        pub.createTopic("t", 1);
        TopicShard shard = new TopicShard("t", 0);
        Subscription topicSub = shared("t", "selective");
        Subscription queueLike = shared("t", "queue-like");
        pub.producer()
                .publishBatch(
                        "t",
                        0,
                        List.of(
                                Message.builder()
                                        .id("red")
                                        .property("color", "red")
                                        .build(),
                                Message.builder()
                                        .id("blue")
                                        .property("color", "blue")
                                        .build()));
        SubscriberOptions redOnly = pub.subscriberOptions();
        Subscriber done = pub.subscriber(
                topicSub, redOnly.withFilter(m -> "red".equals(m.properties().get("color")), FilterMode.DONE));
        Subscriber skip = pub.subscriber(
                queueLike, redOnly.withFilter(m -> "red".equals(m.properties().get("color")), FilterMode.SKIP));
        assertThat(drainAndAck(done)).containsExactly("red");
        assertThat(store.cursor("selective", shard).committed()).isEqualTo(2);
        assertThat(drainAndAck(skip)).containsExactly("red");
        assertThat(store.cursor("queue-like", shard).committed())
                .as("blue stays for another consumer")
                .isEqualTo(1);
        assertThat(drainAndAck(subscriber(queueLike))).containsExactly("blue");
    }

    // 5. Holes ---------------------------------------------------------------------------------

    @Test
    void aHoleIsSealedAfterThePublishTimeoutAndTheLateProducerLoses() {
        unwrittenOffsetsAreSealedAfterOneTimeout(1); // a producer that dies before inserting
    }

    @Test
    void aReservationWiderThanTheReadWindowIsSealedAfterOnePublishTimeout() {
        // a batch whose producer died after reserving its offsets: every window of it ages at once,
        // not one window per timeout
        unwrittenOffsetsAreSealedAfterOneTimeout(3 * pub.subscriberOptions().readWindow() + 7);
    }

    /** {@code width} offsets reserved and never written, a message behind them: sealed after one timeout. */
    private void unwrittenOffsetsAreSealedAfterOneTimeout(int width) {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        TopicShard shard = new TopicShard("t", 0);
        long first = store.reserve(shard, width);
        pub.producer().publish("t", msg("after"));
        Subscriber sub = subscriber(s);
        assertThat(drainAndAck(sub))
                .as("offset order: nothing behind an offset still being written")
                .isEmpty();
        advance(PUBLISH_TIMEOUT.minusSeconds(1));
        assertThat(drainAndAck(sub)).isEmpty();
        assertThat(store.cursor("s", shard).committed())
                .as("not sealed before the timeout")
                .isEqualTo(first);
        advance(Duration.ofSeconds(2));
        assertThat(drainAndAck(sub)).containsExactly("after");
        assertThat(store.cursor("s", shard).committed()).isEqualTo(first + width + 1);
        for (long o : List.of(first, first + width - 1)) {
            assertThatThrownBy(() -> store.insert(shard, o, List.of(msg("late"))))
                    .isInstanceOf(OffsetSealedException.class);
        }
    }

    @Test
    void aSlowProducerThatWinsTheRaceIsDeliveredNotSkipped() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        TopicShard shard = new TopicShard("t", 0);
        long slot = store.reserve(shard, 1);
        Subscriber sub = subscriber(s);
        assertThat(sub.poll(10)).isEmpty();
        store.insert(shard, slot, List.of(msg("slow-but-in-time")));
        advance(PUBLISH_TIMEOUT.plusSeconds(1));
        assertThat(drainAndAck(sub)).containsExactly("slow-but-in-time");
    }

    @Test
    void aReservedBlockLeftUnwrittenIsSealedAfterThePublishTimeoutAndNothingBehindItIsLost() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        TopicShard shard = new TopicShard("t", 0);
        long unused = store.reserve(shard, 5); // reserved for a batch; its producer died before writing
        long partial = store.reserve(shard, 4); // another died half-way through writing its batch
        store.insert(shard, partial, List.of(msg("p0"), msg("p1")));
        pub.producer().publish("t", List.of(msg("a1"), msg("a2")));
        Subscriber sub = subscriber(s);
        assertThat(drainAndAck(sub)).as("behind the unwritten block").isEmpty();
        advance(PUBLISH_TIMEOUT.minusSeconds(1));
        assertThat(drainAndAck(sub)).isEmpty();
        advance(Duration.ofSeconds(2));
        assertThat(drainAndAck(sub)).containsExactly("p0", "p1", "a1", "a2");
        assertThat(store.cursor("s", shard).committed()).isEqualTo(store.head(shard));
        assertThatThrownBy(() -> store.insert(shard, unused + 4, List.of(msg("late"))))
                .isInstanceOf(OffsetSealedException.class);
        assertThatThrownBy(() -> store.insert(shard, partial + 2, List.of(msg("late"))))
                .isInstanceOf(OffsetSealedException.class);
        pub.producer().publish("t", msg("a3"));
        assertThat(drainAndAck(sub)).as("what comes next waits for nothing").containsExactly("a3");
    }

    // 6. Order ---------------------------------------------------------------------------------

    @Test
    void aLaterOffsetWrittenFirstWaitsForTheEarlierOne() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        TopicShard shard = new TopicShard("t", 0);
        long first = store.reserve(shard, 1); // producer A reserves, is slow to insert
        pub.producer().publishBatch("t", 0, List.of(msg("second"))); // producer B is quick
        Subscriber sub = subscriber(s);
        assertThat(sub.poll(10)).isEmpty();
        store.insert(shard, first, List.of(msg("first")));
        assertThat(drainAndAck(sub)).containsExactly("first", "second");
    }

    @Test
    void withinAShardMessagesArriveInOffsetOrderAndAKeyPicksOneShard() {
        pub.createTopic("t", 4);
        Subscription s = shared("t", "s");
        Producer p = pub.producer();
        for (int i = 0; i < 100; i++) {
            p.publish("t", Message.builder().id("g-" + i).key("group-1").build());
        }
        Subscriber sub = subscriber(s);
        List<Delivery> all = new ArrayList<>();
        for (List<Delivery> batch = sub.poll(7); !batch.isEmpty(); batch = sub.poll(7)) {
            all.addAll(batch);
            sub.ack(batch);
        }
        assertThat(all).extracting(d -> d.shard().shard()).containsOnly(p.shardFor("t", "group-1"));
        for (int i = 0; i < 100; i++) {
            assertThat(all.get(i).message().id()).isEqualTo("g-" + i);
        }
    }

    // expiry and delay -------------------------------------------------------------------------

    @Test
    void anExpiredMessageIsNeverDeliveredAndIsDone() {
        Subscription s = expiredThen("long");
        assertThat(drainAndAck(subscriber(s))).containsExactly("long");
        assertThat(store.cursor("s", new TopicShard("t", 0)).committed()).isEqualTo(2);
    }

    /**
     * Topic "t" (one shard) with subscription "s", holding a message "short" that expired (the clock
     * moved 2 s past its 1 s time to live) and then {@code next}.
     */
    private Subscription expiredThen(String next) {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        pub.producer()
                .publishBatch(
                        "t",
                        0,
                        List.of(
                                Message.builder()
                                        .id("short")
                                        .expiration(clock.millis() + 1000)
                                        .build(),
                                msg(next)));
        advance(Duration.ofSeconds(2));
        return s;
    }

    @Test
    void aDelayedMessageWaitsForItsTimeWithoutBlockingTheOnesBehindIt() {
        pub.createTopic("t", 1);
        Subscription s = shared("t", "s");
        long now = clock.millis();
        pub.producer()
                .publishBatch(
                        "t",
                        0,
                        List.of(
                                Message.builder()
                                        .id("later")
                                        .deliveryTime(now + 60_000)
                                        .build(),
                                msg("now")));
        Subscriber sub = subscriber(s);
        assertThat(drainAndAck(sub)).containsExactly("now");
        advance(Duration.ofSeconds(61));
        assertThat(drainAndAck(sub)).containsExactly("later");
    }

    // 8. Retention -----------------------------------------------------------------------------

    @Test
    void messagesAreRemovedOnceEverySubscriptionPassedThemAndNotBefore() {
        pub.createTopic("t", 1);
        TopicShard shard = new TopicShard("t", 0);
        Subscriber fast = subscriber(shared("t", "fast"));
        Subscriber slow = subscriber(shared("t", "slow"));
        pub.producer().publishBatch("t", 0, List.of(msg("a"), msg("b")));
        drainAndAck(fast);
        pub.housekeep();
        assertThat(store.read(shard, 0, 10).entries())
                .as("slow has not read them")
                .hasSize(2);
        drainAndAck(slow);
        pub.housekeep();
        assertThat(store.read(shard, 0, 10).entries()).isEmpty();
    }

    @Test
    void aTopicWithoutSubscriptionsKeepsNothingAndExpiredMessagesGo() {
        pub.createTopic("nobody", 1);
        pub.producer().publish("nobody", msg("lost-to-nobody"));
        pub.housekeep();
        assertThat(store.read(new TopicShard("nobody", 0), 0, 10).entries()).isEmpty();

        pub.createTopic("t", 1);
        shared("t", "s");
        pub.producer()
                .publish(
                        "t",
                        Message.builder()
                                .id("e")
                                .expiration(clock.millis() + 1000)
                                .build());
        pub.housekeep();
        assertThat(store.read(new TopicShard("t", 0), 0, 10).entries()).hasSize(1);
        advance(Duration.ofSeconds(2));
        pub.housekeep();
        assertThat(store.read(new TopicShard("t", 0), 0, 10).entries())
                .as("the expired message is gone; its tombstone waits for the subscription to pass it")
                .allMatch(io.pub.spi.Entry::isTombstone)
                .hasSize(1);
    }

    @Test
    void anExpiredMessageHousekeepingRemovedDoesNotHoldBackTheOnesBehindIt() {
        Subscription s = expiredThen("behind");
        pub.housekeep(); // before any consumer read the shard
        // at once: not after the publish timeout, as for an offset a producer reserved and never wrote
        assertThat(drainAndAck(subscriber(s))).containsExactly("behind");
        assertThat(store.cursor("s", new TopicShard("t", 0)).committed()).isEqualTo(2);
        pub.housekeep();
        assertThat(store.read(new TopicShard("t", 0), 0, 10).entries()).isEmpty();
    }

    @Test
    void aSubscriptionWhoseOwnerHeartbeatLapsedIsReaped() {
        pub.createTopic("t", 1);
        store.claim("hb:conn-1", "hb:conn-1", clock.millis() + 5000, clock.millis());
        pub.subscribe(
                new Subscription("t", "nd-1", Subscription.Kind.NON_DURABLE, null, false, "hb:conn-1", clock.millis()));
        pub.housekeep();
        assertThat(store.subscription("t", "nd-1")).isPresent();
        advance(Duration.ofSeconds(6));
        pub.housekeep();
        assertThat(store.subscription("t", "nd-1")).isEmpty();
    }

    // bad input --------------------------------------------------------------------------------

    @Test
    void badArgumentsAreRejectedWithTheirNameAndNothingIsStored() {
        pub.createTopic("t", 2);
        Producer p = pub.producer();
        assertThatThrownBy(() -> pub.createTopic("", 1)).hasMessageContaining("topic must not be empty");
        assertThatThrownBy(() -> pub.createTopic("x".repeat(101), 1)).hasMessageContaining("at most 100");
        assertThatThrownBy(() -> pub.createTopic("a/b", 1)).hasMessageContaining("may contain only");
        assertThatThrownBy(() -> pub.createTopic("t", 3)).hasMessageContaining("2 shards");
        assertThatThrownBy(() -> p.publishBatch("t", 2, List.of(msg("x")))).hasMessageContaining("shard");
        assertThatThrownBy(() -> p.publishBatch("t", 0, List.of())).hasMessageContaining("messages");
        assertThatThrownBy(() -> p.publish("missing", msg("x"))).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> Message.builder()
                        .body(new byte[Message.MAX_BODY_BYTES + 1])
                        .build())
                .hasMessageContaining("body must be at most 16 MiB");
        assertThatThrownBy(() -> subscriber(shared("t", "s")).poll(0)).hasMessageContaining("max must be >= 1");
        assertThat(store.head(new TopicShard("t", 0))).isZero();
        assertThat(store.head(new TopicShard("t", 1))).isZero();
    }
}
