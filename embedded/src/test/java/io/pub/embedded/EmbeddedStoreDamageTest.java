package io.pub.embedded;

import static io.pub.embedded.StoreCopies.allIds;
import static io.pub.embedded.StoreCopies.copy;
import static io.pub.embedded.StoreCopies.delivered;
import static io.pub.embedded.StoreCopies.garble;
import static io.pub.embedded.StoreCopies.logged;
import static io.pub.embedded.StoreCopies.open;
import static io.pub.embedded.StoreCopies.snapshot;
import static io.pub.embedded.StoreCopies.truncate;
import static io.pub.embedded.StoreCopies.wal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.spi.Controller;
import io.pub.spi.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A damaged store directory never loses acknowledged messages quietly: a store missing its CURRENT
 * file or with a damaged write-ahead log fails to open, naming the damage and leaving the files as
 * they were, unless a recover option accepts the loss, which is then logged. Each test damages a
 * copy of a real store directory: 3,000 messages published one per append, then closed (every
 * record acknowledged), or copied while still open after a last write that was never fsynced.
 */
@Timeout(120)
class EmbeddedStoreDamageTest {
    @TempDir
    static Path originals;

    @TempDir
    Path tmp;

    /** Closed cleanly: every record in its log was acknowledged. */
    private static Path closed;
    /** Copied while open, as a crash leaves it: the log ends with a lease write that was never fsynced. */
    private static Path running;

    @BeforeAll
    static void publish() throws Exception {
        closed = originals.resolve("closed");
        StoreCopies.publish(closed).close();
        Path live = originals.resolve("live");
        try (Controller store = StoreCopies.publish(live)) {
            // the mark is written a moment after the fsyncs it records
            long published = ((EmbeddedController) store).latestSequence();
            ((EmbeddedController) store).awaitSyncedMark(published);
            assertThat(SyncedMark.read(live).orElse(0)).isGreaterThanOrEqualTo(published);
            long t = System.currentTimeMillis();
            assertThat(store.acquire("billing", StoreCopies.SHARD, List.of(0L), "c1", t + 30_000, t))
                    .hasSize(1);
            running = copy(live, originals.resolve("running"));
        }
    }

    @Test
    void anIntactCopyOpensWithEveryMessage() throws Exception {
        Path dir = copy(closed, tmp.resolve("copy"));
        try (Controller store = open(dir)) {
            assertThat(delivered(store)).isEqualTo(allIds());
        }
    }

    @Test
    void aStoreMissingItsCurrentFileFailsTwiceAndStaysAsItWas() throws Exception {
        Path dir = copy(closed, tmp.resolve("copy"));
        Files.delete(dir.resolve("CURRENT"));
        Map<String, String> before = snapshot(dir);
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> open(dir))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("CURRENT")
                    .hasMessageContaining("is missing")
                    .hasMessageContaining("MANIFEST-");
            assertThat(snapshot(dir)).as("files after attempt %d", attempt + 1).isEqualTo(before);
        }
        Files.copy(closed.resolve("CURRENT"), dir.resolve("CURRENT"));
        try (Controller store = open(dir)) {
            assertThat(delivered(store)).isEqualTo(allIds());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"truncated", "garbled in the middle", "garbled near the start"})
    void aDamagedLogFailsTwiceNamingTheDamageAndStaysAsItWas(String damage) throws Exception {
        Path dir = copy(closed, tmp.resolve("copy"));
        StoreCopies.assertOpenFailsTwiceNamingTheDamage(dir, damage(wal(dir), damage));
    }

    @ParameterizedTest
    @ValueSource(strings = {"truncated", "garbled in the middle", "garbled near the start"})
    void recoverPointInTimeKeepsWhatPrecedesTheDamageAndSaysWhatItDropped(String damage) throws Exception {
        Path dir = copy(closed, tmp.resolve("copy"));
        Path wal = damage(wal(dir), damage);
        StoreCopies.Logged<Set<String>> opened = logged(() -> {
            try (Controller store = open("embedded:" + dir + "?recover=point-in-time")) {
                return delivered(store);
            }
        });
        Set<String> kept = opened.result();
        assertThat(kept).hasSizeLessThan(StoreCopies.MESSAGES);
        assertThat(allIds()).containsAll(kept);
        // what precedes the damage: the first messages, none missing in between
        for (int i = 0; i < kept.size(); i++) {
            assertThat(kept).contains("m" + i);
        }
        assertThat(opened.log())
                .contains("WARN")
                .contains("recover=point-in-time")
                .contains(wal.getFileName() + ": dropping")
                .contains("after the damage dropped");
        // the loss was accepted once: the store opens as it now is without the option
        try (Controller store = open(dir)) {
            assertThat(delivered(store)).isEqualTo(kept);
        }
    }

    @Test
    void recoverSkipCorruptedKeepsEveryIntactRecord() throws Exception {
        Path middle = copy(closed, tmp.resolve("middle"));
        damage(wal(middle), "garbled in the middle");
        Path pointInTime = copy(middle, tmp.resolve("point-in-time"));
        StoreCopies.Logged<Set<String>> skipping = logged(() -> {
            try (Controller store = open("embedded:" + middle + "?recover=skip-corrupted")) {
                return delivered(store);
            }
        });
        Set<String> prefix;
        try (Controller store = open("embedded:" + pointInTime + "?recover=point-in-time")) {
            prefix = delivered(store);
        }
        // only the messages in the garbled block are gone: those before it and those after it stay
        assertThat(skipping.result())
                .hasSizeLessThan(StoreCopies.MESSAGES)
                .hasSizeGreaterThan(prefix.size() + 1000)
                .containsAll(prefix)
                .contains("m" + (StoreCopies.MESSAGES - 1));
        assertThat(skipping.log()).contains("recover=skip-corrupted").contains(": dropping");
    }

    /** A crash can tear the last write; it was never fsynced, so nobody was told it succeeded. */
    @Test
    void aTornUnacknowledgedLastWriteOpensByDefaultWithEveryMessage() throws Exception {
        Path dir = copy(running, tmp.resolve("copy"));
        Path wal = wal(dir);
        truncate(wal, Files.size(wal) - 10);
        StoreCopies.Logged<Set<String>> opened = logged(() -> {
            try (Controller store = open(dir)) {
                return delivered(store);
            }
        });
        assertThat(opened.result()).isEqualTo(allIds());
        assertThat(opened.log())
                .contains("WARN")
                .contains("never acknowledged")
                .contains(wal.getFileName() + ": dropping");
    }

    /** The same tear on the last acknowledged message is a loss, not a torn write. */
    @Test
    void aTornAcknowledgedWriteFails() throws Exception {
        Path dir = copy(closed, tmp.resolve("copy"));
        Path wal = wal(dir);
        truncate(wal, Files.size(wal) - 10);
        assertThatThrownBy(() -> open(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("damaged")
                .hasMessageContaining("would lose 2 acknowledged updates"); // the message and the shard's head
    }

    /** Acknowledgements made while the store runs are recorded too, not only at close. */
    @Test
    void aRunningStoreCopyWithItsLogCutFails() throws Exception {
        Path dir = copy(running, tmp.resolve("copy"));
        Path wal = wal(dir);
        truncate(wal, Files.size(wal) / 2);
        assertThatThrownBy(() -> open(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("damaged")
                .hasMessageContaining("acknowledged updates");
    }

    /** A log cut exactly between records (here: emptied) shows no damage; the mark still tells. */
    @Test
    void anEmptiedLogFailsAndRecoverAcceptsIt() throws Exception {
        Path dir = copy(closed, tmp.resolve("copy"));
        truncate(wal(dir), 0);
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> open(dir))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("ends at #")
                    .hasMessageContaining("acknowledged updates")
                    .hasMessageContaining("?recover=point-in-time");
        }
        StoreCopies.Logged<Set<String>> opened = logged(() -> {
            try (Controller store = open("embedded:" + dir + "?recover=point-in-time")) {
                return delivered(store);
            }
        });
        assertThat(opened.result()).isEmpty();
        assertThat(opened.log()).contains("recover=point-in-time").contains("acknowledged");
        try (Controller store = open(dir)) {
            assertThat(delivered(store)).isEmpty();
        }
    }

    private static Path damage(Path wal, String how) throws IOException {
        long size = Files.size(wal);
        switch (how) {
            case "truncated" -> truncate(wal, size / 2);
            case "garbled in the middle" -> garble(wal, size / 2);
            case "garbled near the start" -> garble(wal, 100);
            default -> throw new IllegalArgumentException(how);
        }
        return wal;
    }
}
