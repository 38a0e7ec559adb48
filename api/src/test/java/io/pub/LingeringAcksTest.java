package io.pub;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.spi.Controller;
import io.pub.spi.MutableClock;
import io.pub.spi.Subscription;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A store that asks for it ({@link Controller#acknowledgementLinger}) gets background
 * acknowledgements held so that those following share one write: acknowledged one at a time, they
 * are written together; a full round, a flush (closing the subscriber) or closing the engine writes
 * at once, however long the linger.
 */
@Timeout(30)
class LingeringAcksTest {
    private final MutableClock clock = new MutableClock();
    private final Controller memory = Stores.open("mem:linger-" + UUID.randomUUID(), Settings.only(Map.of()), clock);
    /** The offsets of each markDone or markDoneLazily call, in order. */
    private final List<List<Long>> writes = new CopyOnWriteArrayList<>();
    /** The name of each of those calls. */
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private Pub pub;
    private Subscription queue;

    private void open(Duration linger, int messages) {
        Controller lingering = (Controller) Proxy.newProxyInstance(
                Controller.class.getClassLoader(), new Class<?>[] {Controller.class}, (proxy, method, args) -> {
                    if (method.getName().equals("acknowledgementLinger")) {
                        return linger;
                    }
                    if (method.getName().startsWith("markDone")) {
                        calls.add(method.getName());
                        @SuppressWarnings("unchecked")
                        Collection<Long> offsets = (Collection<Long>) args[2];
                        writes.add(List.copyOf(offsets));
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        pub = Pub.builder()
                .controller(lingering)
                .clock(clock)
                .meterRegistry(null)
                .config(Pub.Config.defaults()
                        .withShards(1)
                        .withLeaseDuration(Duration.ofSeconds(10))
                        .withHousekeepingInterval(Duration.ZERO))
                .build();
        queue = pub.createQueue("q");
        pub.producer()
                .publishBatch(
                        "q",
                        0,
                        IntStream.range(0, messages)
                                .mapToObj(i -> Message.builder()
                                        .body(("m" + i).getBytes(StandardCharsets.UTF_8))
                                        .build())
                                .toList());
    }

    @AfterEach
    void close() {
        if (pub != null) {
            pub.close();
        }
        memory.close();
    }

    private List<CompletableFuture<Void>> ackOneByOne(Subscriber s, List<Delivery> deliveries) {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        deliveries.forEach(d -> futures.add(s.ackAsync(List.of(d))));
        return futures;
    }

    @Test
    void acknowledgementsMadeOneByOneWhileTheWriterLingersShareOneWrite() throws Exception {
        open(Duration.ofMillis(300), 3);
        Subscriber s = pub.subscriber(queue, pub.subscriberOptions());
        List<Delivery> three = s.poll(3);
        assertThat(three).hasSize(3);

        List<CompletableFuture<Void>> futures = ackOneByOne(s, three);
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);

        assertThat(writes).containsExactly(three.stream().map(Delivery::offset).toList());
        assertThat(s.outstandingCount()).isZero();
        for (Delivery d : three) {
            assertThat(memory.cursor(queue.id(), d.shard()).isDone(d.offset())).isTrue();
        }
    }

    @Test
    void closingTheSubscriberWritesWithoutWaitingOutTheLinger() {
        open(Duration.ofHours(1), 2);
        Subscriber s = pub.subscriber(queue, pub.subscriberOptions());
        List<Delivery> two = s.poll(2);
        List<CompletableFuture<Void>> futures = ackOneByOne(s, two);
        assertThat(writes).as("held, an hour being far off").isEmpty();
        assertThat(futures).allMatch(f -> !f.isDone());

        s.close(); // flushes: within the test's timeout, not the hour

        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(writes).containsExactly(two.stream().map(Delivery::offset).toList());
    }

    @Test
    void aFullRoundIsWrittenAtOnce() throws Exception {
        int n = AckWriter.LINGER_MAX;
        open(Duration.ofHours(1), n);
        Subscriber s = pub.subscriber(queue, pub.subscriberOptions());
        List<Delivery> all = new ArrayList<>();
        while (all.size() < n) {
            all.addAll(s.poll(n - all.size()));
        }
        List<CompletableFuture<Void>> futures = ackOneByOne(s, all);
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        assertThat(writes.stream().mapToInt(List::size).sum()).isEqualTo(n);
        assertThat(writes).hasSize(1);
    }

    @Test
    void aBackgroundAcknowledgementWaitsForNoFsyncOfItsOwnAndABlockingOneDoes() throws Exception {
        open(Duration.ZERO, 2);
        Subscriber s = pub.subscriber(queue, pub.subscriberOptions());
        List<Delivery> two = s.poll(2);
        s.ackAsync(List.of(two.get(0))).get(10, TimeUnit.SECONDS);
        s.ack(List.of(two.get(1)));
        assertThat(calls).containsExactly("markDoneLazily", "markDone");
    }

    @Test
    void closingTheEngineWritesWhatLingers() {
        open(Duration.ofHours(1), 1);
        Subscriber s = pub.subscriber(queue, pub.subscriberOptions());
        Delivery d = s.poll(1).get(0);
        CompletableFuture<Void> written = s.ackAsync(List.of(d));

        pub.close();

        assertThat(written).isCompleted();
        assertThat(memory.cursor(queue.id(), d.shard()).isDone(d.offset())).isTrue();
    }
}
