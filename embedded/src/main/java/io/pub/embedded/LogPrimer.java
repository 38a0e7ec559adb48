package io.pub.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the store onto a recycled log file soon after it starts taking durable writes, instead of
 * after its first two write buffers' worth of writes (about 128 MiB).
 *
 * <p>A durable write's fdatasync into a log file that grows also updates the file's size and
 * allocation, so it runs at the disk's new-file rate; into a recycled file, written over in place,
 * it runs at the preallocated-file rate (RECYCLED_LOGS; bench/RESULTS.md's sync path has the
 * figures). RocksDB recycles a log only once every write buffer holding its writes was flushed,
 * which a store written at a few MiB a second reaches after minutes. So once the store has made
 * {@link #AFTER_SYNCS} fsyncs since it opened, this switches every write buffer and waits for the
 * flushes (so no older log is given up with the filled one and takes the recycle list's one place),
 * writes {@link #FILLER_MIB} MiB of filler into the current log (one key of the default family,
 * never used otherwise, deleted at once), then switches every write buffer again (the committer's
 * messages buffer with a new generation of segments, as when it fills) until the log in use is the
 * filled one, written over: the first switch gives it up, the next takes it. Once per open, on its
 * own thread; a failure only costs the speed, and is logged.
 */
final class LogPrimer implements AutoCloseable {
    /** Under one write buffer (64 MiB), so the filler alone never switches it. */
    static final int FILLER_MIB = 56;
    /** Durable writes before priming: a store that takes a few (most tests, a CLI) is left alone. */
    static final long AFTER_SYNCS = 1_000;

    private static final Logger log = LoggerFactory.getLogger(LogPrimer.class);
    private static final byte[] FILLER_KEY = "pub-log-filler".getBytes(StandardCharsets.UTF_8);
    private static final long FLUSH_WAIT_MILLIS = 30_000;
    private static final int SWITCH_ATTEMPTS = 20;
    private static final long PAUSE_MILLIS = 10;

    private final RocksDB db;
    private final ColumnFamilyHandle defaultFamily;
    private final List<ColumnFamilyHandle> all;
    private final Committer committer;
    private final Path directory;
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicBoolean started = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean closing;
    private volatile boolean recycled;

    LogPrimer(RocksDB db, List<ColumnFamilyHandle> all, Committer committer, Path directory) {
        this.db = db;
        this.defaultFamily = all.get(0);
        this.all = all;
        this.committer = committer;
        this.directory = directory;
        this.thread = new Thread(this::run, "pub-embedded-log-primer " + directory);
        thread.setDaemon(true);
    }

    /** Told after each fsync; starts priming at the {@link #AFTER_SYNCS}th. Quick. */
    void synced() {
        if (syncs.incrementAndGet() == AFTER_SYNCS) {
            synchronized (this) { // not once close() looked: it would not wait for the thread
                if (!closing && started.compareAndSet(false, true)) {
                    thread.start();
                }
            }
        }
    }

    private void run() {
        try {
            prime();
        } catch (RocksDBException | IOException | RuntimeException e) {
            log.warn(
                    "embedded store {}: moving to a recycled log file failed (durable writes stay at the"
                            + " disk's new-file rate until RocksDB recycles one): {}",
                    directory,
                    e.toString());
        }
    }

    private void prime() throws RocksDBException, IOException {
        byte[] mib = new byte[1 << 20];
        try (WriteOptions unsynced = new WriteOptions().setSync(false)) {
            // every buffer switched and flushed first: the log the filler goes into is then the only
            // one RocksDB gives up at the next switch, and goes on its recycle list (of one place)
            // instead of being deleted because an older one took the place
            if (!switchAll()) {
                return;
            }
            for (int i = 0; i < FILLER_MIB && !closing; i++) {
                db.put(defaultFamily, unsynced, FILLER_KEY, mib);
            }
            db.delete(defaultFamily, unsynced, FILLER_KEY);
            long filled = inUse().number();
            for (int attempt = 0; attempt < SWITCH_ATTEMPTS && !closing; attempt++) {
                // the switch gives up the filled log (its buffers flushed, RocksDB puts it on the list
                // a little after) and takes the one on the list; once the filled one is there, the
                // next switch takes it. Every switch has something to switch: the filler's deletion,
                // then the empty put below
                if (!switchAll()) {
                    return;
                }
                Wal now = inUse();
                if (now.number() > filled && now.size() >= (long) FILLER_MIB << 20) {
                    recycled = true;
                    log.info(
                            "embedded store {}: writing over a recycled log file ({}) from now on",
                            directory,
                            wal(now.number()).getFileName());
                    return;
                }
                if (!Files.exists(wal(filled))) {
                    break; // deleted, not kept for recycling: another log took the list's place
                }
                db.put(defaultFamily, unsynced, FILLER_KEY, new byte[0]);
                db.delete(defaultFamily, unsynced, FILLER_KEY);
                pause();
            }
            log.info("embedded store {}: no recycled log file in use after priming", directory);
        }
    }

    private record Wal(long number, long size) {}

    /**
     * The log in use: the highest-numbered file, recycled ones included ({@code getSortedWalFiles}
     * leaves out a recycled log until a write of its new life is in it).
     */
    private Wal inUse() throws IOException {
        Wal newest = null;
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.matches("\\d+\\.log")) {
                    try {
                        Wal w = new Wal(Long.parseLong(n.substring(0, n.length() - 4)), Files.size(f));
                        newest = newest == null || w.number() > newest.number() ? w : newest;
                    } catch (NoSuchFileException e) {
                        // renamed (recycled) or deleted while listed
                    }
                }
            }
        }
        if (newest == null) {
            throw new IOException("no write-ahead log file in " + directory);
        }
        return newest;
    }

    private Path wal(long number) {
        return directory.resolve(String.format("%06d.log", number));
    }

    /**
     * Waits up to {@code timeout} for priming to end; true if it ended on a recycled log file. For
     * tests, which must know the log they write into.
     */
    boolean awaitRecycled(java.time.Duration timeout) throws InterruptedException {
        if (!started.get()) {
            return false;
        }
        thread.join(timeout.toMillis());
        return recycled;
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Switches every write buffer and waits for the flushes; false if closing or they took too long. */
    private boolean switchAll() throws RocksDBException {
        committer.switchBuffers(all);
        return flushed();
    }

    /** Waits until no write buffer waits to be flushed; false if closing or it took too long. */
    private boolean flushed() throws RocksDBException {
        long deadline = System.nanoTime() + FLUSH_WAIT_MILLIS * 1_000_000;
        while (!closing && System.nanoTime() < deadline) {
            boolean pending = false;
            for (ColumnFamilyHandle f : all) {
                pending |= db.getLongProperty(f, "rocksdb.num-immutable-mem-table") > 0;
            }
            if (!pending) {
                return true;
            }
            pause();
        }
        return false;
    }

    /** Stops priming (between steps) and waits for it, before the database closes. */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
        }
        if (started.get()) {
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
