package io.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pub.spi.Controller;
import io.pub.spi.MutableClock;
import io.pub.spi.Subscription;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** In-JVM publish signals, polls that skip quiet shards, and claims among one JVM's consumers. */
@Timeout(30)
class WakeupsTest {
    private static final Duration LONG = Duration.ofHours(1);

    private MutableClock clock;
    private Controller store;
    private Pub pub;

    @BeforeEach
    void open() {
        clock = new MutableClock();
        store = Stores.open("mem:wakeups-" + UUID.randomUUID(), Settings.only(Map.of()), clock);
        pub = Pub.builder()
                .controller(store)
                .clock(clock)
                .meterRegistry(new SimpleMeterRegistry())
                .config(Pub.Config.defaults().withShards(2).withHousekeepingInterval(Duration.ZERO))
                .build();
    }

    @AfterEach
    void close() {
        pub.close();
        store.close();
    }

    private static Message msg(String id) {
        return Message.builder()
                .id(id)
                .body(id.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    private Subscriber subscriber(Subscription s) {
        return pub.subscriber(s, pub.subscriberOptions());
    }

    private Subscription shared(String topic) {
        return pub.subscribe(
                new Subscription(topic, "s", Subscription.Kind.SHARED_DURABLE, null, false, null, clock.millis()));
    }

    @Test
    void aPublishRunsTheWakeupsOfItsTopicOnly() throws Exception {
        pub.createTopic("a");
        pub.createTopic("b");
        Subscriber sub = subscriber(shared("a"));
        AtomicInteger woken = new AtomicInteger();
        AutoCloseable registration = sub.onPublish(woken::incrementAndGet);

        pub.producer().publish("a", msg("1"));
        pub.producer().publish("b", msg("2"));
        assertThat(woken).hasValue(1);

        registration.close();
        pub.producer().publish("a", msg("3"));
        assertThat(woken).hasValue(1);
    }

    @Test
    void aStoreThatSignalsReadableWritesWakesConsumersDuringThePublishAndTheProducerDoesNotAgain() {
        // the memory store, made to tell of each append while the call is still running, as the
        // embedded store does once a write is readable and before its fsync
        List<Consumer<TopicShard>> listeners = new CopyOnWriteArrayList<>();
        AtomicBoolean appending = new AtomicBoolean();
        Controller mem = Stores.open("mem:signalling-" + UUID.randomUUID(), Settings.only(Map.of()), clock);
        Controller signalling = (Controller) Proxy.newProxyInstance(
                Controller.class.getClassLoader(), new Class<?>[] {Controller.class}, (proxy, method, args) -> {
                    if (method.getName().equals("onReadable")) {
                        @SuppressWarnings("unchecked")
                        Consumer<TopicShard> l = (Consumer<TopicShard>) args[0];
                        listeners.add(l);
                        return true;
                    }
                    boolean append = method.getName().equals("append");
                    appending.set(append);
                    try {
                        Object result = method.invoke(mem, args);
                        if (append) {
                            listeners.forEach(l -> l.accept((TopicShard) args[0]));
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        appending.set(false);
                    }
                });
        try (Pub signalled = Pub.builder()
                .controller(signalling)
                .clock(clock)
                .meterRegistry(new SimpleMeterRegistry())
                .config(Pub.Config.defaults().withShards(1).withHousekeepingInterval(Duration.ZERO))
                .build()) {
            signalled.createTopic("t");
            Subscriber sub = signalled.subscriber(
                    signalled.subscribe(new Subscription(
                            "t", "s", Subscription.Kind.SHARED_DURABLE, null, false, null, clock.millis())),
                    signalled.subscriberOptions());
            List<Boolean> duringAppend = new ArrayList<>();
            sub.onPublish(() -> duringAppend.add(appending.get()));

            signalled.producer().publish("t", msg("1"));
            signalled.producer().publish("t", msg("2"));

            assertThat(listeners).hasSize(1); // one registration per store, whatever uses it
            assertThat(duringAppend).containsExactly(true, true); // once each, by the store only
            assertThat(ids(sub.poll(10, LONG))).containsExactly("1", "2");
        } finally {
            mem.close();
        }
    }

    @Test
    void aQuietShardCostsNoStoreCallUntilSomethingIsPublishedHere() {
        pub.createTopic("t");
        Subscriber sub = subscriber(shared("t"));
        assertThat(sub.poll(10, LONG)).isEmpty(); // finds both shards empty

        long before = store.roundTrips();
        assertThat(sub.poll(10, LONG)).isEmpty();
        assertThat(store.roundTrips()).isEqualTo(before);

        pub.producer().publish("t", msg("x"));
        assertThat(ids(sub.poll(10, LONG))).containsExactly("x");
    }

    @Test
    void aPollThatStoppedAtItsMaximumLeavesTheShardToBeReadAgain() {
        pub.createTopic("t", 1);
        Subscriber sub = subscriber(shared("t"));
        pub.producer().publishBatch("t", 0, List.of(msg("0"), msg("1"), msg("2")));
        assertThat(ids(sub.poll(1, LONG))).containsExactly("0");
        assertThat(ids(sub.poll(1, LONG))).containsExactly("1");
        assertThat(ids(sub.poll(1, LONG))).containsExactly("2");
        assertThat(sub.poll(1, LONG)).isEmpty();
    }

    @Test
    void aDeliveryReleasedForLaterIsFoundByThePollOnceItIsDue() {
        pub.createTopic("t", 1);
        Subscriber sub = subscriber(shared("t"));
        pub.producer().publish("t", msg("r"));
        List<Delivery> taken = sub.poll(10, LONG);
        assertThat(ids(taken)).containsExactly("r");

        sub.release(taken, Duration.ofMinutes(1)); // no signal: nothing is deliverable until then
        clock.advance(Duration.ofMinutes(1));
        List<Delivery> again = sub.poll(10, LONG);
        assertThat(ids(again)).containsExactly("r");
        assertThat(again.get(0).redelivered()).isTrue();
    }

    @Test
    void aQuietShardIsPolledAgainAfterTheRecheckForPublishesFromElsewhere() throws Exception {
        pub.createTopic("t", 1);
        Subscriber sub = subscriber(shared("t"));
        // the recheck is a real-time heuristic (System.nanoTime), not a lease: a recheck of 1 ns has
        // always run out by the next poll, with no sleep
        Duration recheck = Duration.ofNanos(1);
        assertThat(sub.poll(10, recheck)).isEmpty();

        // written to the store directly, as another JVM would: no signal here
        store.append(new TopicShard("t", 0), List.of(msg("far")));
        assertThat(ids(sub.poll(10, recheck))).containsExactly("far");
    }

    @Test
    void aShardFoundConsumedAgainAndAgainIsLookedAtLessAndLessOften() throws Exception {
        pub.createTopic("t", 1);
        Subscriber sub = subscriber(shared("t"));
        // a first recheck of 1 ns has always run out by the next poll (see above); doubled for each
        // poll that finds the shard consumed, it soon outlasts the time between two polls, and polls
        // cost nothing. A pause between two polls (a collection, the compiler) only makes the next
        // one look again and double it once more; never doubled, every poll would look
        Duration first = Duration.ofNanos(1);
        int free = 0;
        for (int i = 0; i < 10_000 && free < 3; i++) {
            long polled = store.roundTrips();
            assertThat(sub.poll(10, first, LONG)).isEmpty();
            free = store.roundTrips() == polled ? free + 1 : 0;
        }
        assertThat(free).as("polls in a row that cost no store call").isEqualTo(3);
        long before = store.roundTrips();
        // without the idle recheck every poll looks again
        assertThat(sub.poll(10, first)).isEmpty();
        assertThat(store.roundTrips()).isGreaterThan(before);

        // a publish through this JVM is seen at once, and starts the recheck again
        pub.producer().publish("t", msg("here"));
        List<Delivery> got = sub.poll(10, first, LONG);
        assertThat(ids(got)).containsExactly("here");
        sub.ack(got);
        store.append(new TopicShard("t", 0), List.of(msg("far"))); // as another JVM would: no signal
        assertThat(ids(sub.poll(10, first, LONG))).containsExactly("far");
    }

    @Test
    void aShardFoundConsumedIsNotRescannedUntilItHasMessagesAgain() throws Exception {
        pub.createTopic("t", 1);
        Subscriber sub = subscriber(shared("t"));
        Duration first = Duration.ofNanos(1); // run out by the next poll: every poll reads the shard
        pub.producer().publish("t", msg("a"));
        sub.ack(sub.poll(10, first));
        assertThat(sub.poll(10, first)).isEmpty(); // reaches the head with the cursor there: consumed
        long before = store.roundTrips();
        assertThat(sub.poll(10, first)).isEmpty();
        long quietPoll = store.roundTrips() - before;
        assertThat(quietPoll).isPositive();

        // past the rescan interval: still only the read, no cursor read on top of it
        clock.advance(Duration.ofMinutes(1));
        before = store.roundTrips();
        assertThat(sub.poll(10, first)).isEmpty();
        assertThat(store.roundTrips() - before).isEqualTo(quietPoll);

        // what another JVM writes meanwhile is still found, and acknowledged in full
        store.append(new TopicShard("t", 0), List.of(msg("far")));
        List<Delivery> got = sub.poll(10, first);
        assertThat(ids(got)).containsExactly("far");
        sub.ack(got);
        assertThat(store.cursor(sub.subscription().id(), new TopicShard("t", 0)).committed())
                .isEqualTo(2);
    }

    @Test
    void aShardWithSomethingPendingKeepsTheFirstRecheck() throws Exception {
        pub.createTopic("t", 1);
        Subscriber sub = subscriber(shared("t"));
        Duration first = Duration.ofNanos(1);
        // a message due in a minute, written as another JVM would: the shard is not consumed
        store.append(
                new TopicShard("t", 0),
                List.of(msg("later").toBuilder()
                        .deliveryTime(clock.millis() + 60_000)
                        .build()));
        for (int i = 0; i < 50; i++) {
            long before = store.roundTrips();
            assertThat(sub.poll(10, first, LONG)).isEmpty();
            assertThat(store.roundTrips()).isGreaterThan(before); // looked at every time
        }
        clock.advance(Duration.ofMinutes(1));
        assertThat(ids(sub.poll(10, first, LONG))).containsExactly("later");
    }

    @Test
    void theIdleRecheckDoublesFromTheFirstUpToItsCap() {
        long ms = 1_000_000;
        assertThat(Subscriber.recheckNanos(50 * ms, 250 * ms, 0)).isEqualTo(50 * ms);
        assertThat(Subscriber.recheckNanos(50 * ms, 250 * ms, 1)).isEqualTo(50 * ms);
        assertThat(Subscriber.recheckNanos(50 * ms, 250 * ms, 2)).isEqualTo(100 * ms);
        assertThat(Subscriber.recheckNanos(50 * ms, 250 * ms, 3)).isEqualTo(200 * ms);
        assertThat(Subscriber.recheckNanos(50 * ms, 250 * ms, 4)).isEqualTo(250 * ms);
        assertThat(Subscriber.recheckNanos(50 * ms, 250 * ms, 62)).isEqualTo(250 * ms);
        assertThat(Subscriber.recheckNanos(50 * ms, 50 * ms, 62)).isEqualTo(50 * ms); // no growth
        assertThat(Subscriber.recheckNanos(3, Long.MAX_VALUE, 62)).isPositive(); // never overflows
        pub.createTopic("x", 1);
        Subscriber sub = subscriber(shared("x"));
        assertThatThrownBy(() -> sub.poll(1, Duration.ofMillis(50), Duration.ofMillis(10)))
                .hasMessageContaining("idleRecheck must be at least quietRecheck");
    }

    @Test
    void aPollThatFoundDeliveriesLeavesQuietShardsForThePollThatStartsThere() throws Exception {
        pub.createTopic("t"); // 2 shards; each poll starts at the next one (0, 1, 0, ...)
        Subscriber sub = subscriber(shared("t"));
        Duration recheck = Duration.ofNanos(1); // run out by the next poll (as above)
        assertThat(sub.poll(10, recheck)).isEmpty(); // starts at 0: both found empty
        assertThat(sub.poll(10, recheck)).isEmpty(); // starts at 1
        pub.producer().publishBatch("t", 0, List.of(msg("here")));
        store.append(new TopicShard("t", 1), List.of(msg("far"))); // as another JVM would: no signal

        // starts at 0 and finds "here": shard 1, found empty before, costs no store call now
        long before = store.roundTrips();
        assertThat(ids(sub.poll(10, recheck))).containsExactly("here");
        long costOfOneShard = store.roundTrips() - before;
        // starts at 1: looks there again, as the recheck says
        before = store.roundTrips();
        assertThat(ids(sub.poll(10, recheck))).containsExactly("far");
        assertThat(store.roundTrips() - before).isGreaterThanOrEqualTo(costOfOneShard);
    }

    @Test
    void consumersOfOneJvmSkipWhatTheirSiblingsHoldButTakeItOnceItsLeaseLapses() {
        pub.createTopic("t", 1);
        Subscription s = shared("t");
        pub.producer().publishBatch("t", 0, List.of(msg("0"), msg("1")));
        Subscriber a = subscriber(s);
        Subscriber b = subscriber(s);
        assertThat(ids(a.poll(1))).containsExactly("0");

        long before = store.roundTrips();
        assertThat(ids(b.poll(1))).containsExactly("1");
        // the cursor, then the read and the lease in one call (leaseNext; none tried on "0", which a
        // holds, and the memory store checks the cursor under its lock instead of reading it again)
        assertThat(store.roundTrips() - before).isEqualTo(2);

        clock.advance(pub.config().leaseDuration().plusMillis(1)); // a hung: its lease lapses
        Subscriber c = subscriber(s);
        List<Delivery> again = c.poll(2);
        assertThat(ids(again)).containsExactly("0", "1");
        assertThat(again.get(0).redelivered()).isTrue();
    }

    @Test
    void aReleasedDeliveryIsFreeForSiblingsAndWakesThem() {
        pub.createTopic("t", 1);
        Subscription s = shared("t");
        pub.producer().publish("t", msg("r"));
        Subscriber a = subscriber(s);
        Subscriber b = subscriber(s);
        AtomicInteger woken = new AtomicInteger();
        b.onPublish(woken::incrementAndGet);
        List<Delivery> taken = a.poll(1);
        assertThat(b.poll(1)).isEmpty();

        a.release(taken, Duration.ZERO);
        assertThat(woken).hasValue(1);
        clock.advance(pub.config().rescanInterval()); // b looked past it: it comes back on a rescan
        assertThat(ids(b.poll(1))).containsExactly("r");
    }

    private static List<String> ids(List<Delivery> ds) {
        return ds.stream().map(d -> d.message().id()).toList();
    }

    @Test
    void subscribersThatCloseAndTopicsThatAreDeletedLeaveNeitherEntriesNorMeters() {
        pub.createTopic("kept", 1);
        SimpleMeterRegistry registry = (SimpleMeterRegistry) pub.metrics().registry();
        cycle(); // the kept topic's meters and the store operations' timers exist from here on
        int entries = pub.wakeupEntries();
        int meters = registry.getMeters().size();
        for (int i = 0; i < 50; i++) {
            cycle();
        }
        assertThat(pub.wakeupEntries()).isEqualTo(entries);
        assertThat(registry.getMeters()).hasSize(meters);
    }

    /** A temporary topic and a non-durable subscription of a kept one, each used once, then gone. */
    private void cycle() {
        String temporary = "tmp-" + UUID.randomUUID();
        pub.createTopic(temporary, 1);
        Subscriber sub = subscriber(pub.subscribe(new Subscription(
                temporary, Pub.QUEUE_SUBSCRIPTION, Subscription.Kind.QUEUE, null, false, null, clock.millis())));
        Subscription nd = pub.subscribe(new Subscription(
                "kept", "nd-" + UUID.randomUUID(), Subscription.Kind.NON_DURABLE, null, false, null, clock.millis()));
        Subscriber nonDurable = subscriber(nd);
        pub.producer().publish(temporary, msg("m"));
        pub.producer().publish("kept", msg("k"));
        sub.ack(sub.poll(1));
        nonDurable.ack(nonDurable.poll(1));
        sub.close();
        nonDurable.close();
        store.deleteSubscription("kept", nd.id());
        pub.deleteTopic(temporary);
    }
}
