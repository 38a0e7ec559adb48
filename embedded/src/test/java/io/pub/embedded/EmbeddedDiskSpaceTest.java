package io.pub.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.TopicInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk space comes back while the store runs, not only at the next open: acknowledged and trimmed
 * messages do not pile up in the write-ahead log, and a drained backlog leaves the SST files.
 * Messages have random bodies, since RocksDB compresses what it can.
 */
@Timeout(300)
class EmbeddedDiskSpaceTest {
    private static final int SHARDS = 4;
    private static final int MESSAGE = 8 << 10;
    private static final int BATCH = 32; // 256 KiB per append
    private static final long MiB = 1 << 20;

    @TempDir
    Path tmp;

    /** The log files kept for reuse (EmbeddedController.RECYCLED_LOGS), each about a write buffer. */
    private static final long RECYCLED = EmbeddedController.RECYCLED_LOGS * EmbeddedController.WRITE_BUFFER;

    /**
     * 300 MiB published and trimmed as soon as it is acknowledged (every 4 MiB). The directory
     * stays under two write buffers (the log itself, and a write buffer's worth besides) and the
     * recycled log files: well under what went through.
     */
    @Test
    void acknowledgedMessagesDoNotPileUpWhileRunning() throws Exception {
        Path dir = tmp.resolve("store");
        long bound = 2 * EmbeddedController.WRITE_BUFFER + RECYCLED;
        long written = 0;
        long peak = 0;
        List<String> figures = new ArrayList<>();
        try (Controller store = StoreCopies.open(dir)) {
            store.createTopic(new TopicInfo("t", SHARDS, false, null));
            for (int i = 0; written < 300 * MiB; i++) {
                TopicShard shard = new TopicShard("t", i % SHARDS);
                store.append(shard, batch());
                written += (long) BATCH * MESSAGE;
                if (i % 16 == 15) { // everything is acknowledged: retention trims to the head
                    for (int s = 0; s < SHARDS; s++) {
                        TopicShard each = new TopicShard("t", s);
                        store.trim(each, store.head(each));
                    }
                }
                long size = size(dir);
                peak = Math.max(peak, size);
                if (i % 80 == 79) {
                    figures.add(
                            String.format("written %4d MiB  directory %5.1f MiB", written / MiB, size / (double) MiB));
                }
            }
        }
        System.out.println("embedded store disk use, 8 KiB messages trimmed every 4 MiB:");
        figures.forEach(System.out::println);
        System.out.printf("peak %.1f MiB, bound %d MiB%n", peak / (double) MiB, bound / MiB);
        assertThat(peak).as("peak directory size while 300 MiB went through").isLessThan(bound);
        assertOwnerOnly(dir);
    }

    /**
     * A backlog of 150 MiB, then consumed and trimmed, with nothing published after: RocksDB would
     * compact it away only as new data arrives; the store does it after the trim.
     */
    @Test
    void aDrainedBacklogLeavesTheDiskWithoutNewWrites() throws Exception {
        Path dir = tmp.resolve("store");
        long bound = EmbeddedController.WRITE_BUFFER + RECYCLED;
        try (Controller store = StoreCopies.open(dir)) {
            store.createTopic(new TopicInfo("t", SHARDS, false, null));
            for (long written = 0; written < 150 * MiB; written += (long) BATCH * MESSAGE) {
                store.append(new TopicShard("t", (int) (written / (BATCH * MESSAGE)) % SHARDS), batch());
            }
            long backlog = size(dir);
            assertThat(backlog).as("directory with the backlog").isGreaterThan(bound);
            for (int s = 0; s < SHARDS; s++) {
                TopicShard shard = new TopicShard("t", s);
                store.trim(shard, store.head(shard));
            }
            EmbeddedController embedded = (EmbeddedController) store;
            embedded.awaitReclaimed();
            // the compaction is done; RocksDB deletes the files it replaced right after, on its own thread,
            // so the size is measured again whenever a file leaves the directory
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long size;
            try (WatchService deletions = dir.getFileSystem().newWatchService()) {
                dir.register(deletions, StandardWatchEventKinds.ENTRY_DELETE);
                size = size(dir);
                while (size >= bound && System.nanoTime() < deadline) {
                    WatchKey deleted = deletions.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (deleted != null) {
                        deleted.pollEvents();
                        deleted.reset();
                    }
                    size = size(dir);
                }
            }
            System.out.printf(
                    "embedded store disk use: backlog %.1f MiB, drained and trimmed %.1f MiB, bound %d MiB%n",
                    backlog / (double) MiB, size / (double) MiB, bound / MiB);
            assertThat(size).as("directory after the backlog was trimmed").isLessThan(bound);
        }
    }

    private static List<Message> batch() {
        List<Message> batch = new ArrayList<>(BATCH);
        for (int m = 0; m < BATCH; m++) {
            byte[] body = new byte[MESSAGE];
            ThreadLocalRandom.current().nextBytes(body);
            batch.add(Message.builder().id("m").body(body).build());
        }
        return batch;
    }

    static long size(Path dir) throws IOException {
        long total = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                try {
                    total += Files.size(f);
                } catch (NoSuchFileException gone) {
                    // deleted by RocksDB while we looked
                }
            }
        }
        return total;
    }

    /** Every file the store made while it ran, SST and log files included, is owner-only. */
    static void assertOwnerOnly(Path dir) throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                        .as("mode of %s", f.getFileName())
                        .isEqualTo("rw-------");
            }
        }
    }
}
