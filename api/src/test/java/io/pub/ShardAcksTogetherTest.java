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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A blocking acknowledgement (a transacted commit's) of deliveries from several shards writes the
 * shards' acknowledgements to the store at the same time, so that a store which group-commits makes
 * them durable with one fsync, not one fsync after another.
 */
@Timeout(30)
class ShardAcksTogetherTest {
    private final MutableClock clock = new MutableClock();
    private final Controller memory =
            Stores.open("mem:shard-acks-" + UUID.randomUUID(), Settings.only(Map.of()), clock);
    /** Counted down by each durable markDone, which then waits for the other shard's. */
    private final CountDownLatch bothWriting = new CountDownLatch(2);

    private Pub pub;

    @AfterEach
    void close() {
        if (pub != null) {
            pub.close();
        }
        memory.close();
    }

    @Test
    void aBlockingAcknowledgementOfTwoShardsWritesBothAtOnce() {
        Controller store = (Controller) Proxy.newProxyInstance(
                Controller.class.getClassLoader(), new Class<?>[] {Controller.class}, (proxy, method, args) -> {
                    if (method.getName().equals("markDone")) {
                        bothWriting.countDown();
                        if (!bothWriting.await(5, TimeUnit.SECONDS)) {
                            throw new IllegalStateException(
                                    "the shards' acknowledgements were written one after the other");
                        }
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        pub = Pub.builder()
                .controller(store)
                .clock(clock)
                .meterRegistry(null)
                .config(Pub.Config.defaults()
                        .withShards(2)
                        .withLeaseDuration(Duration.ofSeconds(10))
                        .withHousekeepingInterval(Duration.ZERO))
                .build();
        Subscription queue = pub.createQueue("q");
        for (int shard = 0; shard < 2; shard++) {
            pub.producer()
                    .publishBatch(
                            "q",
                            shard,
                            List.of(Message.builder()
                                    .body(("m" + shard).getBytes(StandardCharsets.UTF_8))
                                    .build()));
        }
        Subscriber s = pub.subscriber(queue, pub.subscriberOptions());
        List<Delivery> both = new ArrayList<>();
        for (int i = 0; i < 4 && both.size() < 2; i++) {
            both.addAll(s.poll(2 - both.size()));
        }
        assertThat(both).extracting(d -> d.shard().shard()).containsExactlyInAnyOrder(0, 1);

        s.ack(both);

        for (Delivery d : both) {
            assertThat(memory.cursor(queue.id(), d.shard()).isDone(d.offset())).isTrue();
        }
        assertThat(s.outstandingCount()).isZero();
    }
}
