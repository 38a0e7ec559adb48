package io.pub.embedded;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Record locks, striped by key. They make compare-and-swap and insert-if-absent atomic within this
 * JVM, which is enough: only one process can open a store directory. A lock is held only while a
 * batch is decided and queued, never across its fsync.
 */
final class Locks {
    private final ReentrantLock[] stripes = new ReentrantLock[256];

    Locks() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    ReentrantLock of(byte[] key) {
        return of(Arrays.hashCode(key));
    }

    ReentrantLock of(Object key) {
        return of(key.hashCode());
    }

    private ReentrantLock of(int hash) {
        int h = hash ^ (hash >>> 16);
        return stripes[h & (stripes.length - 1)];
    }
}
