package io.pub.embedded;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Gives disk space back once messages are gone. Trimming a shard or deleting a topic is a range
 * delete: the messages vanish at once, but their bytes stay in SST files until a compaction
 * rewrites those files, which RocksDB starts on its own only as new data arrives, and never if
 * publishing stops. When a removed range still holds at least {@link #THRESHOLD} bytes of files,
 * this compacts that range, on its own thread, so trim and deleteTopic never wait for it.
 */
final class Reclaimer {
    static final long THRESHOLD = 16L << 20;
    private static final long FLUSH_WAIT_MILLIS = 30_000;
    private static final Logger log = LoggerFactory.getLogger(Reclaimer.class);

    private final RocksDB db;
    private final ColumnFamilyHandle messages;
    private final String name;
    // start key -> end key of the removed ranges not looked at yet; a later range from the same
    // start (the next trim of a shard) covers the earlier one
    private final Map<ByteBuffer, byte[]> pending = new LinkedHashMap<>();
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
        pending.put(ByteBuffer.wrap(from), to);
        notifyAll();
    }

    /** Compactions run so far. */
    long compactions() {
        return compactions.get();
    }

    private void run() {
        while (true) {
            List<byte[][]> ranges = new ArrayList<>();
            synchronized (this) {
                while (!closing && pending.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // close() sets closing first
                    }
                }
                if (closing) {
                    return;
                }
                pending.forEach((from, to) -> ranges.add(new byte[][] {from.array(), to}));
                pending.clear();
                busy = true;
            }
            try {
                for (byte[][] r : ranges) {
                    reclaim(r[0], r[1]);
                }
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
        while (!closing && (busy || !pending.isEmpty())) {
            wait();
        }
    }

    private void reclaim(byte[] from, byte[] to) {
        try (Slice start = new Slice(from);
                Slice end = new Slice(to)) {
            // a write buffer still being flushed when the trim came lands in a file right after:
            // measured before, the range could look too small and stay on disk. The active buffer
            // does not count: a flush drops what the range delete covers there for free
            awaitFlushes();
            long bytes = db.getApproximateSizes(
                            messages, List.of(new Range(start, end)), SizeApproximationFlag.INCLUDE_FILES)[0];
            if (bytes < THRESHOLD) {
                return;
            }
            db.compactRange(messages, from, to, compaction);
            compactions.incrementAndGet();
        } catch (RocksDBException e) {
            synchronized (this) {
                if (closing) {
                    return; // close() cancelled it
                }
            }
            log.warn("embedded store {}: compacting removed messages failed: {}", name, e.getMessage());
        }
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
