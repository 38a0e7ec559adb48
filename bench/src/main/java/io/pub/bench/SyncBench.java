package io.pub.bench;

import io.pub.Message;
import io.pub.Settings;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.embedded.EmbeddedStore;
import io.pub.spi.Controller;
import io.pub.spi.TopicInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteOptions;

/**
 * The embedded store's sync path against the disk (not part of the JMS benchmark): the disk's raw
 * O_DSYNC rate, RocksDB's synced writes under the options worth trying, and the store's own durable
 * append, 1 KiB each, from 1 and 4 threads, in one sitting so the figures compare.
 *
 * <pre>
 * bench/run.sh --sync-path [--seconds=S] [--runs=N]   # S seconds per case (default 3), N alternating rounds (default 2)
 * </pre>
 */
@SuppressWarnings("unchecked")
final class SyncBench {
    private static final TopicShard SHARD = new TopicShard("bench", 0);
    private static final byte[] VALUE = new byte[DiskSync.WRITE_BYTES];
    /** Small memtables, so the log rolls over (and recycled logs get used) within a short run. */
    private static final long SMALL_WRITE_BUFFER = 4L << 20;
    /**
     * Written into the store before it is measured, in batches of 1 MiB: past its first log files
     * (a 64 MiB write buffer each, a 128 MiB log limit), so that a recycled log file is in use, as
     * in any store that has run a while.
     */
    private static final long STEADY_BYTES = 224L << 20;

    private static final int STEADY_BATCH = 1024;

    private final Map<String, List<Double>[]> rates = new LinkedHashMap<>();
    private final Map<String, String> extra = new LinkedHashMap<>();
    private final Duration time;
    private final int rounds;
    private final Path parent;

    SyncBench(Duration time, int rounds, Path parent) {
        this.time = time;
        this.rounds = rounds;
        this.parent = parent;
    }

    static void main(Duration time, int rounds) throws Exception {
        new SyncBench(time, rounds, Path.of(System.getProperty("java.io.tmpdir"))).run();
    }

    void run() throws Exception {
        System.out.printf(
                Locale.ROOT,
                "sync path, 1 KiB per durable write, %.1f s per case, %d rounds (cases alternate; median"
                        + " [min-max]), 1-min load average at start %s%n",
                time.toMillis() / 1000.0,
                rounds,
                Bench.loadAverage());
        for (int round = 0; round < rounds; round++) {
            round();
        }
        System.out.printf(Locale.ROOT, "%-74s %22s %22s%n", "case", "1 thread/s", "4 threads/s");
        rates.forEach((what, r) -> System.out.printf(
                Locale.ROOT, "%-74s %22s %22s%n", what + extra.getOrDefault(what, ""), median(r[0]), median(r[1])));
        System.out.println("1-min load average at end " + Bench.loadAverage());
    }

    private static String median(List<Double> v) {
        if (v.isEmpty() || v.stream().allMatch(d -> d.isNaN())) {
            return "-";
        }
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double m = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        return String.format(Locale.ROOT, "%,.0f [%,.0f-%,.0f]", m, s[0], s[s.length - 1]);
    }

    private void round() throws Exception {
        Path dir = Files.createTempDirectory(parent, "bench-sync-");
        try {
            row(
                    "disk: O_DSYNC write, preallocated file",
                    DiskSync.preallocated(dir.resolve("p1"), 1, time),
                    DiskSync.preallocated(dir.resolve("p4"), 4, time));
            row("disk: O_DSYNC append, new file", DiskSync.newFile(dir.resolve("n1"), time), Double.NaN);
            rocks(dir, "RocksDB put, sync=true, the store's options", o -> {}, false);
            rocks(
                    dir,
                    "RocksDB put, sync=true, no log recycling, absolute consistency (the store's options before)",
                    o -> o.setRecycleLogFileNum(0).setWalRecoveryMode(WALRecoveryMode.AbsoluteConsistency),
                    false);
            rocks(dir, "RocksDB put sync=false + syncWal() (the store's pattern)", o -> {}, true);
            rocks(dir, "RocksDB put, sync=true, enable_pipelined_write", o -> o.setEnablePipelinedWrite(true), false);
            rocks(dir, "RocksDB put, sync=true, allow_fallocate=false", o -> o.setAllowFAllocate(false), false);
            rocks(dir, "RocksDB put, sync=true, recycle_log_file_num=4", o -> o.setRecycleLogFileNum(4), false);
            rocks(
                    dir,
                    "RocksDB put, sync=false, manual_wal_flush + flushWal(true)",
                    o -> o.setManualWalFlush(true),
                    true);
            store(dir, "store: Controller.append of 1 message (group commit)", true);
            store(dir, "store, just opened: Controller.append of 1 message, after LogPrimer's 1,000 fsyncs", false);
        } finally {
            Targets.deleteTree(dir);
        }
    }

    private void row(String what, double one, double four) {
        List<Double>[] r = rates.computeIfAbsent(what, k -> new List[] {new ArrayList<>(), new ArrayList<>()});
        r[0].add(one);
        if (!Double.isNaN(four)) {
            r[1].add(four);
        }
        System.err.printf(Locale.ROOT, "[sync] %s: %,.0f / %,.0f%n", what, one, four);
    }

    /**
     * Raw RocksDB with the store's DB options plus {@code tune}, small memtables so logs roll over; one
     * warm-up of a full memtable's worth first, so recycled logs (if enabled) are already in use.
     */
    private void rocks(Path dir, String what, Consumer<DBOptions> tune, boolean syncWal) throws Exception {
        double[] measured = new double[2];
        int i = 0;
        for (int threads : new int[] {1, 4}) {
            Path db = dir.resolve("rocks-" + System.nanoTime());
            DBOptions dbOptions = new DBOptions()
                    .setCreateIfMissing(true)
                    .setParanoidChecks(true)
                    .setMaxTotalWalSize(64L << 20)
                    // as the store opens: one log file recycled, which point-in-time recovery keeps on
                    .setRecycleLogFileNum(1)
                    .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery);
            tune.accept(dbOptions);
            boolean manual = dbOptions.manualWalFlush();
            try (dbOptions;
                    Options options = new Options(dbOptions, new org.rocksdb.ColumnFamilyOptions())
                            .setWriteBufferSize(SMALL_WRITE_BUFFER);
                    RocksDB rocks = RocksDB.open(options, db.toString());
                    WriteOptions write = new WriteOptions().setSync(!syncWal)) {
                AtomicLong keys = new AtomicLong();
                Workers.Task put = () -> {
                    rocks.put(write, key(keys.incrementAndGet()), VALUE);
                    if (syncWal) {
                        if (manual) {
                            rocks.flushWal(true);
                        } else {
                            rocks.syncWal();
                        }
                    }
                };
                rates(1, Duration.ofMillis(500), put); // warm-up; rolls the log over a few times
                for (long n = 0; n < 2 * SMALL_WRITE_BUFFER / VALUE.length; n++) {
                    rocks.put(key(keys.incrementAndGet()), VALUE);
                }
                rocks.flushWal(true);
                measured[i++] = rates(threads, time, put);
            } finally {
                Targets.deleteTree(db);
            }
        }
        row(what, measured[0], measured[1]);
    }

    /**
     * The store's durable append; {@code steady}: after writing 224 MiB (past its first log files),
     * else just after it opened, once it made 1,200 fsyncs and paused a second (LogPrimer's work).
     */
    private void store(Path dir, String what, boolean steady) throws Exception {
        double[] measured = new double[2];
        String[] syncs = new String[2];
        int i = 0;
        for (int threads : new int[] {1, 4}) {
            Path storeDir = dir.resolve("store-" + threads);
            try (Controller store = Stores.open("embedded:" + storeDir, Settings.only(Map.of()), Clock.systemUTC())) {
                store.createTopic(new TopicInfo("bench", 1, false, null));
                List<Message> one = List.of(Message.builder()
                        .id("bench")
                        .body(VALUE)
                        .publishTime(System.currentTimeMillis())
                        .build());
                Workers.Task append = () -> store.append(SHARD, one);
                rates(threads, Duration.ofMillis(500), append);
                // a store that has run a while: past its first log file's worth, so its log has moved
                // to a new file, and to a recycled one where the store keeps them
                if (steady) {
                    List<Message> mebibyte = Collections.nCopies(STEADY_BATCH, one.get(0));
                    for (long n = 0; n < STEADY_BYTES / ((long) STEADY_BATCH * VALUE.length); n++) {
                        store.append(SHARD, mebibyte);
                    }
                } else {
                    for (int n = 0; n < 1_200; n++) {
                        store.append(SHARD, one);
                    }
                    Thread.sleep(1_000);
                }
                EmbeddedStore stats = (EmbeddedStore) store;
                long syncsBefore = stats.syncs();
                AtomicLong appended = new AtomicLong();
                measured[i] = rates(threads, time, () -> {
                    append.run();
                    appended.incrementAndGet();
                });
                syncs[i++] = String.format(
                        Locale.ROOT, "%.2f", (stats.syncs() - syncsBefore) / (double) Math.max(1, appended.get()));
            } finally {
                Targets.deleteTree(storeDir);
            }
        }
        extra.put(what, " [fsyncs/msg " + syncs[0] + ", " + syncs[1] + "]");
        row(what, measured[0], measured[1]);
    }

    private static byte[] key(long n) {
        return String.format(Locale.ROOT, "k%019d", n).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Calls per second of {@code task} from {@code threads} threads, each calling it in a loop. */
    private static double rates(int threads, Duration time, Workers.Task task) throws Exception {
        AtomicLong calls = new AtomicLong();
        Workers workers = new Workers();
        long start = System.nanoTime();
        long end = start + time.toNanos();
        for (int t = 0; t < threads; t++) {
            workers.start("sync-" + t, () -> {
                while (System.nanoTime() < end) {
                    task.run();
                    calls.incrementAndGet();
                }
            });
        }
        workers.join(time.plusSeconds(30));
        if (workers.error() != null) {
            throw new RocksDBException("sync bench failed: " + workers.error());
        }
        return calls.get() / ((System.nanoTime() - start) / 1e9);
    }
}
