package io.pub;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.spi.Controller;
import io.pub.spi.MutableClock;
import io.pub.spi.StoreException;
import io.pub.spi.Subscription;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One reader per subscription per engine ({@link Dispatcher}), shared by its local receivers: each
 * shard is read once for all of them, prefetch and selectors decide who gets what, a closing
 * receiver's buffer goes to the others, and nothing leased is ever out of every receiver's hands.
 * Each store's test extends this class and opens a fresh, empty store.
 */
@Timeout(60)
public abstract class DispatcherContract {
    private static final int SHARDS = 4;

    private MutableClock clock;
    private Controller store;
    private Pub pub;
    /** Reads of messages (read and leaseNext calls) made through the engine. */
    private final AtomicInteger reads = new AtomicInteger();
    /** While set, every markDone fails (a store that refuses writes for a moment). */
    private final AtomicBoolean markDoneFails = new AtomicBoolean();
    /** Runs (once) before the next read of the store: what happens while a read is in flight. */
    private final AtomicReference<Runnable> beforeRead = new AtomicReference<>();

    private Subscription queue;

    /** Opens a fresh, empty store that reads time from {@code clock}. */
    protected abstract Controller open(MutableClock clock);

    @BeforeEach
    void openPub() {
        clock = new MutableClock();
        store = open(clock);
        Controller counting = (Controller) Proxy.newProxyInstance(
                Controller.class.getClassLoader(), new Class<?>[] {Controller.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("read") || name.equals("leaseNext")) {
                        reads.incrementAndGet();
                        Runnable hook = beforeRead.getAndSet(null);
                        if (hook != null) {
                            hook.run();
                        }
                    }
                    if (name.equals("markDone") && markDoneFails.get()) {
                        throw new StoreException("markDone refused");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        pub = Pub.builder()
                .controller(counting)
                .clock(clock)
                .meterRegistry(null)
                .config(Pub.Config.defaults()
                        .withShards(SHARDS)
                        .withLeaseDuration(Duration.ofSeconds(30))
                        .withHousekeepingInterval(Duration.ZERO))
                .build();
        queue = pub.createQueue("q");
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

    private Receiver receiver(int prefetch) {
        return receiver(prefetch, null);
    }

    private Receiver receiver(int prefetch, Predicate<Message> filter) {
        Subscriber.SubscriberOptions o = pub.subscriberOptions().withFilter(filter, Subscriber.FilterMode.SKIP);
        return pub.receiver(queue, o, Receiver.Options.of(prefetch));
    }

    private Dispatcher dispatcher() {
        return pub.dispatcher("q", queue.id());
    }

    private void publish(int shard, String... ids) {
        List<Message> ms = new ArrayList<>();
        for (String id : ids) {
            ms.add(msg(id, null));
        }
        pub.producer().publishBatch("q", shard, ms);
    }

    private static Message msg(String id, String colour) {
        Message.Builder b = Message.builder().id(id).body(id.getBytes(StandardCharsets.UTF_8));
        return colour == null ? b.build() : b.header("colour", colour).build();
    }

    private static Predicate<Message> colour(String c) {
        return m -> c.equals(m.headers().get("colour"));
    }

    private static List<String> ids(List<Delivery> ds) {
        return ds.stream().map(d -> d.message().id()).toList();
    }

    @Test
    void aReadDuringTheLastReceiversCloseMarksNothingDoneThatItsSelectorTakes() {
        // a topic subscription's selector: what it refuses is done; what it takes must never be
        Subscriber.SubscriberOptions o = pub.subscriberOptions().withFilter(m -> true, Subscriber.FilterMode.DONE);
        Receiver a = pub.receiver(queue, o, Receiver.Options.of(5));
        publish(0, "m0");
        Delivery handed = a.take(); // handed out and not settled: a stays registered after its close
        assertThat(handed).isNotNull();
        publish(0, "m1", "m2");
        beforeRead.set(a::close); // the consumer closes while its read is in flight
        a.take();

        assertThat(store.cursor(queue.id(), new TopicShard("q", 0)).isDone(1))
                .as("m1 was not refused by the selector: not done")
                .isFalse();
        a.ack(List.of(handed));
        Receiver b = pub.receiver(queue, o, Receiver.Options.of(5));
        List<Delivery> rest = b.take(10);
        assertThat(ids(rest)).containsExactly("m1", "m2");
        assertThat(rest).noneMatch(Delivery::redelivered);
    }

    @Test
    void twoReceiversOfOneSubscriptionReadEachShardOnce() {
        Receiver a = receiver(4);
        Receiver b = receiver(4);
        assertThat(b.take()).isNull(); // b has asked: the reader fills it from now on
        for (int s = 0; s < SHARDS; s++) {
            publish(s, "s" + s + "-1", "s" + s + "-2");
        }
        reads.set(0);

        List<Delivery> got = new ArrayList<>(a.take(8));
        assertThat(reads.get()).as("one read per shard serves both receivers").isEqualTo(SHARDS);
        got.addAll(b.take(8));
        assertThat(reads.get()).as("b was served from its buffer").isEqualTo(SHARDS);
        assertThat(ids(got)).hasSize(8).doesNotHaveDuplicates();
        assertThat(a.outstanding()).isNotEmpty();
        assertThat(b.outstanding()).isNotEmpty();

        a.ack(got.subList(0, 4));
        b.ack(got.subList(4, 8));
        a.close();
        b.close();
        assertThat(dispatcher()).as("closed with its last receiver").isNull();
    }

    @Test
    void prefetchIsHonouredPerReceiver() {
        Receiver a = receiver(2);
        Receiver b = receiver(3);
        assertThat(b.take()).isNull();
        publish(0, "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10");

        Delivery first = a.take();
        assertThat(first.message().id()).isEqualTo("m1");
        assertThat(dispatcher().subscriber().outstanding())
                .as("leased: a's two and b's three, no more")
                .hasSize(5);
        assertThat(a.bufferedCount()).isEqualTo(1);
        assertThat(b.bufferedCount()).isEqualTo(3);
        assertThat(ids(b.take(10))).containsExactly("m3", "m4", "m5");
        // the rest stays under the leases b's reader took ahead before the publish, in no receiver's
        // hands until one has room
        assertThat(dispatcher().unaccounted()).isEmpty();
        assertThat(dispatcher().subscriber().outstanding()).hasSize(5);
    }

    @Test
    void messagesLeftForLackOfRoomAreLeasedByTheNextReadWithoutWaitingForARescan() {
        Receiver one = receiver(1);
        publish(0, "m1", "m2", "m3", "m4", "m5");
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // the clock stands still: no rescan comes to the rescue
            Delivery d = one.take();
            assertThat(d).as("delivery " + (i + 1)).isNotNull();
            got.add(d.message().id());
            one.ack(List.of(d));
        }
        assertThat(got).containsExactly("m1", "m2", "m3", "m4", "m5");
    }

    @Test
    void aMessageOneReceiversSelectorRefusesGoesToTheLocalReceiverWhoseSelectorTakesIt() {
        Receiver reds = receiver(5, colour("red"));
        Receiver blues = receiver(5, colour("blue"));
        assertThat(blues.take()).isNull();
        pub.producer().publishBatch("q", 0, List.of(msg("b1", "blue"), msg("g1", "green"), msg("r1", "red")));
        reads.set(0);

        assertThat(reds.take().message().id()).isEqualTo("r1");
        assertThat(blues.bufferedCount()).as("routed by reds' read").isEqualTo(1);
        Delivery blue = blues.take();
        assertThat(blue.message().id()).isEqualTo("b1");
        assertThat(blue.redelivered()).isFalse();
        assertThat(reads.get()).isEqualTo(SHARDS);
        // green: wanted by nobody here, so neither leased nor done (left for other JVMs' consumers)
        TopicShard shard = new TopicShard("q", 0);
        assertThat(store.leases(queue.id(), shard, 1, 2)).isEmpty();
        assertThat(store.cursor(queue.id(), shard).isDone(1)).isFalse();
    }

    @Test
    void aClosingReceiverGivesItsBufferedDeliveriesToTheOthers() {
        Receiver a = receiver(5);
        Receiver b = receiver(5);
        publish(0, "m1", "m2", "m3", "m4");

        Delivery handed = a.take(); // only a has asked: all four go into its buffer
        assertThat(a.bufferedCount()).isEqualTo(3);
        reads.set(0);
        a.close();
        List<Delivery> rest = b.take(10);
        assertThat(ids(rest)).containsExactly("m2", "m3", "m4");
        assertThat(rest).allSatisfy(d -> assertThat(d.redelivered())
                .as("never handed out: not a redelivery")
                .isFalse());
        assertThat(reads.get()).as("given from a's buffer, not read again").isZero();

        assertThat(dispatcher()).as("a still has a delivery to settle").isNotNull();
        a.ack(List.of(handed)); // a closed receiver settles what it handed out
        b.ack(rest);
        b.close();
        assertThat(dispatcher()).isNull();
    }

    @Test
    void theLastReceiverClosingGivesBackWhatItBufferedUncounted() {
        Receiver a = receiver(5);
        publish(0, "m1", "m2");
        Delivery handed = a.take();
        a.ack(List.of(handed));
        a.close();
        assertThat(dispatcher()).isNull();

        Receiver again = receiver(5);
        Delivery d = again.take();
        assertThat(d.message().id()).isEqualTo("m2");
        assertThat(d.redelivered()).as("never handed out: not a redelivery").isFalse();
        assertThat(d.deliveryCount()).isEqualTo(1);
    }

    @Test
    void whatAPollLeasedBeforeAStoreFailureIsStillBuffered() {
        Receiver a = receiver(10);
        pub.producer()
                .publishBatch(
                        "q",
                        0,
                        List.of(
                                msg("m1", null),
                                Message.builder()
                                        .id("gone")
                                        .body(new byte[1])
                                        .expiration(clock.millis() + 1_000)
                                        .build(),
                                msg("m3", null)));
        clock.advance(Duration.ofSeconds(2)); // "gone" expired: the poll marks it done after leasing
        markDoneFails.set(true);

        Delivery first = a.take();
        assertThat(first).isNotNull();
        assertThat(dispatcher().unaccounted()).isEmpty();
        markDoneFails.set(false);
        List<Delivery> all = new ArrayList<>(List.of(first));
        all.addAll(a.take(10));
        assertThat(ids(all)).containsExactly("m1", "m3");
        assertThat(dispatcher().unaccounted()).isEmpty();
    }

    @Test
    void aPollThatFailsAfterLeasingStillReturnsWhatItLeased() {
        Subscriber sub = pub.subscriber(queue, pub.subscriberOptions());
        pub.producer()
                .publishBatch(
                        "q",
                        0,
                        List.of(
                                msg("m1", null),
                                Message.builder()
                                        .id("gone")
                                        .body(new byte[1])
                                        .expiration(clock.millis() + 1_000)
                                        .build()));
        clock.advance(Duration.ofSeconds(2));
        markDoneFails.set(true); // the poll's markDone of the expired message fails after m1 was leased

        List<Delivery> polled = sub.poll(0, 10);
        assertThat(ids(polled)).containsExactly("m1");
        assertThat(ids(sub.outstanding())).containsExactly("m1");
        markDoneFails.set(false);
        sub.close();
    }

    @Test
    void nothingLeasedIsEverOutOfEveryReceiversHands() throws Exception {
        int count = 300;
        for (int i = 0; i < count; i++) {
            publish(i % SHARDS, "m" + i);
        }
        Set<String> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        for (int t = 0; t < 3; t++) {
            long seed = t;
            threads.add(start(failures, () -> {
                Random random = new Random(seed);
                Receiver r = receiver(1 + random.nextInt(5));
                try {
                    while (!stop.get()) {
                        switch (random.nextInt(6)) {
                            case 0 -> { // a consumer goes and another comes
                                r.close();
                                r = receiver(1 + random.nextInt(5));
                            }
                            case 1 -> {
                                Delivery d = r.take();
                                if (d != null) {
                                    r.release(List.of(d), Duration.ZERO);
                                }
                            }
                            default -> {
                                List<Delivery> ds = r.take(3);
                                r.ack(ds);
                                ds.forEach(d -> acked.add(d.message().id()));
                            }
                        }
                        Dispatcher d = dispatcher();
                        if (d != null) {
                            List<Delivery> lost = d.unaccounted();
                            if (!lost.isEmpty()) {
                                failures.add(new AssertionError("leased but in nobody's hands: " + ids(lost)));
                            }
                        }
                    }
                } finally {
                    r.close();
                }
            }));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (acked.size() < count && failures.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        stop.set(true);
        for (Thread th : threads) {
            th.join();
        }
        assertThat(failures).isEmpty();
        assertThat(acked).hasSize(count);
        assertThat(new HashSet<>(acked)).hasSize(count);
        assertThat(dispatcher()).isNull();
    }

    /** Receivers taking at the same time each get every shard's messages in offset order, and every message once. */
    @Test
    void receiversTakingAtOnceEachGetEveryShardInOrder() throws Exception {
        int perShard = 400;
        for (int i = 0; i < perShard; i++) {
            for (int shard = 0; shard < SHARDS; shard++) {
                publish(shard, "m" + shard + "-" + i);
            }
        }
        int total = perShard * SHARDS;
        Set<String> taken = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Receiver r = receiver(1 + 7 * t);
            threads.add(start(failures, () -> {
                long[] last = new long[SHARDS];
                java.util.Arrays.fill(last, -1);
                try {
                    while (taken.size() < total && failures.isEmpty()) {
                        List<Delivery> ds = r.take(5);
                        for (Delivery d : ds) {
                            int shard = d.shard().shard();
                            if (d.offset() <= last[shard]) {
                                failures.add(new AssertionError(
                                        "offset " + d.offset() + " of shard " + shard + " after " + last[shard]));
                            }
                            last[shard] = d.offset();
                            if (!taken.add(d.message().id())) {
                                duplicates.incrementAndGet();
                            }
                        }
                        r.ack(ds);
                    }
                } finally {
                    r.close();
                }
            }));
        }
        for (Thread th : threads) {
            th.join(Duration.ofSeconds(40).toMillis());
        }
        assertThat(failures).isEmpty();
        assertThat(taken).hasSize(total);
        assertThat(duplicates).hasValue(0);
    }

    private interface Work {
        void run() throws Exception;
    }

    /** A started thread running {@code work}; what it throws goes to {@code failures}. */
    private static Thread start(List<Throwable> failures, Work work) {
        Thread th = new Thread(() -> {
            try {
                work.run();
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        th.start();
        return th;
    }

    /** Live leases on offsets of shard 0 of the queue from {@code from} on. */
    private long liveLeasesFrom(long from) {
        return store.leases(queue.id(), new TopicShard("q", 0), from, from + 10_000).stream()
                .filter(l -> l.expiresAt() > clock.millis())
                .count();
    }

    @Test
    void aReaderWhoseConsumersSelectNothingLeasesAheadAndOneWithAQueueSelectorDoesNot() {
        Receiver plain = receiver(5);
        assertThat(plain.take()).isNull(); // caught up: the next offsets are leased ahead
        assertThat(liveLeasesFrom(0)).isEqualTo(pub.config().leaseAhead());
        publish(0, "a");
        Delivery a = plain.take();
        assertThat(a.message().id()).isEqualTo("a");
        plain.ack(List.of(a));
        plain.close();
        assertThat(liveLeasesFrom(1)).as("given back when the reader closes").isZero();

        Receiver choosy = receiver(5, colour("red"));
        assertThat(choosy.take()).isNull();
        assertThat(liveLeasesFrom(1))
                .as("a queue selector would hold what others want")
                .isZero();
        choosy.close();
    }
}
