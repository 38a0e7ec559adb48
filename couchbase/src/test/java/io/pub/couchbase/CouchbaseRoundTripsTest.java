package io.pub.couchbase;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pub.Delivery;
import io.pub.Message;
import io.pub.Producer;
import io.pub.Pub;
import io.pub.Stores;
import io.pub.Subscriber;
import io.pub.spi.Controller;
import io.pub.spi.MutableClock;
import io.pub.spi.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Store round trips (KV operations) per message for publish + consume + ack through the engine, at
 * batch sizes 1 and 100, on one shard: each batch consumed right after it is published, and all
 * published before any is consumed (a backlog). Prints the figures; fails if a path grows beyond its
 * design. Messages and leases live in blocks, so a batch of 100 costs a handful of operations in all
 * (about 0.11 a message, against 4.07 with one document per message and per lease). A single message
 * consumed as it comes costs the lease write and the cursor write (2: its block is not read, this
 * store having written it; leaseNext reads no head for a range this JVM saw reserved and no cursor
 * for offsets never leased, an ack leaves its lease for the next lease write); publishing it, a
 * write and, as the producer reserves 16 offsets ahead with each increment (COUCHBASE_RESERVE_LINGER),
 * an increment per 17 messages (1.2 with the first messages' increments and the final seal).
 */
class CouchbaseRoundTripsTest {
    private static CouchbaseMockServer mock;

    private static int consumeBatch(Subscriber subscriber, int batch, int count, int consumed) {
        List<Delivery> got = subscriber.poll(batch);
        assertThat(got).as("poll after %d of %d", consumed, count).isNotEmpty();
        subscriber.ack(got);
        return got.size();
    }

    @BeforeAll
    static void startMock() {
        mock = CouchbaseMockServer.start();
    }

    @AfterAll
    static void stopMock() {
        mock.close();
    }

    @ParameterizedTest(name = "batch {0}, backlog {2}")
    @CsvSource({"1, 100, false", "100, 1000, false", "1, 100, true", "100, 1000, true"})
    void roundTripsPerMessage(int batch, int count, boolean backlog) {
        mock.flush();
        MutableClock clock = new MutableClock();
        try (Controller store = Stores.open(mock.storeUrl(), mock.settings(), clock);
                Pub pub = Pub.builder()
                        .controller(store)
                        .clock(clock)
                        .meterRegistry(new SimpleMeterRegistry())
                        .config(Pub.Config.defaults().withHousekeepingInterval(Duration.ZERO))
                        .build()) {
            pub.createTopic("rt", 1);
            Subscription sub =
                    pub.subscribe(new Subscription("rt", "s", Subscription.Kind.SHARED_DURABLE, null, false, null, 0));
            Producer producer = pub.producer();
            producer.publishBatch(
                    "rt", 0, List.of(Message.builder().id("warm-up").build()));
            Subscriber subscriber = pub.subscriber(sub, pub.subscriberOptions());
            subscriber.ack(subscriber.poll(1));

            long start = store.roundTrips();
            long publishing = 0;
            int consumed = 0;
            for (int i = 0; i < count; i += batch) {
                List<Message> messages = new ArrayList<>();
                for (int j = i; j < i + batch; j++) {
                    messages.add(
                            Message.builder().id("m" + j).body(new byte[1024]).build());
                }
                long before = store.roundTrips();
                producer.publishBatch("rt", 0, messages);
                publishing += store.roundTrips() - before;
                if (!backlog) {
                    consumed += consumeBatch(subscriber, batch, count, consumed);
                }
            }
            while (consumed < count) {
                consumed += consumeBatch(subscriber, batch, count, consumed);
            }
            long total = store.roundTrips() - start;
            double publish = publishing / (double) count;
            double consume = (total - publishing) / (double) count;
            System.out.printf(
                    "couchbase round trips per message, batch %d%s: publish %.2f + consume/ack %.2f = %.2f%n",
                    batch,
                    backlog ? " (all published first)" : " (publish, then consume it)",
                    publish,
                    consume,
                    publish + consume);
            assertThat(consumed).isEqualTo(count);
            if (batch > 1) {
                assertThat(publish + consume).isLessThanOrEqualTo(0.2);
            } else {
                // publishing: the write, and an increment per 17 messages (offsets reserved ahead), with room
                // for reservations that lapse when the machine pauses for longer than the linger
                assertThat(publish).isLessThanOrEqualTo(1.6);
                // the unused reserved offsets' seal at the end comes with the consumption
                assertThat(consume).isLessThanOrEqualTo(2.3);
            }
        }
    }
}
