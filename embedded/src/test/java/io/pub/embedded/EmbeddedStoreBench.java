package io.pub.embedded;

import io.pub.Message;
import io.pub.Settings;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.TopicInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Publish throughput of the embedded store (not a test): 1 KiB messages appended one per call from
 * 1, 4 and 8 threads, durable (fsync per group commit) and, for comparison, with sync=false, then
 * in batches of 100. Prints messages per second and fsyncs per message.
 *
 * <pre>mvn -q -o -pl embedded exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.pub.embedded.EmbeddedStoreBench [-Dexec.args=seconds]</pre>
 */
public final class EmbeddedStoreBench {
    private static final TopicShard SHARD = new TopicShard("bench", 0);

    private EmbeddedStoreBench() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        System.out.printf(
                "embedded store publish, 1 KiB messages, batch = messages per append, %.0f s per run%n", seconds);
        System.out.printf(
                "%-8s %-6s %-7s %12s %14s %12s%n", "threads", "batch", "sync", "msg/s", "fsyncs/msg", "writes/msg");
        for (boolean sync : new boolean[] {true, false}) {
            for (int threads : new int[] {1, 4, 8}) {
                run(threads, 1, sync, seconds);
            }
        }
        run(1, 100, true, seconds);
        run(4, 100, true, seconds);
        consumerLatency(seconds);
    }

    /** What a consumer waits for per message while 4 producers keep the committer busy. */
    private static void consumerLatency(double seconds) throws Exception {
        Path dir = Files.createTempDirectory("pub-bench");
        try (Controller store = Stores.open("embedded:" + dir, Settings.only(Map.of()), Clock.systemUTC())) {
            store.createTopic(new TopicInfo("bench", 1, false, null));
            Message message = Message.builder().id("bench").body(new byte[1024]).build();
            long[] acquireNanos = {0};
            long[] markDoneNanos = {0};
            long[] rounds = {0};
            Thread consumer = new Thread(() -> {
                long end = System.nanoTime() + (long) (seconds * 1e9);
                for (long offset = 0; System.nanoTime() < end; offset++) {
                    long t0 = System.nanoTime();
                    store.acquire("sub", SHARD, List.of(offset), "c", Long.MAX_VALUE, 0);
                    long t1 = System.nanoTime();
                    store.markDone("sub", SHARD, List.of(offset));
                    acquireNanos[0] += t1 - t0;
                    markDoneNanos[0] += System.nanoTime() - t1;
                    rounds[0]++;
                }
            });
            consumer.start();
            publish(store, List.of(message), 4, seconds);
            consumer.join();
            System.out.printf(
                    "consumer beside 4 producers (sync): acquire %.0f us, markDone %.0f us on average (%d rounds)%n",
                    acquireNanos[0] / 1e3 / rounds[0], markDoneNanos[0] / 1e3 / rounds[0], rounds[0]);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(EmbeddedStoreBench::deleteQuietly);
            }
        }
    }

    private static void run(int threads, int batch, boolean sync, double seconds) throws Exception {
        Path dir = Files.createTempDirectory("pub-bench");
        try (Controller store =
                Stores.open("embedded:" + dir + "?sync=" + sync, Settings.only(Map.of()), Clock.systemUTC())) {
            store.createTopic(new TopicInfo("bench", 1, false, null));
            EmbeddedStore stats = (EmbeddedStore) store;
            Message message = Message.builder()
                    .id("bench")
                    .body(new byte[1024])
                    .publishTime(System.currentTimeMillis())
                    .build();
            List<Message> messages = java.util.Collections.nCopies(batch, message);
            // warm up the JIT and RocksDB before measuring
            publish(store, messages, threads, Math.min(1, seconds / 5));
            long syncs = stats.syncs();
            long writes = stats.writes();
            long start = System.nanoTime();
            long published = publish(store, messages, threads, seconds);
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "%-8d %-6d %-7s %12.0f %14.3f %12.3f%n",
                    threads,
                    batch,
                    sync,
                    published / elapsed,
                    (stats.syncs() - syncs) / (double) published,
                    (stats.writes() - writes) / (double) published);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(EmbeddedStoreBench::deleteQuietly);
            }
        }
    }

    private static long publish(Controller store, List<Message> messages, int threads, double seconds)
            throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong published = new AtomicLong();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                while (System.nanoTime() < end) {
                    store.append(SHARD, messages);
                    published.addAndGet(messages.size());
                }
            });
            th.start();
            running.add(th);
        }
        for (Thread th : running) {
            th.join();
        }
        return published.get();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.delete(p);
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
