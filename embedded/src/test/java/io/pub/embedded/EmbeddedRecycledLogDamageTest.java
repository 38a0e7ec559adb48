package io.pub.embedded;

import static io.pub.embedded.StoreCopies.SHARD;
import static io.pub.embedded.StoreCopies.copy;
import static io.pub.embedded.StoreCopies.delivered;
import static io.pub.embedded.StoreCopies.garble;
import static io.pub.embedded.StoreCopies.logged;
import static io.pub.embedded.StoreCopies.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.Message;
import io.pub.spi.Controller;
import io.pub.spi.StoreException;
import io.pub.spi.TopicInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link EmbeddedStoreDamageTest}'s cases on a store that writes over a recycled log file, as every
 * store does soon after it opens ({@link LogPrimer}): the file in use still holds an earlier log's
 * records after the new ones, so damage to the new ones must not be taken for the end of the log. The
 * store publishes until it is on the recycled file, then {@link #ON_RECYCLED} more messages there; it
 * is copied while open, once with every write acknowledged and once more after a lease write that
 * was never fsynced.
 */
@Timeout(180)
class EmbeddedRecycledLogDamageTest {
    private static final int ON_RECYCLED = 2000;

    @TempDir
    static Path originals;

    @TempDir
    Path tmp;

    /** Every record in its log acknowledged (copied after the synced mark caught up). */
    private static Path acknowledged;
    /** As a crash leaves it: the log ends with a lease write that was never fsynced. */
    private static Path running;

    private static Set<String> published;
    /** Where the unacknowledged lease write starts in the recycled log: the first byte the two copies differ in. */
    private static long leaseWriteAt;

    @BeforeAll
    static void publish() throws Exception {
        Path live = originals.resolve("live");
        byte[] body = new byte[1024];
        try (Controller store = open("embedded:" + live)) {
            store.createTopic(new TopicInfo(SHARD.topic(), 1, false, null));
            int n = 0;
            for (; n < LogPrimer.AFTER_SYNCS + 10; n++) {
                store.append(
                        SHARD, List.of(Message.builder().id("m" + n).body(body).build()));
            }
            assertThat(((EmbeddedController) store).awaitRecycledLog(Duration.ofSeconds(60)))
                    .as("a recycled log in use within 60 s; logs now %s", StoreCopies.logs(live))
                    .isTrue();
            for (int i = 0; i < ON_RECYCLED; i++, n++) {
                store.append(
                        SHARD, List.of(Message.builder().id("m" + n).body(body).build()));
            }
            published = Stream.iterate(0, i -> i + 1).limit(n).map(i -> "m" + i).collect(Collectors.toSet());
            long latest = ((EmbeddedController) store).latestSequence();
            ((EmbeddedController) store).awaitSyncedMark(latest);
            acknowledged = copy(live, originals.resolve("acknowledged"));
            long t = System.currentTimeMillis();
            assertThat(store.acquire("billing", SHARD, List.of(0L), "c1", t + 30_000, t))
                    .hasSize(1);
            running = copy(live, originals.resolve("running"));
        }
        Path log = StoreCopies.logInUse(acknowledged);
        assertThat(Files.size(log))
                .as(
                        "the log in use (%s) is a recycled file, at least the priming filler's size; logs %s",
                        log, StoreCopies.logs(acknowledged))
                .isGreaterThanOrEqualTo((long) LogPrimer.FILLER_MIB << 20);
        leaseWriteAt = Arrays.mismatch(Files.readAllBytes(log), Files.readAllBytes(running.resolve(log.getFileName())));
        assertThat(leaseWriteAt)
                .as("the lease write lands after the %s messages written over the recycled file", ON_RECYCLED)
                .isGreaterThan(ON_RECYCLED * 1024L);
    }

    /** Where the new records end, RocksDB reads on into the earlier log's: not damage, and no warning. */
    @Test
    void anIntactCopyOpensWithEveryMessageWithoutAWarning() throws Exception {
        Path dir = copy(acknowledged, tmp.resolve("copy"));
        StoreCopies.Logged<Set<String>> opened = logged(() -> {
            try (Controller store = open(dir)) {
                return delivered(store);
            }
        });
        assertThat(opened.result()).isEqualTo(published);
        assertThat(opened.log()).doesNotContain("WARN").contains("possibly recycled");
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbled in the middle", "garbled near the start"})
    void damageToAcknowledgedRecordsFailsTwiceNamingItAndLeavesTheFilesAsTheyWere(String damage) throws Exception {
        Path dir = copy(acknowledged, tmp.resolve("copy"));
        StoreCopies.assertOpenFailsTwiceNamingTheDamage(dir, damage(dir, damage));
    }

    @Test
    void recoverPointInTimeKeepsWhatPrecedesTheDamageAndNothingOfTheEarlierLog() throws Exception {
        Path dir = copy(acknowledged, tmp.resolve("copy"));
        damage(dir, "garbled in the middle");
        Set<String> kept = logged(() -> {
                    try (Controller store = open("embedded:" + dir + "?recover=point-in-time")) {
                        return delivered(store);
                    }
                })
                .result();
        // the messages before the damage, none missing in between, and none the filler's records
        // after the new ones could have brought back
        assertThat(kept).hasSizeLessThan(published.size()).hasSizeGreaterThan((int) LogPrimer.AFTER_SYNCS);
        assertThat(published).containsAll(kept);
        for (int i = 0; i < kept.size(); i++) {
            assertThat(kept).contains("m" + i);
        }
        try (Controller store = open(dir)) {
            assertThat(delivered(store)).isEqualTo(kept);
        }
    }

    /**
     * A crash can tear the last write, never fsynced. On a recycled file RocksDB cannot tell a torn
     * record from the earlier log's records after the new ones, so it ends the log there and says
     * "possibly recycled", as at the end of every recycled log; the synced mark shows nothing
     * acknowledged is missing, and the store opens with every message and without the torn lease.
     */
    @Test
    void aTornUnacknowledgedLastWriteOpensByDefaultWithEveryMessage() throws Exception {
        Path dir = copy(running, tmp.resolve("copy"));
        Path log = StoreCopies.logInUse(dir);
        garble(log, leaseWriteAt + 8);
        StoreCopies.Logged<Set<String>> opened = logged(() -> {
            try (Controller store = open(dir)) {
                assertThat(store.leases("billing", SHARD, 0, 1))
                        .as("the torn lease")
                        .isEmpty();
                return delivered(store);
            }
        });
        assertThat(opened.result()).isEqualTo(published);
        assertThat(opened.log()).contains(log.getFileName() + ": dropping 0 bytes; possibly recycled");
    }

    /** Without the tear the lease write is there: the tear above is what dropped it. */
    @Test
    void theUntornRunningCopyHasTheLease() throws Exception {
        try (Controller store = open(copy(running, tmp.resolve("copy")))) {
            assertThat(store.leases("billing", SHARD, 0, 1)).hasSize(1);
            assertThat(delivered(store)).isEqualTo(published);
        }
    }

    /** The same tear one acknowledged record earlier is a loss. */
    @Test
    void aTornAcknowledgedWriteFails() throws Exception {
        Path dir = copy(acknowledged, tmp.resolve("copy"));
        garble(StoreCopies.logInUse(dir), leaseWriteAt - 100);
        assertThatThrownBy(() -> open(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("damaged")
                .hasMessageContaining("acknowledged updates");
    }

    private static Path damage(Path dir, String how) throws Exception {
        Path log = StoreCopies.logInUse(dir);
        switch (how) {
            case "garbled in the middle" -> garble(log, leaseWriteAt / 2);
            case "garbled near the start" -> garble(log, 100);
            default -> throw new IllegalArgumentException(how);
        }
        return log;
    }
}
