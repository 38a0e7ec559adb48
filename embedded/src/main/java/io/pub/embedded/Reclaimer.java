package io.pub.embedded;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.Range;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.SizeApproximationFlag;
import org.rocksdb.Slice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives disk space back once messages are gone. Trimming a shard or deleting a topic forgets the
 * segments it passed ({@link Segments}): nothing reads their keys any more, but their bytes stay in
 * SST files. On its own thread, so trim and deleteTopic never wait for it, this drops the files that
 * hold only forgotten segments, and when a removed range still holds at least {@link #THRESHOLD}
 * bytes of files (files shared with live segments, or level 0's), deletes and compacts that range.
 * RocksDB would not do it for them: it compacts only as new data arrives, and then it keeps keys
 * nothing deleted.
 *
 * <p>Removed ranges are merged with those next to them and kept until compacted: a segment is at
 * most a few MiB, and the segments of the shards that write at the same time lie side by side, so
 * what is worth a compaction is the run of them once every shard has moved on.
 */
final class Reclaimer {
    static final long THRESHOLD = 16L << 20;
    private static final long FLUSH_WAIT_MILLIS = 30_000;
    private static final Logger log = LoggerFactory.getLogger(Reclaimer.class);

    private final RocksDB db;
    private final ColumnFamilyHandle messages;
    private final String name;
    // start key -> end key of the removed ranges not compacted yet, merged where they overlap or touch
    private final TreeMap<byte[], byte[]> removed = new TreeMap<>(Arrays::compareUnsigned);
    private boolean changed; // guarded by this: removed has ranges not looked at yet
    private final CompactRangeOptions compaction =
            new CompactRangeOptions().setExclusiveManualCompaction(false).setAllowWriteStall(false);
    private final AtomicLong compactions = new AtomicLong();
    private final Thread thread;
    private boolean closing; // guarded by this
    private boolean busy; // guarded by this: ranges taken from pending are being looked at

    Reclaimer(RocksDB db, ColumnFamilyHandle messages, String name) {
        this.db = db;
        this.messages = messages;
        this.name = name;
        this.thread = new Thread(this::run, "pub-embedded-reclaimer " + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Messages in {@code [from, to)} were removed; their space is given back if it is worth a compaction. */
    synchronized void removed(byte[] from, byte[] to) {
        Map.Entry<byte[], byte[]> e = removed.floorEntry(from);
        if (e != null && Arrays.compareUnsigned(e.getValue(), from) >= 0) {
            from = e.getKey();
            to = later(to, e.getValue());
        }
        while ((e = removed.ceilingEntry(from)) != null && Arrays.compareUnsigned(e.getKey(), to) <= 0) {
            to = later(to, e.getValue());
            removed.remove(e.getKey());
        }
        removed.put(from, to);
        changed = true;
        notifyAll();
    }

    private static byte[] later(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b) >= 0 ? a : b;
    }

    /** Compactions run so far. */
    long compactions() {
        return compactions.get();
    }

    private void run() {
        while (true) {
            List<byte[][]> ranges = new ArrayList<>();
            synchronized (this) {
                while (!closing && !changed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // close() sets closing first
                    }
                }
                if (closing) {
                    return;
                }
                removed.forEach((from, to) -> ranges.add(new byte[][] {from, to}));
                changed = false;
                busy = true;
            }
            try {
                // a write buffer still being flushed when the trim came lands in a file right after:
                // measured before, a range could look too small and stay on disk. The active buffer
                // does not count: a flush drops what the range delete covers there for free
                awaitFlushes();
                for (byte[][] r : ranges) {
                    if (reclaim(r[0], r[1])) {
                        synchronized (this) {
                            removed.remove(r[0], r[1]); // unless it grew meanwhile
                        }
                    }
                }
            } catch (RocksDBException e) {
                warn(e);
            } finally {
                synchronized (this) {
                    busy = false;
                    notifyAll();
                }
            }
        }
    }

    /** Waits until every range removed so far has been looked at (and compacted if worth it). */
    synchronized void awaitIdle() throws InterruptedException {
        while (!closing && (busy || changed)) {
            wait();
        }
    }

    /**
     * Drops the table files wholly inside {@code [from, to)} (RocksDB leaves those of level 0), then,
     * if what the range still holds in files comes to THRESHOLD bytes, deletes the range and compacts
     * it; true if done.
     */
    private boolean reclaim(byte[] from, byte[] to) {
        try (Slice start = new Slice(from);
                Slice end = new Slice(to)) {
            db.deleteFilesInRanges(messages, List.of(from, to), false);
            long bytes = db.getApproximateSizes(
                            messages, List.of(new Range(start, end)), SizeApproximationFlag.INCLUDE_FILES)[0];
            if (bytes < THRESHOLD) {
                return false;
            }
            // nothing reads these keys any more (their segments are forgotten); the range delete
            // lets the compaction drop them instead of rewriting them
            db.deleteRange(messages, from, to);
            db.compactRange(messages, from, to, compaction);
            compactions.incrementAndGet();
            return true;
        } catch (RocksDBException e) {
            warn(e);
            return false;
        }
    }

    private void warn(RocksDBException e) {
        synchronized (this) {
            if (closing) {
                return; // close() cancelled it
            }
        }
        log.warn("embedded store {}: compacting removed messages failed: {}", name, e.getMessage());
    }

    /** Waits (at most FLUSH_WAIT_MILLIS, or until close) for the messages' full write buffers to be flushed. */
    private void awaitFlushes() throws RocksDBException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLUSH_WAIT_MILLIS);
        while (db.getLongProperty(messages, "rocksdb.num-immutable-mem-table") > 0 && System.nanoTime() < deadline) {
            synchronized (this) {
                if (closing) {
                    return;
                }
                try {
                    wait(10);
                } catch (InterruptedException e) {
                    // close() sets closing first
                }
            }
        }
    }

    /** Cancels a compaction in progress and stops the thread; before the database closes. */
    void close() {
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        compaction.setCanceled(true);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        compaction.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
