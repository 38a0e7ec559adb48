package io.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.spi.Controller;
import io.pub.spi.MutableClock;
import io.pub.spi.StoreException;
import io.pub.spi.Subscription;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Acknowledgements written in the background ({@link Subscriber#ackAsync}): the caller does not wait
 * for the store, the lease stays renewed until the write is done, a failed write leaves the message
 * to come again (redelivered), and closing writes what is queued first. And a blocking one ({@link
 * Subscriber#ack}, a transacted commit's) of several shards writes them at once, so that a store which
 * group-commits makes them durable with one fsync, not one after another.
 */
@Timeout(30)
class BackgroundAcksTest {
    private final MutableClock clock = new MutableClock();
    private final Controller memory = Stores.open("mem:acks-" + UUID.randomUUID(), Settings.only(Map.of()), clock);
    /** While set, markDone waits for {@link #open} (and counts down {@link #entered} first). */
    private volatile CountDownLatch gate;

    private final CountDownLatch open = new CountDownLatch(1);
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch bothEntered = new CountDownLatch(2);
    private final AtomicReference<RuntimeException> markDoneFails = new AtomicReference<>();
    private Pub pub;
    private Subscription queue;

    @BeforeEach
    void open() {
        Controller gated = (Controller) Proxy.newProxyInstance(
                Controller.class.getClassLoader(), new Class<?>[] {Controller.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("markDone")) { // markDone or markDoneLazily
                        if (markDoneFails.get() != null) {
                            throw markDoneFails.get();
                        }
                        CountDownLatch g = gate;
                        if (g != null) {
                            entered.countDown();
                            bothEntered.countDown();
                            g.await();
                        }
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        pub = Pub.builder()
                .controller(gated)
                .clock(clock)
                .meterRegistry(null)
                .config(Pub.Config.defaults()
                        .withShards(2)
                        .withLeaseDuration(Duration.ofSeconds(10))
                        .withHousekeepingInterval(Duration.ZERO))
                .build();
        queue = pub.createQueue("q");
        for (int shard = 0; shard < 2; shard++) {
            pub.producer()
                    .publishBatch(
                            "q",
                            shard,
                            List.of(Message.builder()
                                    .body(("m" + shard).getBytes(StandardCharsets.UTF_8))
                                    .build()));
        }
    }

    @AfterEach
    void close() {
        open.countDown();
        pub.close();
        memory.close();
    }

    private Subscriber subscriber() {
        return pub.subscriber(queue, pub.subscriberOptions());
    }

    @Test
    void anAcknowledgementDoesNotWaitForItsWriteAndItsLeaseIsRenewedMeanwhile() throws Exception {
        Subscriber a = subscriber();
        Subscriber b = subscriber();
        Delivery d = a.poll(0, 1).get(0);
        gate = open;

        CompletableFuture<Void> written = a.ackAsync(List.of(d));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(written).isNotDone(); // the store has not answered: ackAsync returned all the same
        assertThat(a.outstanding()).isEmpty();

        clock.advance(Duration.ofSeconds(8));
        assertThat(a.renew(Duration.ofSeconds(5))).as("leases renewed").isEqualTo(1);
        clock.advance(Duration.ofSeconds(5)); // past the first lease, within the renewed one
        assertThat(b.poll(0, 1))
                .as("nobody else gets a message whose ack is being written")
                .isEmpty();

        open.countDown();
        written.get(10, TimeUnit.SECONDS);
        assertThat(a.outstandingCount()).isZero();
        assertThat(memory.cursor(queue.id(), d.shard()).isDone(d.offset())).isTrue();
        clock.advance(Duration.ofSeconds(30));
        assertThat(b.poll(0, 1)).isEmpty();
    }

    @Test
    void aFailedWriteForgetsTheDeliveryWhichComesAgainRedelivered() throws Exception {
        Subscriber a = subscriber();
        Delivery d = a.poll(0, 1).get(0);
        markDoneFails.set(new StoreException("store away"));

        CompletableFuture<Void> written = a.ackAsync(List.of(d));
        assertThatThrownBy(() -> written.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("store away");
        assertThat(a.outstandingCount())
                .as("no longer held, so no longer renewed")
                .isZero();
        assertThatThrownBy(() -> a.ack(List.of(d))).isInstanceOf(StoreException.class);
        markDoneFails.set(null);

        clock.advance(Duration.ofSeconds(11)); // the lease lapses
        List<Delivery> again = subscriber().poll(0, 1);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).offset()).isEqualTo(d.offset());
        assertThat(again.get(0).redelivered()).isTrue();
    }

    @Test
    void closingASubscriberWaitsForItsQueuedAcknowledgements() throws Exception {
        Subscriber a = subscriber();
        List<Delivery> both = a.poll(2);
        assertThat(both).hasSize(2);
        gate = open;
        CompletableFuture<Void> first = a.ackAsync(List.of(both.get(0)));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> second = a.ackAsync(List.of(both.get(1))); // queued behind the first

        Thread closer = new Thread(a::close);
        closer.start();
        closer.join(200);
        assertThat(closer.isAlive())
                .as("close waits while the write is held up")
                .isTrue();
        open.countDown();
        closer.join();
        assertThat(first).isCompleted();
        assertThat(second).isCompleted();
        for (Delivery d : both) {
            assertThat(memory.cursor(queue.id(), d.shard()).isDone(d.offset())).isTrue();
        }
    }

    @Test
    void aBlockingAcknowledgementOfTwoShardsWritesBothAtOnce() throws Exception {
        Subscriber a = subscriber();
        List<Delivery> both = a.poll(2);
        assertThat(both).extracting(d -> d.shard().shard()).containsExactlyInAnyOrder(0, 1);
        gate = open;

        CompletableFuture<Void> acked = CompletableFuture.runAsync(() -> a.ack(both));
        // one after the other, the second shard's write would wait for the first, held at the gate
        assertThat(bothEntered.await(10, TimeUnit.SECONDS))
                .as("both shards' writes under way at once")
                .isTrue();
        open.countDown();
        acked.get(10, TimeUnit.SECONDS);
        for (Delivery d : both) {
            assertThat(memory.cursor(queue.id(), d.shard()).isDone(d.offset())).isTrue();
        }
        assertThat(a.outstandingCount()).isZero();
    }

    @Test
    void closingTheEngineWritesWhatIsQueued() throws Exception {
        Subscriber a = subscriber();
        List<Delivery> both = a.poll(2);
        gate = open;
        CompletableFuture<Void> first = a.ackAsync(List.of(both.get(0)));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> second = a.ackAsync(List.of(both.get(1)));

        Thread closer = new Thread(pub::close);
        closer.start();
        open.countDown();
        closer.join();
        assertThat(first).isCompleted();
        assertThat(second).isCompleted();
        assertThat(memory.cursor(queue.id(), both.get(1).shard())
                        .isDone(both.get(1).offset()))
                .isTrue();
    }
}
