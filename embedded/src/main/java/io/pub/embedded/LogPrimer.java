package io.pub.embedded;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.LogFile;
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
 * allocation, so it runs at the disk's new-file rate; into a recycled file, written over in place, it
 * runs at the preallocated-file rate (RECYCLED_LOGS; the README's sync path has the figures). RocksDB recycles a log only once every write buffer
 * holding its writes was flushed, which a store written at a few MiB a second reaches after
 * minutes. So once the store has made {@link #AFTER_SYNCS} fsyncs since it opened, this writes {@link
 * #FILLER_MIB} MiB of filler into the current log (one key of the default family, never used
 * otherwise, deleted at once), switches every write buffer (the committer's messages buffer with a
 * new generation of segments, as when it fills), waits for the flushes, and switches once more: the
 * log then in use is the filled one, written over. Once per open, on its own thread; a failure only
 * costs the speed, and is logged.
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
    private final String name;
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicBoolean started = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean closing;

    LogPrimer(RocksDB db, List<ColumnFamilyHandle> all, Committer committer, String name) {
        this.db = db;
        this.defaultFamily = all.get(0);
        this.all = all;
        this.committer = committer;
        this.name = name;
        this.thread = new Thread(this::run, "pub-embedded-log-primer " + name);
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
        } catch (RocksDBException | RuntimeException e) {
            log.warn(
                    "embedded store {}: moving to a recycled log file failed (durable writes stay at the"
                            + " disk's new-file rate until RocksDB recycles one): {}",
                    name,
                    e.toString());
        }
    }

    private void prime() throws RocksDBException {
        byte[] mib = new byte[1 << 20];
        try (WriteOptions unsynced = new WriteOptions().setSync(false);
                FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
            for (int i = 0; i < FILLER_MIB && !closing; i++) {
                db.put(defaultFamily, unsynced, FILLER_KEY, mib);
            }
            db.delete(defaultFamily, unsynced, FILLER_KEY);
            long filled = newest().logNumber();
            for (int attempt = 0; attempt < SWITCH_ATTEMPTS && !closing; attempt++) {
                if (alive(filled)) {
                    // every buffer holding writes of the filled log goes, so RocksDB puts that log
                    // on its recycle list (a switch can find nothing to do: then it is tried again)
                    committer.switchBuffers(all);
                    if (!flushed()) {
                        return;
                    }
                }
                // the next log is the recycled one: a switch of one buffer with something in it
                // takes it. RocksDB puts the filled log on its list a little after its last flush
                // is installed, so a switch made in between takes a new file: then switch again
                db.put(defaultFamily, unsynced, FILLER_KEY, new byte[0]);
                db.flush(wait, defaultFamily);
                LogFile now = newest();
                if (now.logNumber() > filled && now.sizeFileBytes() >= (long) FILLER_MIB << 20) {
                    return;
                }
                pause();
            }
            log.debug("embedded store {}: no recycled log file in use after priming", name);
        }
    }

    /** The log in use: the newest. */
    private LogFile newest() throws RocksDBException {
        LogFile newest = null;
        for (LogFile f : db.getSortedWalFiles()) {
            if (newest == null || f.logNumber() > newest.logNumber()) {
                newest = f;
            }
        }
        if (newest == null) {
            throw new RocksDBException("no write-ahead log file found");
        }
        return newest;
    }

    private boolean alive(long logNumber) throws RocksDBException {
        return db.getSortedWalFiles().stream().anyMatch(f -> f.logNumber() == logNumber);
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
