package io.pub.couchbase;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Message;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Lease;
import io.pub.spi.MutableClock;
import io.pub.spi.TopicInfo;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Logical expiry decides; document expiry is only a safety net that fires a margin later. The mock's
 * clock is moved with time travel, the store's with the injected clock. Also pins the round trips each
 * operation costs, since the benchmark's per-message figure rests on them.
 */
@Timeout(60)
class CouchbaseExpiryTest {
    private static final TopicShard SHARD = new TopicShard("exp", 0);

    private CouchbaseMockServer mock;
    private MutableClock clock;
    private Controller store;

    @BeforeEach
    void open() {
        mock = CouchbaseMockServer.start();
        clock = new MutableClock();
        store = Stores.open(mock.storeUrl(), mock.settings(), clock);
    }

    @AfterEach
    void close() {
        store.close();
        mock.close();
    }

    private void advance(Duration d) {
        clock.advance(d);
        mock.timeTravel(d);
    }

    @Test
    void expiredLeaseKeepsItsCountUntilTheMarginThenItsDocumentGoes() {
        long t = clock.millis();
        store.acquire("s", SHARD, List.of(1L, 2L), "c1", t + 30_000, t);
        advance(Duration.ofHours(1));
        // logically expired an hour ago, still stored: the takeover counts the earlier delivery
        Lease again = store.acquire("s", SHARD, List.of(1L), "c2", clock.millis() + 30_000, clock.millis())
                .get(0);
        assertThat(again.deliveryCount()).isEqualTo(2);
        assertThat(store.leases("s", SHARD, 0, 10)).hasSize(2);

        advance(CouchbaseController.LEASE_MARGIN.plusHours(1));
        assertThat(store.leases("s", SHARD, 0, 10)).isEmpty();
    }

    @Test
    void claimDocumentOutlivesItsLogicalExpiryByTheClaimMargin() {
        long t = clock.millis();
        store.claim("client:x", "conn-1", t + 10_000, t).orElseThrow();
        advance(Duration.ofMinutes(1));
        assertThat(store.readClaim("client:x")).isPresent();
        assertThat(store.claim("client:x", "conn-2", clock.millis() + 10_000, clock.millis()))
                .isPresent();
        advance(CouchbaseController.CLAIM_MARGIN.plusMinutes(5));
        assertThat(store.readClaim("client:x")).isEmpty();
    }

    @Test
    void messagesHaveNoDocumentExpiry() {
        store.append(
                SHARD,
                List.of(Message.builder()
                        .id("m")
                        .expiration(clock.millis() + 1000)
                        .build()));
        advance(Duration.ofDays(40));
        assertThat(store.read(SHARD, 0, 10).entries()).hasSize(1);
    }

    @Test
    void eachKeyValueOperationIsOneRoundTrip() {
        store.createTopic(new TopicInfo("exp", 1, false, null));
        long r0 = store.roundTrips();
        store.append(
                SHARD,
                List.of(
                        Message.builder().id("a").build(),
                        Message.builder().id("b").build()));
        assertThat(store.roundTrips() - r0)
                .as("increment + block insert + trim mark and block marked checked (the insert created it)")
                .isEqualTo(4);
        long r1 = store.roundTrips();
        store.append(SHARD, List.of(Message.builder().id("c").build()));
        assertThat(store.roundTrips() - r1)
                .as("increment + chunk written under the remembered CAS")
                .isEqualTo(2);
        long r2 = store.roundTrips();
        store.read(SHARD, 0, 10);
        assertThat(store.roundTrips() - r2).as("head + 1 block").isEqualTo(2);
        long r3 = store.roundTrips();
        store.acquire("s", SHARD, List.of(0L, 1L), "c1", clock.millis() + 1000, clock.millis());
        assertThat(store.roundTrips() - r3).as("lease block get + insert").isEqualTo(2);
        long r4 = store.roundTrips();
        store.markDone("s", SHARD, List.of(0L, 1L));
        assertThat(store.roundTrips() - r4)
                .as("cursor get + insert; the leases go with the block's next write")
                .isEqualTo(2);
        long r5 = store.roundTrips();
        store.acquire("s", SHARD, List.of(2L), "c1", clock.millis() + 1000, clock.millis());
        assertThat(store.roundTrips() - r5)
                .as("one write under the remembered CAS takes 2 and drops the leases of 0 and 1")
                .isEqualTo(1);
        assertThat(store.leases("s", SHARD, 0, 10)).extracting(Lease::offset).containsExactly(2L);
    }
}
