package io.pub.embedded;

import io.pub.Message;
import io.pub.Settings;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.TopicInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Disk use of the embedded store under a steady load (not a test): producers append one message
 * per call, a consumer leases, reads and marks every message done, and retention trims each shard
 * below the cursor every few seconds, as the Housekeeper does. Prints the directory's size (WAL,
 * SST files, the rest) over time; everything is acknowledged, so the size should stay bounded.
 *
 * <pre>mvn -q -o -pl embedded exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.pub.embedded.EmbeddedDiskSoak -Dexec.args="seconds messageBytes consumerDelaySeconds [dir]"</pre>
 */
public final class EmbeddedDiskSoak {
    private static final int SHARDS = 4;
    private static final int PRODUCERS = 2;
    private static final long TRIM_EVERY_MS = 10_000;
    private static final long PRINT_EVERY_MS = 5_000;

    private EmbeddedDiskSoak() {}

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 120;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        long backlog = args.length > 2 ? Long.parseLong(args[2]) : 0;
        Path dir = args.length > 3
                ? Path.of(args[3])
                : Files.createTempDirectory("pub-soak").resolve("store");
        System.out.printf(
                "embedded store disk use: %d producers, %d B messages, consumer from %d s, trim every %d s, %d s, in %s%n",
                PRODUCERS, size, backlog, TRIM_EVERY_MS / 1000, seconds, dir);
        System.out.printf(
                "%6s %12s %12s %10s %10s %10s %10s %10s%n",
                "t(s)", "produced", "consumed", "written MB", "dir MB", "WAL MB", "SST MB", "other MB");
        AtomicLong produced = new AtomicLong();
        AtomicLong consumed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        long peak = 0;
        try (Controller store = Stores.open("embedded:" + dir, Settings.only(Map.of()), Clock.systemUTC())) {
            store.createTopic(new TopicInfo("soak", SHARDS, false, null));
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                int producer = p;
                threads.add(new Thread(() -> {
                    for (long i = 0; !stop.get(); i++) {
                        // random bodies: RocksDB compresses its files, and real payloads rarely shrink much
                        byte[] body = new byte[size];
                        ThreadLocalRandom.current().nextBytes(body);
                        Message m = Message.builder().id("m").body(body).build();
                        store.append(new TopicShard("soak", (int) ((i + producer) % SHARDS)), List.of(m));
                        produced.incrementAndGet();
                    }
                }));
            }
            threads.add(new Thread(() -> {
                try {
                    Thread.sleep(backlog * 1000); // a consumer that starts late: a backlog to drain
                } catch (InterruptedException e) {
                    return;
                }
                consume(store, consumed, stop);
            }));
            threads.forEach(Thread::start);
            long start = System.currentTimeMillis();
            long nextTrim = start + TRIM_EVERY_MS;
            long nextPrint = start + PRINT_EVERY_MS;
            long end = start + seconds * 1000;
            while (System.currentTimeMillis() < end) {
                Thread.sleep(100);
                long now = System.currentTimeMillis();
                if (now >= nextTrim) {
                    for (int s = 0; s < SHARDS; s++) {
                        TopicShard shard = new TopicShard("soak", s);
                        store.trim(shard, store.cursor("sub", shard).committed());
                    }
                    nextTrim += TRIM_EVERY_MS;
                }
                if (now >= nextPrint) {
                    peak = Math.max(peak, print((now - start) / 1000, dir, produced.get(), consumed.get(), size));
                    nextPrint += PRINT_EVERY_MS;
                }
            }
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }
        System.out.printf("peak directory size %.1f MB%n", peak / 1e6);
    }

    private static void consume(Controller store, AtomicLong consumed, AtomicBoolean stop) {
        long t = 0;
        while (!stop.get()) {
            boolean any = false;
            for (int s = 0; s < SHARDS; s++) {
                TopicShard shard = new TopicShard("soak", s);
                Cursor c = store.cursor("sub", shard);
                List<Entry> entries = store.read(shard, c.committed(), 100).entries();
                if (entries.isEmpty()) {
                    continue;
                }
                List<Long> offsets = entries.stream().map(Entry::offset).toList();
                t += 1;
                List<Lease> leases = store.acquire("sub", shard, offsets, "consumer", t + 30_000, t);
                store.markDone("sub", shard, leases.stream().map(Lease::offset).toList());
                consumed.addAndGet(leases.size());
                any = true;
            }
            if (!any) {
                Thread.onSpinWait();
            }
        }
    }

    private static long print(long t, Path dir, long produced, long consumed, int size) throws IOException {
        long wal = 0;
        long sst = 0;
        long other = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                long n;
                try {
                    n = Files.size(f);
                } catch (IOException gone) {
                    continue; // deleted by RocksDB while listing
                }
                String name = f.getFileName().toString();
                if (name.endsWith(".log")) {
                    wal += n;
                } else if (name.endsWith(".sst")) {
                    sst += n;
                } else {
                    other += n;
                }
            }
        }
        long total = wal + sst + other;
        System.out.printf(
                "%6d %12d %12d %10.0f %10.1f %10.1f %10.1f %10.1f%n",
                t, produced, consumed, produced * (double) size / 1e6, total / 1e6, wal / 1e6, sst / 1e6, other / 1e6);
        return total;
    }
}
