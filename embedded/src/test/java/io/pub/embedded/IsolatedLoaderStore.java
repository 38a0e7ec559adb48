package io.pub.embedded;

import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.TopicInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What {@link IsolatedLoaderLauncher} runs in a class loader of its own, for {@link
 * EmbeddedStoreInIsolatedLoaderTest}. Prints a line after each step.
 */
public final class IsolatedLoaderStore {
    private static final int BODY = 64 << 10;

    private IsolatedLoaderStore() {}

    /** In the isolated loader: fills more than a write buffer (a flush), then trims it all (a compaction, files deleted). */
    public static void run(String dir) throws Exception {
        try (Controller store = StoreCopies.open(Path.of(dir))) {
            System.out.println("opened");
            TopicShard shard = new TopicShard("t", 0);
            store.createTopic(new TopicInfo("t", 1, false, null));
            for (long written = 0; written < EmbeddedController.WRITE_BUFFER * 3 / 2; written += 16L * BODY) {
                List<Message> batch = new ArrayList<>();
                for (int m = 0; m < 16; m++) {
                    byte[] body = new byte[BODY];
                    ThreadLocalRandom.current().nextBytes(body);
                    batch.add(Message.builder().id("m").body(body).build());
                }
                store.append(shard, batch);
            }
            System.out.println("written");
            // RocksDB made a new log file and flushed; the store makes them owner-only while it runs
            System.out.println(awaitOwnerOnly((EmbeddedController) store, Path.of(dir)));
            store.trim(shard, store.head(shard));
            ((EmbeddedController) store).awaitReclaimed();
            System.out.println("reclaimed");
        }
        System.out.println("closed");
    }

    /** After each pass of the store's own (at most 20 s of them), whether every file is owner-only. */
    private static String awaitOwnerOnly(EmbeddedController store, Path dir) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<String> open;
        do {
            // a flush's table file may come after a pass: look again after the next one
            store.awaitOwnerOnlyPass(TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime())));
            open = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    try {
                        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                        if (Files.isRegularFile(f) && !mode.equals("rw-------")) {
                            open.add(f.getFileName() + " " + mode);
                        }
                    } catch (NoSuchFileException gone) {
                        // a file RocksDB deleted while we looked
                    }
                }
            }
        } while (!open.isEmpty() && System.nanoTime() < deadline);
        return open.isEmpty() ? "owner-only" : "not owner-only: " + open;
    }
}
