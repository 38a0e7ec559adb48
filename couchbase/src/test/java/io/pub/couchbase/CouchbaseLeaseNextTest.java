package io.pub.couchbase;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Message;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Lease;
import io.pub.spi.LeaseNext;
import io.pub.spi.MutableClock;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Couchbase leaseNext leaves out the cursor read when the offsets it took were never leased;
 * acknowledgements leave their leases for the next lease write. Two stores on one mock stand for two
 * processes, each with its own memory of cursors and blocks: one whose memory is stale must still
 * never keep a lease on an offset the other acknowledged, and must pay the round trips it claims.
 */
@Timeout(60)
class CouchbaseLeaseNextTest {
    private static final TopicShard SHARD = new TopicShard("ln", 0);
    private static final String SUB = "s";
    private static final long LEASE = 30_000;

    private CouchbaseMockServer mock;
    private MutableClock clock;
    private Controller first;
    private Controller second;

    @BeforeEach
    void open() {
        mock = CouchbaseMockServer.start();
        clock = new MutableClock();
        first = Stores.open(mock.storeUrl(), mock.settings(), clock);
        second = Stores.open(mock.storeUrl(), mock.settings(), clock);
        first.createTopic(new TopicInfo("ln", 1, false, null));
        first.createSubscription(
                new Subscription("ln", SUB, Subscription.Kind.SHARED_DURABLE, null, false, null, 0), false);
    }

    @AfterEach
    void close() {
        first.close();
        second.close();
        mock.close();
    }

    private static List<Message> messages(int n) {
        return java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> Message.builder().id("m" + i).build())
                .toList();
    }

    private LeaseNext leaseNext(Controller store, String owner, long from) {
        long now = clock.millis();
        return store.leaseNext(SUB, SHARD, from, 10, 10, e -> true, owner, now + LEASE, now);
    }

    @Test
    void aPollThatFindsMessagesCostsTheLeaseWriteAndTheBlockReadUnlessWrittenHere() {
        first.append(SHARD, messages(3));
        first.cursor(SUB, SHARD); // the cursor is known here, as a subscriber's first poll reads it
        long before = first.roundTrips();
        LeaseNext got = leaseNext(first, "c1", 0);
        assertThat(got.leases()).extracting(Lease::offset).containsExactly(0L, 1L, 2L);
        assertThat(got.cursor()).isPresent();
        assertThat(first.roundTrips() - before)
                .as(
                        "no block read (written by this store, the head known from the append) + lease block read and insert")
                .isEqualTo(2);
        first.markDone(SUB, SHARD, List.of(0L, 1L, 2L));
        first.append(SHARD, messages(2));
        before = first.roundTrips();
        got = leaseNext(first, "c1", 3);
        assertThat(got.leases()).extracting(Lease::offset).containsExactly(3L, 4L);
        assertThat(first.roundTrips() - before)
                .as("one lease write that also drops the leases of 0..2")
                .isEqualTo(1);
        assertThat(first.leases(SUB, SHARD, 0, 10)).extracting(Lease::offset).containsExactly(3L, 4L);

        // messages another process wrote are read from their block
        second.append(SHARD, messages(2));
        first.head(SHARD); // the head is known here, as after a poll that read it
        before = first.roundTrips();
        got = leaseNext(first, "c1", 5);
        assertThat(got.leases()).extracting(Lease::offset).containsExactly(5L, 6L);
        assertThat(first.roundTrips() - before).as("block read + lease write").isEqualTo(2);
    }

    @Test
    void aStaleProcessNeverKeepsALeaseOnWhatAnotherAcknowledged() {
        first.append(SHARD, messages(3));
        first.cursor(SUB, SHARD); // remembered before the other process acknowledges: stale from then on
        second.cursor(SUB, SHARD);
        assertThat(leaseNext(second, "c2", 0).leases())
                .extracting(Lease::offset)
                .containsExactly(0L, 1L, 2L);
        second.markDone(SUB, SHARD, List.of(0L, 1L, 2L));

        // the acknowledged leases are still live in the block: left alone
        assertThat(leaseNext(first, "c1", 0).leases()).isEmpty();

        // once they lapse they can be taken over, but the cursor read after it shows them done
        clock.advance(Duration.ofMillis(LEASE + 1));
        LeaseNext late = leaseNext(first, "c1", 0);
        assertThat(late.leases()).isEmpty();
        assertThat(late.cursor())
                .hasValueSatisfying(c -> assertThat(c.committed()).isEqualTo(3));
        assertThat(first.leases(SUB, SHARD, 0, 10)).isEmpty();
    }

    @Test
    void aLeaseDroppedByAnotherProcessLeavesAMarkThatForcesTheCursorRead() {
        first.append(SHARD, messages(4));
        first.cursor(SUB, SHARD); // stale from here on
        second.cursor(SUB, SHARD);
        long now = clock.millis();
        second.acquire(SUB, SHARD, List.of(0L, 1L), "c2", now + LEASE, now);
        second.markDone(SUB, SHARD, List.of(0L, 1L));
        // its next lease write drops the leases of 0 and 1 (1, the highest, stays as a mark)
        second.acquire(SUB, SHARD, List.of(2L), "c2", now + LEASE, now);

        LeaseNext got = leaseNext(first, "c1", 0);
        assertThat(got.leases()).extracting(Lease::offset).containsExactly(3L);
        assertThat(got.cursor())
                .hasValueSatisfying(c -> assertThat(c.committed()).isEqualTo(2));
        assertThat(first.leases(SUB, SHARD, 0, 10)).extracting(Lease::offset).containsExactly(2L, 3L);
    }
}
