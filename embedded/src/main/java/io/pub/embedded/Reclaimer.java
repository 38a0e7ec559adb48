package io.pub.embedded;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.LiveFileMetaData;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives disk space back once messages are gone. Trimming a shard or deleting a topic forgets the
 * segments it passed ({@link Segments}): nothing reads their keys any more, but their bytes stay in
 * table files (those still in the write buffer being filled are range-deleted, and its flush drops
 * them). On its own thread, so trim and deleteTopic never wait for it, this drops every table file
 * that holds only forgotten segments, without rewriting any: segments end with their write buffer,
 * so a file's segments are forgotten together once every shard in it has moved on, and a file still
 * holding live segments keeps its forgotten ones until they are all gone. RocksDB would not do it on
 * its own: it compacts only as new data arrives, and keeps keys nothing deleted.
 *
 * <p>Removed ranges are merged with those next to them and kept while a file still overlaps them: a
 * file is dropped only when one range holds it whole.
 */
final class Reclaimer {
    private static final long FLUSH_WAIT_MILLIS = 30_000;
    private static final Logger log = LoggerFactory.getLogger(Reclaimer.class);

    private final RocksDB db;
    private final ColumnFamilyHandle messages;
    private final String family;
    private final String name;
    // start key -> end key of the removed ranges some file still overlaps, merged where they overlap or touch
    private final TreeMap<byte[], byte[]> removed = new TreeMap<>(Arrays::compareUnsigned);
    private boolean changed; // guarded by this: removed has ranges not looked at yet
    private final CompactRangeOptions moveDown =
            new CompactRangeOptions().setExclusiveManualCompaction(false).setAllowWriteStall(false);
    private final Thread thread;
    private boolean closing; // guarded by this
    private boolean busy; // guarded by this: ranges taken from removed are being looked at

    Reclaimer(RocksDB db, ColumnFamilyHandle messages, String name) throws RocksDBException {
        this.db = db;
        this.messages = messages;
        this.family = new String(messages.getName(), StandardCharsets.UTF_8);
        this.name = name;
        this.thread = new Thread(this::run, "pub-embedded-reclaimer " + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Messages in {@code [from, to)} were removed; the files that hold only such keys are dropped. */
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

    private void run() {
        while (true) {
            TreeMap<byte[], byte[]> ranges = new TreeMap<>(Arrays::compareUnsigned);
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
                ranges.putAll(removed);
                changed = false;
                busy = true;
            }
            try {
                // a write buffer still being flushed when the trim came lands in a file right after
                awaitFlushes();
                drop(ranges);
                forgetReclaimed(ranges);
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

    /**
     * Drops the files one of {@code ranges} holds whole. RocksDB drops none of level 0: those are
     * first moved down by a compaction of their own key range, which moves a file that overlaps no
     * other instead of rewriting it.
     */
    private void drop(TreeMap<byte[], byte[]> ranges) throws RocksDBException {
        List<byte[]> bounds = new ArrayList<>();
        ranges.forEach((from, to) -> {
            bounds.add(from);
            bounds.add(to);
        });
        db.deleteFilesInRanges(messages, bounds, false);
        List<LiveFileMetaData> level0 = files().stream()
                .filter(f -> f.level() == 0 && within(f, ranges))
                .toList();
        for (LiveFileMetaData f : level0) {
            db.compactRange(messages, f.smallestKey(), f.largestKey(), moveDown);
        }
        if (!level0.isEmpty()) {
            db.deleteFilesInRanges(messages, bounds, false);
        }
    }

    /** Ranges no file overlaps any more are done: no file can come to hold their keys. */
    private void forgetReclaimed(TreeMap<byte[], byte[]> ranges) throws RocksDBException {
        List<LiveFileMetaData> files = files();
        ranges.forEach((from, to) -> {
            boolean overlapped = files.stream()
                    .anyMatch(f -> Arrays.compareUnsigned(f.smallestKey(), to) < 0
                            && Arrays.compareUnsigned(f.largestKey(), from) >= 0);
            if (!overlapped) {
                synchronized (this) {
                    removed.remove(from, to); // unless it grew meanwhile
                }
            }
        });
    }

    private static boolean within(LiveFileMetaData f, TreeMap<byte[], byte[]> ranges) {
        Map.Entry<byte[], byte[]> r = ranges.floorEntry(f.smallestKey());
        return r != null && Arrays.compareUnsigned(f.largestKey(), r.getValue()) < 0;
    }

    private List<LiveFileMetaData> files() {
        return db.getLiveFilesMetaData().stream()
                .filter(f -> family.equals(new String(f.columnFamilyName(), StandardCharsets.UTF_8)))
                .toList();
    }

    private void warn(RocksDBException e) {
        synchronized (this) {
            if (closing) {
                return; // close() stopped it
            }
        }
        log.warn("embedded store {}: dropping the files of removed messages failed: {}", name, e.getMessage());
    }

    /** Waits until every range removed so far has been looked at (and the files it holds whole dropped). */
    synchronized void awaitIdle() throws InterruptedException {
        while (!closing && (busy || changed)) {
            wait();
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

    /** Stops the thread; before the database closes. */
    void close() {
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        moveDown.setCanceled(true);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        moveDown.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
