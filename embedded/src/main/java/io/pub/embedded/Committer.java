package io.pub.embedded;

import io.pub.TopicShard;
import io.pub.spi.StoreException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit, in two turns that one thread at a time takes: in the write turn a thread takes
 * every batch waiting in the queue and writes them as one RocksDB write batch; in the sync turn it
 * fsyncs the log once for everything written so far and completes the futures of the batches that
 * asked for durability. The log is written in order, so an fsync also makes durable everything
 * written before it.
 *
 * <p>Who takes the turns: a caller that waits for its batch ({@link #await}) and needs an fsync
 * does both itself if it finds no other such caller at work, so one producer alone pays one write
 * and one fsync and no hand-off between threads. Those that come while one is at work leave their
 * batches to two background threads, whose syncer lets up to two more writes pass before each fsync
 * (mostly the senders the previous fsync just released), so N producers at once cost far fewer than
 * N fsyncs. Batches nobody waits for (asynchronous sends, {@link Batch#submitInBackground}) go to
 * the background threads too. A caller whose write needs no fsync (a lease) takes the write turn
 * itself, also while a producer fsyncs, and returns once written: a consumer woken by a message
 * written just before that fsync ({@link Batch#readable}) leases it meanwhile, with no hand-off.
 *
 * <p>Until a batch is written, its point writes sit in an overlay that {@link #get} consults first,
 * so a compare-and-swap or insert-if-absent made under a record lock sees the writes queued before
 * it without waiting for their fsync. The overlay entry goes once the write is in the database.
 * One writer at a time takes batches in queue order, so writes to one record reach the database in
 * the order their record lock gave them.
 */
final class Committer implements AutoCloseable {
    private static final int MAX_BATCHES_PER_WRITE = 4096;
    /** Bytes a message scan reads ahead from a table file (see {@link #scan}). */
    private static final long MESSAGE_READAHEAD = 64 * 1024;
    /**
     * Message bytes after which the next segments start a new generation: under the write buffer's
     * size, so the buffer is switched by the committer before RocksDB would switch it on its own.
     */
    static final long BUFFER_CUT = EmbeddedController.WRITE_BUFFER * 3 / 4;

    private static final Logger log = LoggerFactory.getLogger(Committer.class);
    // the background threads also look for work this often, should a batch be queued unannounced
    private static final long IDLE_CHECK_MILLIS = 50;

    private final RocksDB db;
    private final ColumnFamilyHandle[] families;
    private final boolean durable;
    private final Consumer<WriteBatch> beforeWrite;
    private final Runnable afterFailure;
    private final LongConsumer synced;
    private final Consumer<TopicShard> readable;
    private final ConcurrentLinkedQueue<Batch> queue = new ConcurrentLinkedQueue<>();
    // written batches that wait for an fsync
    private final ConcurrentLinkedQueue<Batch> unsynced = new ConcurrentLinkedQueue<>();
    private final ConcurrentHashMap<Key, Pending> overlay = new ConcurrentHashMap<>();
    private final Turn writing = new Turn();
    private final Turn syncing = new Turn();
    private final Semaphore toWrite = new Semaphore(0);
    private final Semaphore toSync = new Semaphore(0);
    private final AtomicInteger leading = new AtomicInteger();
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    // batches submitted and not yet written: the background syncer waits for them briefly
    private final AtomicLong queued = new AtomicLong();
    private final WriteOptions writeOptions = new WriteOptions().setSync(false);
    private final FlushOptions switchBuffer =
            new FlushOptions().setWaitForFlush(false).setAllowWriteStall(true);
    // the generation of segments new writes start (Segments): the write turn moves it on once the
    // messages' write buffer is nearly full, and switches the buffer before writing the first batch of
    // the next one, so the buffers' table files never share a segment
    private final AtomicLong generation = new AtomicLong();
    private long bufferGeneration; // in the write turn: the generation whose batches go into the buffer
    private long bufferBytes; // in the write turn: about what the buffer holds of messages
    private final String name;
    private final Thread thread;
    private final Thread syncer;
    private volatile boolean closing;
    // the syncer waits for writes before an fsync: whoever writes wakes it (runSyncer)
    private volatile boolean gathering;

    /**
     * @param durable false only in the explicitly less durable mode: nothing is fsynced
     * @param beforeWrite adds records every write must carry (the shards' heads)
     * @param afterFailure undoes what beforeWrite consumed when a write fails
     * @param synced told after each fsync the sequence number up to which the log is now durable
     * @param readable told, once per write, of each shard whose messages the write made readable
     *     ({@link Batch#readable}): before the write's fsync, in the write turn, so it must be quick
     */
    Committer(
            RocksDB db,
            ColumnFamilyHandle[] families,
            boolean durable,
            String name,
            Consumer<WriteBatch> beforeWrite,
            Runnable afterFailure,
            LongConsumer synced,
            Consumer<TopicShard> readable) {
        this.db = db;
        this.families = families;
        this.durable = durable;
        this.beforeWrite = beforeWrite;
        this.afterFailure = afterFailure;
        this.synced = synced;
        this.readable = readable;
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

    /**
     * Waits for a submitted batch (null: nothing was submitted), writing and fsyncing it on this
     * thread unless another thread is doing so; a failed write is rethrown.
     */
    static void await(CompletableFuture<?> written) {
        if (written == null) {
            return;
        }
        if (written instanceof Written w) {
            w.batch.committer.lead(w.batch);
        }
        join(written);
    }

    /** Waits for a batch the background threads write ({@link Batch#submitInBackground}). */
    static void join(CompletableFuture<?> written) {
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
        // bounded: past the last key of the range, an unbounded step walked through the deletions
        // after it (consumed messages of later segments, dropped leases) to find the next live key.
        // Message blocks stay out of the block cache: a consumer's scan reads each about once, so
        // caching it mostly evicts records that are read again (leases, cursors, offsets). Message files
        // are read 64 KiB ahead from the first read, not a read per 4 KiB block: a window of 1 KiB
        // messages spans many blocks, and RocksDB's own readahead starts only at a file's third read
        try (Slice upper = new Slice(to);
                ReadOptions bounded = new ReadOptions()
                        .setIterateUpperBound(upper)
                        .setFillCache(family != Families.MESSAGES)
                        .setReadaheadSize(family == Families.MESSAGES ? MESSAGE_READAHEAD : 0);
                RocksIterator it = db.newIterator(families[family], bounded)) {
            for (it.seek(from); it.isValid() && Arrays.compareUnsigned(it.key(), to) < 0; it.next()) {
                out.add(decode.apply(it.key(), it.value()));
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("read from the embedded store " + name + " failed: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The last key in {@code [from, to)} in the database (queued writes not seen: for callers that
     * know none of theirs is queued there). Bounded: unbounded, a seek back from {@code to} walked
     * through the deletions of every key below it (a drained subscription's leases) to find one.
     */
    byte[] lastKey(int family, byte[] from, byte[] to) {
        try (Slice lower = new Slice(from);
                Slice upper = new Slice(to);
                ReadOptions bounded =
                        new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
                RocksIterator it = db.newIterator(families[family], bounded)) {
            it.seekToLast();
            byte[] key = it.isValid() ? it.key() : null;
            it.status();
            return key;
        } catch (RocksDBException e) {
            throw new StoreException("read from the embedded store " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** {@link #get} decoded as a record. */
    <T> Optional<T> get(int family, byte[] key, Class<T> type) {
        byte[] v = get(family, key);
        return v == null ? Optional.empty() : Optional.of(Records.decode(v, type));
    }

    long syncs() {
        return syncs.get();
    }

    /** The generation a batch that starts a segment now gives it ({@link Batch#generation}). */
    long generation() {
        return generation.get();
    }

    long writes() {
        return writes.get();
    }

    /**
     * Until {@code mine} is settled: write what is queued if it is not written yet, then fsync what
     * is written. Each step waits for a thread already doing it, which often does it for us.
     * Futures of batches that need no fsync complete after the write turn is given back; those
     * that waited for an fsync, in the sync turn (see {@link #syncWritten}).
     */
    private void lead(Batch mine) {
        if (!(durable && mine.sync)) {
            leadAlone(mine); // only the write turn, which an fsync does not hold
            return;
        }
        if (leading.getAndIncrement() > 0) {
            // another caller is writing or fsyncing: the background threads group this batch
            // with the others that come meanwhile, as a lone caller cannot
            leading.decrementAndGet();
            toWrite.release();
            return;
        }
        try {
            leadAlone(mine);
        } finally {
            leading.decrementAndGet();
        }
    }

    private void leadAlone(Batch mine) {
        if (writing.take(() -> mine.written)) {
            writeAndRelease();
            if (mine.settled && !unsynced.isEmpty()) {
                toSync.release(); // this caller needs no fsync; others' batches written with it do
            }
        }
        while (syncing.take(() -> mine.settled)) {
            try {
                // others that submitted meanwhile (mostly senders the last fsync released): if
                // nobody is writing, write theirs too, so this fsync covers them
                if (!queue.isEmpty() && writing.tryTake()) {
                    writeAndRelease();
                }
                syncWritten();
            } finally {
                syncing.release();
            }
        }
    }

    /**
     * Holding the write turn: writes the queue, gives the turn back, then completes the batches
     * that need no fsync. At once, not when the caller is done: whoever waits for one of them may
     * hold the sync turn the caller is about to wait for (a completion taking a lease, say).
     */
    private void writeAndRelease() {
        List<Batch> finished = new ArrayList<>();
        try {
            writeQueued(finished);
        } finally {
            writing.release();
            finish(finished);
        }
    }

    /**
     * In the write turn: writes every queued batch (in rounds of at most 4,096) as one write;
     * adds those that need nothing more to {@code finished}.
     */
    private void writeQueued(List<Batch> finished) {
        writeQueued(finished, Long.MAX_VALUE);
    }

    /** {@link #writeQueued(List)}, stopping before the first batch of generation {@code before} or later. */
    private void writeQueued(List<Batch> finished, long before) {
        List<Batch> round = new ArrayList<>();
        Batch next = poll(before);
        while (next != null) {
            if (next.generation > bufferGeneration) {
                newBuffer(next.generation);
            }
            // a round ends before the first batch of a later generation: it goes into a new buffer
            while (next != null && round.size() < MAX_BATCHES_PER_WRITE && next.generation <= bufferGeneration) {
                round.add(next);
                next = poll(before);
            }
            commit(round, finished);
            queued.addAndGet(-round.size());
            round.clear();
            if (gathering) {
                LockSupport.unpark(syncer); // the syncer waits for this write (runSyncer)
            }
        }
    }

    /** The next queued batch if it is of a generation before {@code before}; only the write turn takes batches. */
    private Batch poll(long before) {
        Batch next = queue.peek();
        return next != null && next.generation < before ? queue.poll() : null;
    }

    /**
     * Switches every write buffer (flushes not waited for) in the write turn, so between two writes,
     * and starts a new generation of segments as a full messages' buffer does ({@link LogPrimer}).
     * The batches of the buffer's generation queued before the switch go into the buffer first: a
     * segment's records written on both sides of a switch make two table files overlap.
     */
    void switchBuffers(List<ColumnFamilyHandle> all) throws RocksDBException {
        List<Batch> finished = new ArrayList<>();
        writing.take(() -> false);
        try {
            // only those of the buffer's generation (and none): one of a later generation would switch
            // the messages' buffer first, and two switches at once stop RocksDB's writes until a flush;
            // and one switch, one new log file, which LogPrimer counts on
            writeQueued(finished, bufferGeneration + 1);
            db.flush(switchBuffer, all);
            // writers from now on start segments of the next generation; one that took the generation
            // before while this turn was held still puts its records into the new buffer
            bufferGeneration = generation.incrementAndGet();
            bufferBytes = 0;
        } finally {
            writing.release();
            finish(finished);
        }
        if (!unsynced.isEmpty()) {
            toSync.release(); // batches written here that wait for an fsync
        }
        if (!queue.isEmpty()) {
            toWrite.release(); // batches queued meanwhile may have found the turn taken
        }
    }

    /**
     * In the write turn: switches the messages' write buffer (a flush not waited for), so that what
     * is written from now on goes into a new one. A failed switch only costs overlapping files.
     *
     * <p>The other record kinds' buffers are switched with it. Each switch starts a new log file, and
     * RocksDB writes over a log file it gave up (RECYCLED_LOGS) only once every buffer holding its
     * records is flushed. Left alone, the cursors' and leases' buffers kept each log file in use until
     * the log limit, so the next switch found none given up and started a new file, which grows with
     * every write: each fsync then also writes the file's size, at the disk's new-file rate rather than
     * its preallocated one (EmbeddedStoreTest, bench/RESULTS.md).
     */
    private void newBuffer(long nextGeneration) {
        try {
            db.flush(switchBuffer, List.of(families));
        } catch (RocksDBException e) {
            log.warn("embedded store {}: switching the write buffers failed: {}", name, e.getMessage());
        }
        bufferGeneration = nextGeneration;
        bufferBytes = 0;
    }

    private void commit(List<Batch> round, List<Batch> finished) {
        try (WriteBatch wb = new WriteBatch()) {
            long bytes = 0;
            for (Batch b : round) {
                for (Op op : b.ops) {
                    op.apply(wb, families);
                    bytes += op.messageBytes();
                }
            }
            beforeWrite.accept(wb);
            db.write(writeOptions, wb);
            writes.incrementAndGet();
            bufferBytes += bytes;
            if (bufferBytes > BUFFER_CUT && generation.get() == bufferGeneration) {
                generation.incrementAndGet();
            }
        } catch (RocksDBException | RuntimeException | Error e) {
            // every waiting caller gets an answer, and the committer lives on for the next write
            afterFailure.run();
            fail(round, "write to", e);
            finished.addAll(round);
            return;
        }
        for (Batch b : round) {
            b.stored.set(true); // before readers hear of it: one woken now finds it stored
        }
        tellReadable(round);
        for (Batch b : round) {
            b.clearOverlay();
            if (durable && b.sync) {
                unsynced.add(b); // before it counts as written: whoever sees it written finds it there
                b.written = true;
            } else {
                b.written = true;
                b.settled = true;
                finished.add(b);
            }
        }
    }

    /**
     * Tells of the shards the round's messages went to, each once (a round of asynchronous sends holds
     * many batches of one shard): now, before any of them can complete, so before the calls that wrote
     * them return. A listener's failure is its own, not the write's.
     */
    private void tellReadable(List<Batch> round) {
        Set<TopicShard> shards = null;
        for (Batch b : round) {
            if (b.readable != null) {
                shards = shards == null ? new LinkedHashSet<>() : shards;
                shards.add(b.readable);
            }
        }
        if (shards == null) {
            return;
        }
        for (TopicShard s : shards) {
            try {
                readable.accept(s);
            } catch (RuntimeException e) {
                log.warn("embedded store {}: a listener of written messages failed: {}", name, e.toString());
            }
        }
    }

    /**
     * In the sync turn: one fsync for every batch written so far, then completes them. Their
     * futures complete before the turn is given back: a caller they release that comes back at
     * once finds the turn taken and waits, and others' batches gather behind it for the next fsync
     * (completing after the turn cost 10-15% from 4 threads, 0.42 fsyncs a message instead of 0.36).
     * What runs on completion must not wait for an fsync, as on any committer thread.
     */
    private void syncWritten() {
        List<Batch> batches = new ArrayList<>();
        for (Batch b; (b = unsynced.poll()) != null; ) {
            batches.add(b);
        }
        if (batches.isEmpty()) {
            return;
        }
        try {
            // one fsync covers every write made before this call, so at least everything up to the
            // sequence number read before it
            long upTo = db.getLatestSequenceNumber();
            db.syncWal();
            syncs.incrementAndGet();
            synced.accept(upTo);
            batches.forEach(b -> b.settled = true);
        } catch (RocksDBException | RuntimeException | Error e) {
            fail(batches, "fsync of", e);
        }
        finish(batches);
    }

    /** Completes the futures of settled batches. */
    private static void finish(List<Batch> finished) {
        for (Batch b : finished) {
            if (b.failure == null) {
                b.done.complete(null);
            } else {
                b.done.completeExceptionally(b.failure);
            }
        }
        finished.clear();
    }

    /** Background: writes the batches submitted for it (and any a caller left behind). */
    private void run() {
        while (true) {
            if (queue.isEmpty()) {
                if (closing) {
                    return;
                }
                idle(toWrite);
                continue;
            }
            writing.take(() -> false);
            writeAndRelease();
            if (!unsynced.isEmpty()) {
                toSync.release();
            }
        }
    }

    /** Background: fsyncs what the background writer (or a caller that left) wrote. */
    private void runSyncer() {
        while (true) {
            if (unsynced.isEmpty()) {
                if (closing && !thread.isAlive()) {
                    return;
                }
                idle(toSync);
                continue;
            }
            // senders released by the previous fsync are submitting again right now; give the
            // writer up to two writes' time to pass their batches on, so one fsync covers them. Each
            // write wakes this wait (writeQueued), so the fsync starts as the write lands: polled every
            // 20 us, it started up to a poll and a trip through the run queue later, with the fsync
            // idle meanwhile (queue-4x4 9% slower, bench/RESULTS.md)
            long seen = writes.get();
            long deadline = System.nanoTime() + 1_000_000;
            gathering = true;
            for (long left;
                    queued.get() > 0 && writes.get() < seen + 2 && (left = deadline - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(left);
            }
            gathering = false;
            syncing.take(() -> false);
            try {
                syncWritten();
            } finally {
                syncing.release();
            }
        }
    }

    private static void idle(Semaphore work) {
        try {
            work.tryAcquire(IDLE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
            work.drainPermits();
        } catch (InterruptedException e) {
            // only close() stops the background threads: pending writers must get an answer
        }
    }

    /** Settles the batches as failed (their futures complete with {@link #finish}). */
    private void fail(List<Batch> batches, String what, Throwable e) {
        StoreException failure =
                new StoreException(what + " the embedded store " + name + " failed: " + e.getMessage(), e);
        for (Batch b : batches) {
            b.clearOverlay();
            b.failure = failure;
            b.written = true;
            b.settled = true;
        }
    }

    /** Writes and fsyncs what is queued, then stops both threads. */
    @Override
    public void close() {
        closing = true;
        toWrite.release();
        boolean interrupted = join(thread);
        toSync.release();
        interrupted |= join(syncer);
        writeOptions.close();
        switchBuffer.close();
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

    /**
     * One thread at a time writes (or fsyncs). Unlike a lock, its release wakes every waiter at
     * once, and a waiter whose work the holder did leaves without taking a turn: N callers waiting
     * for one fsync that covered them all return together instead of one lock hand-off after the
     * other.
     */
    private static final class Turn {
        private boolean busy;

        /** Waits for the turn and takes it (true), or returns false once {@code done} holds. */
        synchronized boolean take(BooleanSupplier done) {
            boolean interrupted = false;
            try {
                while (busy && !done.getAsBoolean()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (done.getAsBoolean()) {
                    return false;
                }
                busy = true;
                return true;
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Takes the turn if nobody has it. */
        synchronized boolean tryTake() {
            if (busy) {
                return false;
            }
            busy = true;
            return true;
        }

        synchronized void release() {
            busy = false;
            notifyAll();
        }
    }

    /** The future of a submitted batch: {@link #await} on it helps write it. */
    private static final class Written extends CompletableFuture<Void> {
        private final Batch batch;

        private Written(Batch batch) {
            this.batch = batch;
        }
    }

    static final class Batch {
        private final Committer committer;
        private final boolean sync;
        private final List<Op> ops = new ArrayList<>();
        private long generation = -1; // of the segments it starts (Segments), -1: none
        private TopicShard readable; // its messages' shard, to tell once they are readable
        private final List<Key> overlaid = new ArrayList<>();
        private final List<Pending> overlaidValues = new ArrayList<>();
        private final Written done = new Written(this);
        // set in the write turn once the batch is in the database (or failed)
        private volatile boolean written;
        // set in the write turn once the batch is in the database, before anyone is told it is
        private final AtomicBoolean stored = new AtomicBoolean();
        // set in a turn once nothing more is to be done: written, and fsynced if asked (or failed)
        private volatile boolean settled;
        private volatile StoreException failure;

        private Batch(Committer committer, boolean sync) {
            this.committer = committer;
            this.sync = sync;
        }

        Batch put(int family, byte[] key, byte[] value) {
            ops.add(new Op(Op.PUT, family, key, value));
            overlay(family, key, value);
            return this;
        }

        /**
         * Whether the batch is in the database: what it put is what a scan now finds. Holding this
         * keeps nothing else of the batch alive.
         */
        BooleanSupplier stored() {
            return stored::get;
        }

        /** This batch writes into segments of {@code g}: it goes into that generation's write buffer. */
        Batch generation(long g) {
            generation = Math.max(generation, g);
            return this;
        }

        /**
         * The batch writes messages of {@code shard}: the committer's {@code readable} listener hears
         * of it once the batch is in the database, before its fsync and before its future completes.
         */
        Batch readable(TopicShard shard) {
            readable = shard;
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

        /**
         * Queues the batch for a caller that will {@link #await} it, which writes it then; the
         * future completes once it is written (and fsynced if asked).
         */
        CompletableFuture<Void> submit() {
            committer.queued.incrementAndGet();
            committer.queue.add(this);
            return done;
        }

        /** {@link #submit()} for a batch nobody awaits: the background threads write it. */
        CompletableFuture<Void> submitInBackground() {
            submit();
            committer.toWrite.release();
            return done;
        }

        /** {@link #submit()}, or null if there is nothing to write. */
        CompletableFuture<Void> submitIfAny() {
            return ops.isEmpty() ? null : submit();
        }

        /** {@link #submitInBackground()}, or null if there is nothing to write. */
        CompletableFuture<Void> submitInBackgroundIfAny() {
            return ops.isEmpty() ? null : submitInBackground();
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

        /** About what a message put takes in the write buffer (an entry's overhead included). */
        long messageBytes() {
            return kind == PUT && family == Families.MESSAGES ? a.length + b.length + 64 : 0;
        }

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
