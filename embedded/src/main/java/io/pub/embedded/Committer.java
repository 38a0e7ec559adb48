package io.pub.embedded;

import io.pub.spi.StoreException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Group commit: the committer thread takes every batch waiting in the queue and writes them as one
 * RocksDB write batch; the syncer thread then fsyncs the log once for every write made while it was
 * busy, and only then completes the futures of batches that asked for durability. N producers
 * waiting at the same time cost one fsync, not N, and writes that need no fsync (leases) complete
 * as soon as they are written instead of queuing behind other callers' fsyncs. The log is written
 * in order, so an fsync also makes durable everything written before it. Before an fsync the syncer
 * lets the committer write what is already queued (at most two writes, microseconds), since those
 * are mostly the producers the previous fsync just released.
 *
 * <p>Until a batch is written, its point writes sit in an overlay that {@link #get} consults first,
 * so a compare-and-swap or insert-if-absent made under a record lock sees the writes queued before
 * it without waiting for their fsync. The overlay entry goes once the write is in the database.
 */
final class Committer implements AutoCloseable {
    private static final Batch STOP = new Batch(null, false);
    private static final List<Batch> STOP_SYNCING = new ArrayList<>();
    private static final int MAX_BATCHES_PER_WRITE = 4096;

    private final RocksDB db;
    private final ColumnFamilyHandle[] families;
    private final boolean durable;
    private final Consumer<WriteBatch> beforeWrite;
    private final Runnable afterFailure;
    private final LongConsumer synced;
    private final BlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
    private final BlockingQueue<List<Batch>> unsynced = new LinkedBlockingQueue<>();
    private final ConcurrentHashMap<Key, Pending> overlay = new ConcurrentHashMap<>();
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    // batches submitted and not yet written: the syncer waits for them briefly, see runSyncer
    private final AtomicLong queued = new AtomicLong();
    private final WriteOptions writeOptions = new WriteOptions().setSync(false);
    private final String name;
    private final Thread thread;
    private final Thread syncer;

    /**
     * @param durable false only in the explicitly less durable mode: nothing is fsynced
     * @param beforeWrite adds records every write must carry (the shards' heads)
     * @param afterFailure undoes what beforeWrite consumed when a write fails
     * @param synced told after each fsync the sequence number up to which the log is now durable
     */
    Committer(
            RocksDB db,
            ColumnFamilyHandle[] families,
            boolean durable,
            String name,
            Consumer<WriteBatch> beforeWrite,
            Runnable afterFailure,
            LongConsumer synced) {
        this.db = db;
        this.families = families;
        this.durable = durable;
        this.beforeWrite = beforeWrite;
        this.afterFailure = afterFailure;
        this.synced = synced;
        this.name = name;
        this.thread = new Thread(this::run, "pub-embedded-committer " + name);
        this.syncer = new Thread(this::runSyncer, "pub-embedded-syncer " + name);
        thread.setDaemon(true);
        syncer.setDaemon(true);
        thread.start();
        syncer.start();
    }

    /**
     * A batch of writes. Build and submit it while holding the lock of every record it changes, so
     * that the overlay and the queue see writes to one record in the same order.
     */
    Batch batch(boolean sync) {
        return new Batch(this, sync);
    }

    /** The record as the next write will leave it: queued writes first, then the database. */
    byte[] get(int family, byte[] key) {
        Pending pending = overlay.get(new Key(family, key));
        if (pending != null) {
            return pending.value;
        }
        try {
            return db.get(families[family], key);
        } catch (RocksDBException e) {
            throw new StoreException("read from the embedded store " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** Waits for a submitted batch (null: nothing was submitted); a failed write is rethrown. */
    static void await(CompletableFuture<?> written) {
        if (written == null) {
            return;
        }
        try {
            written.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * The written records in {@code [from, to)}, in key order. Writes still queued are not seen, as
     * if they had not been made yet.
     */
    <T> List<T> scan(int family, byte[] from, byte[] to, BiFunction<byte[], byte[], T> decode) {
        List<T> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator(families[family])) {
            for (it.seek(from); it.isValid() && Arrays.compareUnsigned(it.key(), to) < 0; it.next()) {
                out.add(decode.apply(it.key(), it.value()));
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("read from the embedded store " + name + " failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** {@link #get} decoded as a record. */
    <T> Optional<T> get(int family, byte[] key, Class<T> type) {
        byte[] v = get(family, key);
        return v == null ? Optional.empty() : Optional.of(Records.decode(v, type));
    }

    long syncs() {
        return syncs.get();
    }

    long writes() {
        return writes.get();
    }

    private void run() {
        List<Batch> round = new ArrayList<>();
        while (true) {
            Batch first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                // only close() stops the committer: pending producers must get an answer
                continue;
            }
            round.clear();
            round.add(first);
            queue.drainTo(round, MAX_BATCHES_PER_WRITE);
            int stop = round.indexOf(STOP);
            if (stop >= 0) {
                commit(round.subList(0, stop));
                queued.addAndGet(-stop);
                return;
            }
            commit(round);
            queued.addAndGet(-round.size());
        }
    }

    private void commit(List<Batch> round) {
        if (round.isEmpty()) {
            return;
        }
        try (WriteBatch wb = new WriteBatch()) {
            for (Batch b : round) {
                for (Op op : b.ops) {
                    op.apply(wb, families);
                }
            }
            beforeWrite.accept(wb);
            db.write(writeOptions, wb);
            writes.incrementAndGet();
        } catch (RocksDBException | RuntimeException | Error e) {
            // every waiting caller gets an answer, and the committer lives on for the next write
            afterFailure.run();
            fail(round, "write to", e);
            return;
        }
        List<Batch> toSync = new ArrayList<>();
        for (Batch b : round) {
            b.clearOverlay();
            if (durable && b.sync) {
                toSync.add(b);
            } else {
                b.done.complete(null);
            }
        }
        if (!toSync.isEmpty()) {
            unsynced.add(toSync);
        }
    }

    private void runSyncer() {
        List<List<Batch>> pending = new ArrayList<>();
        while (true) {
            pending.clear();
            try {
                pending.add(unsynced.take());
            } catch (InterruptedException e) {
                continue;
            }
            unsynced.drainTo(pending);
            // producers released by the previous fsync are submitting again right now; give the
            // committer up to two writes' time to pass their batches on, so one fsync covers them
            long seen = writes.get();
            while (queued.get() > 0 && writes.get() < seen + 2 && thread.isAlive()) {
                LockSupport.parkNanos(20_000);
            }
            unsynced.drainTo(pending);
            boolean stop = pending.removeIf(l -> l == STOP_SYNCING);
            List<Batch> batches = new ArrayList<>();
            pending.forEach(batches::addAll);
            if (!batches.isEmpty()) {
                try {
                    // one fsync covers every write the committer made before this call, so at
                    // least everything up to the sequence number published before it
                    long upTo = db.getLatestSequenceNumber();
                    db.syncWal();
                    syncs.incrementAndGet();
                    batches.forEach(b -> b.done.complete(null));
                    synced.accept(upTo);
                } catch (RocksDBException | RuntimeException | Error e) {
                    fail(batches, "fsync of", e);
                }
            }
            if (stop) {
                return;
            }
        }
    }

    private void fail(List<Batch> batches, String what, Throwable e) {
        StoreException failure =
                new StoreException(what + " the embedded store " + name + " failed: " + e.getMessage(), e);
        for (Batch b : batches) {
            b.clearOverlay();
            b.done.completeExceptionally(failure);
        }
    }

    /** Writes and fsyncs what is queued, then stops both threads. */
    @Override
    public void close() {
        queue.add(STOP);
        boolean interrupted = join(thread);
        unsynced.add(STOP_SYNCING);
        interrupted |= join(syncer);
        writeOptions.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean join(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    static final class Batch {
        private final Committer committer;
        private final boolean sync;
        private final List<Op> ops = new ArrayList<>();
        private final List<Key> overlaid = new ArrayList<>();
        private final List<Pending> overlaidValues = new ArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        private Batch(Committer committer, boolean sync) {
            this.committer = committer;
            this.sync = sync;
        }

        Batch put(int family, byte[] key, byte[] value) {
            ops.add(new Op(Op.PUT, family, key, value));
            overlay(family, key, value);
            return this;
        }

        /** A put others will not see before it is written: for records nobody else uses yet. */
        Batch putBlind(int family, byte[] key, byte[] value) {
            ops.add(new Op(Op.PUT, family, key, value));
            return this;
        }

        Batch delete(int family, byte[] key) {
            ops.add(new Op(Op.DELETE, family, key, null));
            overlay(family, key, null);
            return this;
        }

        /** Deletes [from, to). Not overlaid: callers wait for it before anyone relies on it. */
        Batch deleteRange(int family, byte[] from, byte[] to) {
            ops.add(new Op(Op.DELETE_RANGE, family, from, to));
            return this;
        }

        /** Queues the batch; the future completes once it is written (and fsynced if asked). */
        CompletableFuture<Void> submit() {
            committer.queued.incrementAndGet();
            committer.queue.add(this);
            return done;
        }

        /** {@link #submit()}, or null if there is nothing to write. */
        CompletableFuture<Void> submitIfAny() {
            return ops.isEmpty() ? null : submit();
        }

        private void overlay(int family, byte[] key, byte[] value) {
            Key k = new Key(family, key);
            Pending p = new Pending(value);
            committer.overlay.put(k, p);
            overlaid.add(k);
            overlaidValues.add(p);
        }

        private void clearOverlay() {
            for (int i = 0; i < overlaid.size(); i++) {
                // a later batch may have overlaid the key again; its entry stays until it is written
                committer.overlay.remove(overlaid.get(i), overlaidValues.get(i));
            }
        }
    }

    /** A queued write of one record (null value: deleted); compared by identity. */
    private static final class Pending {
        final byte[] value;

        Pending(byte[] value) {
            this.value = value;
        }
    }

    private record Op(int kind, int family, byte[] a, byte[] b) {
        static final int PUT = 0;
        static final int DELETE = 1;
        static final int DELETE_RANGE = 2;

        void apply(WriteBatch wb, ColumnFamilyHandle[] families) throws RocksDBException {
            switch (kind) {
                case PUT -> wb.put(families[family], a, b);
                case DELETE -> wb.delete(families[family], a);
                default -> wb.deleteRange(families[family], a, b);
            }
        }
    }

    private record Key(int family, byte[] key) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.family == family && Arrays.equals(k.key, key);
        }

        @Override
        public int hashCode() {
            return 31 * family + Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return family + ":" + Arrays.toString(key);
        }
    }
}
