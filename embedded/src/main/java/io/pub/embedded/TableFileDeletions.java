package io.pub.embedded;

import org.rocksdb.AbstractEventListener;
import org.rocksdb.TableFileDeletionInfo;

/**
 * Counts the table files RocksDB deleted. A compaction's input files go a moment after the compaction
 * returns, on a RocksDB thread; a test that checks the space given back waits for them here.
 */
final class TableFileDeletions extends AbstractEventListener {
    private long deleted; // guarded by this

    TableFileDeletions() {
        super(EnabledEventCallback.ON_TABLE_FILE_DELETED);
    }

    @Override
    public synchronized void onTableFileDeleted(TableFileDeletionInfo info) {
        deleted++;
        notifyAll();
    }

    synchronized long count() {
        return deleted;
    }

    /** Waits until more than {@code seen} table files were deleted, at most {@code millis}; true if they were. */
    synchronized boolean awaitMore(long seen, long millis) throws InterruptedException {
        return Monitors.await(this, () -> deleted > seen, millis);
    }
}
