package io.pub.couchbase;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Message;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Entry;
import io.pub.spi.LeaseNext;
import io.pub.spi.MutableClock;
import io.pub.spi.ReadResult;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Offsets a producer reserves ahead (COUCHBASE_RESERVE_LINGER): taken by its next single appends
 * without an increment, never looked for by its own JVM's readers, sealed once unused for the linger
 * or when the store closes, and never reserved while another writer shares the shard. Two
 * controllers on one mock stand for two JVMs.
 */
@Timeout(60)
class CouchbaseReservationTest {
    private static final TopicShard SHARD = new TopicShard("reserved", 0);
    private static CouchbaseMockServer mock;
    private final MutableClock clock = new MutableClock();

    @BeforeAll
    static void startMock() {
        mock = CouchbaseMockServer.start();
    }

    @AfterAll
    static void stopMock() {
        mock.close();
    }

    @BeforeEach
    void flush() {
        mock.flush();
    }

    private Controller open(String reserveLinger) {
        Controller store = Stores.open(mock.storeUrl() + "&reserveLinger=" + reserveLinger, mock.settings(), clock);
        store.createTopic(new TopicInfo(SHARD.topic(), 1, false, null));
        return store;
    }

    private static List<Message> one(String id) {
        return List.of(Message.builder().id(id).build());
    }

    /** Appends single messages one after another; returns their offsets. */
    private static List<Long> appendSingles(Controller store, String prefix, int n) {
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            offsets.add(store.append(SHARD, one(prefix + i)));
        }
        return offsets;
    }

    /** Everything below the head as another JVM reads it. */
    private static ReadResult readAll(Controller reader) {
        return reader.read(SHARD, 0, 1000);
    }

    private static List<String> ids(ReadResult r) {
        return r.entries().stream()
                .filter(e -> !e.isTombstone())
                .map(e -> e.message().id())
                .toList();
    }

    /** Waits for a seal made after the (real-time, milliseconds) linger: a condition, not a sleep. */
    private static void await(String what, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(10)).until(condition);
    }

    @Test
    void singleAppendsTakeReservedOffsetsWithoutAnIncrementAndCloseSealsTheRest() {
        try (Controller other = open("10ms")) {
            Controller writer = open("1s");
            List<Long> offsets = appendSingles(writer, "m", 3);
            // the first two learn that nobody else writes the shard; the third reserves ahead
            assertThat(offsets).containsExactly(0L, 1L, 2L);
            long head = other.head(SHARD);
            assertThat(head).isEqualTo(3 + OwnOffsets.RESERVE_AHEAD);

            long before = writer.roundTrips();
            offsets = appendSingles(writer, "n", 5);
            assertThat(offsets).containsExactly(3L, 4L, 5L, 6L, 7L);
            assertThat(writer.roundTrips() - before)
                    .as("one write per message, no increment")
                    .isEqualTo(5);
            assertThat(other.head(SHARD)).isEqualTo(head);

            // the writer's own reads stop before what it reserved; another JVM's find a gap there
            assertThat(writer.read(SHARD, 0, 1000).head()).isEqualTo(8);
            assertThat(writer.read(SHARD, 8, 1000).entries()).isEmpty();
            ReadResult seen = readAll(other);
            assertThat(seen.entries()).hasSize(8);
            assertThat(seen.head()).isEqualTo(head);

            writer.close();
            ReadResult after = readAll(other);
            assertThat(after.entries()).extracting(Entry::offset).containsExactlyElementsOf(range(0, head));
            assertThat(ids(after)).containsExactly("m0", "m1", "m2", "n0", "n1", "n2", "n3", "n4");
        }
    }

    @Test
    void offsetsUnusedForTheLingerAreSealed() {
        try (Controller writer = open("20ms");
                Controller other = open("20ms")) {
            appendSingles(writer, "m", 3);
            long head = other.head(SHARD);
            assertThat(head).isEqualTo(3 + OwnOffsets.RESERVE_AHEAD);
            await("the unused offsets sealed", () -> readAll(other).entries().size() == head);
            assertThat(ids(readAll(other))).containsExactly("m0", "m1", "m2");
            // the writer's own readers go on past them too
            await(
                    "the writer's reads past them",
                    () -> writer.read(SHARD, 3, 1000).entries().size() == head - 3);
            // and after a pause its next message takes an offset of its own
            assertThat(writer.append(SHARD, one("late"))).isEqualTo(head);
        }
    }

    @Test
    void noReservationWhileAnotherWriterSharesTheShard() {
        try (Controller a = open("1s");
                Controller b = open("1s")) {
            for (int i = 0; i < 10; i++) {
                a.append(SHARD, one("a" + i));
                b.append(SHARD, one("b" + i));
            }
            assertThat(a.head(SHARD)).isEqualTo(20);
            assertThat(readAll(a).entries()).noneMatch(Entry::isTombstone).hasSize(20);
        }
    }

    @Test
    void aBatchLargerThanWhatIsLeftTakesFreshOffsetsAndTheRestIsSealed() {
        try (Controller writer = open("1s");
                Controller other = open("1s")) {
            appendSingles(writer, "m", 3);
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < OwnOffsets.RESERVE_AHEAD + 4; i++) {
                batch.add(Message.builder().id("b" + i).build());
            }
            long first = writer.append(SHARD, batch);
            assertThat(first).isEqualTo(3 + OwnOffsets.RESERVE_AHEAD);
            long head = first + batch.size();
            assertThat(other.head(SHARD)).isEqualTo(head);
            await("the reserved offsets sealed", () -> readAll(other).entries().size() == head);
            assertThat(ids(readAll(other))).hasSize(3 + batch.size());
        }
    }

    @Test
    void aSingleMessageWhoseReservedOffsetWasSealedTakesAFreshOne() {
        try (Controller writer = open("1s");
                Controller other = open("1s")) {
            appendSingles(writer, "m", 3);
            // as a consumer elsewhere seals an offset it waited the publish timeout for
            assertThat(other.seal(SHARD, 3)).isTrue();
            long offset = writer.append(SHARD, one("after"));
            assertThat(offset).isEqualTo(3 + OwnOffsets.RESERVE_AHEAD);
            writer.close();
            ReadResult r = readAll(other);
            assertThat(r.entries()).extracting(Entry::offset).containsExactlyElementsOf(range(0, other.head(SHARD)));
            assertThat(ids(r)).containsExactly("m0", "m1", "m2", "after");
        }
    }

    /**
     * Round trips per message of a consumer in another JVM that polls after each message of a
     * producer appending singles: a read that finds the reserved offsets as a gap reads the head, but
     * not its blocks again.
     */
    private double consumerRoundTrips(String reserveLinger, int n) {
        mock.flush();
        try (Controller producer = open(reserveLinger);
                Controller consumer = Stores.open(mock.storeUrl(), mock.settings(), clock)) {
            consumer.createSubscription(
                    new Subscription(SHARD.topic(), "s", Subscription.Kind.SHARED_DURABLE, null, false, null, 0),
                    false);
            long from = 0;
            long before = consumer.roundTrips();
            for (int i = 0; i < n; i++) {
                producer.append(SHARD, one("m" + i));
                long now = clock.millis();
                LeaseNext ln = consumer.leaseNext("s", SHARD, from, 64, 10, e -> true, "c", now + 30_000, now);
                assertThat(ln.leases()).as("message %d", i).hasSize(1);
                from = ln.leases().get(0).offset() + 1;
                consumer.markDone("s", SHARD, List.of(ln.leases().get(0).offset()));
            }
            return (consumer.roundTrips() - before) / (double) n;
        }
    }

    @Test
    void aConsumerElsewhereReadsTheHeadButNoBlockTwiceForReservedOffsets() {
        double plain = consumerRoundTrips("0ms", 100);
        double reserving = consumerRoundTrips("1s", 100);
        // without the care, a read finding the gap read the head and then every block again: 1 more
        assertThat(reserving)
                .as("with offsets reserved ahead, against %.2f", plain)
                .isLessThan(plain + 0.3);
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long o = from; o < to; o++) {
            out.add(o);
        }
        return out;
    }
}
