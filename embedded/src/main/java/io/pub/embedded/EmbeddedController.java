package io.pub.embedded;

import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Acquired;
import io.pub.spi.Claim;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.LeaseNext;
import io.pub.spi.PreparedRecord;
import io.pub.spi.ReadResult;
import io.pub.spi.StoreException;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Controller on RocksDB: one column family per record kind ({@link Families}), keys that sort
 * by offset ({@link Keys}; messages by segment, {@link Segments}), every write through the group
 * committer ({@link Committer}). The
 * records live in {@link RegistryRecords}, {@link ShardRecords} and {@link SubscriptionRecords};
 * each says what it fsyncs before a call returns (unless opened with sync=false) and why.
 *
 * <p>Around the database: {@link StoreDirectory} checks and guards the directory, {@link
 * StoreOpener} decides what a damaged log may cost, {@link SyncedMark} records how far the log is
 * fsynced, {@link Reclaimer} gives back the space of removed messages, and {@link RocksLog} sends
 * RocksDB's warnings to SLF4J.
 */
final class EmbeddedController implements Controller, EmbeddedStore {
    private static final byte[] EPOCH = "epoch".getBytes(StandardCharsets.UTF_8);

    /** Each column family's write buffer (RocksDB's default size, made explicit): a memtable's worth. */
    static final long WRITE_BUFFER = 64L << 20;

    /**
     * When the write-ahead log grows past this, RocksDB flushes the column families that keep its
     * oldest file alive, so the file can go. Without it the limit is four times all write buffers
     * (over 2 GB here), and a family written rarely (the registry) kept every log file for as long.
     * Two write buffers, not one: at one, the switch to a new log when the messages' buffer filled
     * put the log over the limit at once, forcing a second switch that always took a new file
     * instead of the recycled one (RECYCLED_LOGS).
     */
    static final long MAX_TOTAL_WAL_SIZE = 2 * WRITE_BUFFER;

    /**
     * Log files kept, once RocksDB is done with them, to be written over as the next log instead of
     * a new file. An fdatasync of a write into a file's existing blocks needs no inode update (size,
     * allocation), so durable writes run at the disk's preallocated-file rate instead of its
     * new-file rate (see the sync path in bench/RESULTS.md). The price is one log file (about a write
     * buffer's worth) that stays on disk. RocksDB keeps recycling only in point-in-time recovery mode,
     * so the store's strict check of the log is a read-only replay before the open ({@link
     * StoreOpener}).
     */
    static final int RECYCLED_LOGS = 1;

    /** How often the files RocksDB created are made owner-only ({@link StoreDirectory#keepOwnerOnly}). */
    static final Duration OWNER_ONLY_PASS = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(EmbeddedController.class);

    private final Path directory;
    private final boolean durable;
    private final Recovery recovery;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions familyOptions;
    private final RocksLog rocksLog;
    private final StoreDirectory.Pass ownerOnly;
    private final StoreDirectory dir;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle[] families;
    private final SyncedMark mark;
    // told of shards whose messages a write made readable, before its fsync (onReadable)
    private final List<Consumer<TopicShard>> readable = new CopyOnWriteArrayList<>();
    private final Heads heads;
    private final Committer committer;
    private volatile LogPrimer primer;
    private final Reclaimer reclaimer;
    private final RegistryRecords registry;
    private final ShardRecords shards;
    private final SubscriptionRecords subscriptions;
    private final PreparedRecords prepared;
    private final AtomicLong roundTrips = new AtomicLong();
    private final Duration ackLinger;
    private final AtomicLong versions = new AtomicLong();
    private final long versionBase;
    // every call holds the read side so close() can wait for them before freeing native handles
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedController(
            StoreUrl url,
            StoreDirectory dir,
            DBOptions dbOptions,
            ColumnFamilyOptions familyOptions,
            RocksLog rocksLog,
            StoreOpener.Opened opened)
            throws RocksDBException, IOException {
        this.directory = dir.path();
        this.dir = dir;
        this.durable = url.durable();
        this.recovery = url.recovery();
        this.ackLinger = url.ackLinger();
        this.dbOptions = dbOptions;
        this.familyOptions = familyOptions;
        this.rocksLog = rocksLog;
        this.db = opened.db();
        this.handles = opened.handles();
        this.families = handles.subList(1, handles.size()).toArray(new ColumnFamilyHandle[0]);
        this.versionBase = nextEpoch() << 40;
        Segments.convert(db, families, directory);
        dir.restrictFiles();
        // fsynced by nextEpoch: everything the database holds now is durable
        this.mark = SyncedMark.open(directory, db.getLatestSequenceNumber());
        this.heads = new Heads(this::recoverHead);
        this.committer = new Committer(
                db,
                families,
                durable,
                directory.toString(),
                wb -> heads.writeMoved(wb, families[Families.OFFSETS]),
                heads::writeFailed,
                upTo -> {
                    mark.advance(upTo);
                    LogPrimer p = primer; // null for the fsyncs made before it exists
                    if (p != null) {
                        p.synced();
                    }
                },
                shard -> readable.forEach(l -> l.accept(shard)));
        this.primer = url.primeLog() ? new LogPrimer(db, handles, committer, directory) : null;
        this.reclaimer = new Reclaimer(db, families[Families.MESSAGES], directory.toString());
        Segments segments = new Segments(committer, Segments.storedNext(db, families));
        this.shards = new ShardRecords(committer, heads, segments, reclaimer::removed);
        this.subscriptions = new SubscriptionRecords(committer, this::nextVersion);
        this.registry =
                new RegistryRecords(committer, heads, this::nextVersion, shards, subscriptions, reclaimer::removed);
        this.prepared = new PreparedRecords(committer, this::nextVersion);
        this.ownerOnly = dir.keepOwnerOnly(OWNER_ONLY_PASS);
    }

    static EmbeddedController open(StoreUrl url) {
        RocksDB.loadLibrary();
        StoreDirectory dir = StoreDirectory.prepare(url.directory());
        // before RocksDB touches the directory: a store missing its CURRENT file must stay as it is
        boolean fresh = dir.isNew();
        RocksLog rocksLog = new RocksLog(dir.toString());
        DBOptions dbOptions = new DBOptions()
                .setCreateMissingColumnFamilies(true)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setLogger(rocksLog)
                .setParanoidChecks(true)
                .setMaxTotalWalSize(MAX_TOTAL_WAL_SIZE)
                .setRecycleLogFileNum(RECYCLED_LOGS);
        ColumnFamilyOptions familyOptions = new ColumnFamilyOptions()
                .setWriteBufferSize(WRITE_BUFFER)
                .setCompressionType(url.compression().rocks());
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions));
        for (String f : Families.NAMES) {
            descriptors.add(new ColumnFamilyDescriptor(f.getBytes(StandardCharsets.UTF_8), familyOptions));
        }
        StoreOpener.Opened opened = null;
        try {
            opened = new StoreOpener(dir, url.recovery(), dbOptions, descriptors, rocksLog).open(fresh);
            return new EmbeddedController(url, dir, dbOptions, familyOptions, rocksLog, opened);
        } catch (RocksDBException | IOException | RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            familyOptions.close();
            dbOptions.close();
            rocksLog.close();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            String why = String.valueOf(e.getMessage());
            if (e instanceof RocksDBException && why.toLowerCase(Locale.ROOT).contains("lock")) {
                throw new StoreException(
                        "the embedded store directory " + dir + " is already open, by another process or"
                                + " another store in this process; only one may use a directory at a time (" + why
                                + ")",
                        e);
            }
            throw new StoreException("cannot open the embedded store in " + dir + ": " + why, e);
        }
    }

    /** Versions are unique across opens, so a token from before a reopen never matches a new record. */
    private long nextEpoch() throws RocksDBException {
        byte[] stored = db.get(families[Families.REGISTRY], EPOCH);
        long epoch = (stored == null ? 0 : Records.longValue(stored)) + 1;
        try (WriteOptions sync = new WriteOptions().setSync(true)) {
            db.put(families[Families.REGISTRY], sync, EPOCH, Records.longValue(epoch));
        }
        return epoch;
    }

    private long nextVersion() {
        return versionBase + versions.incrementAndGet();
    }

    /** A shard's head after open: the stored head, or past the last stored message if that is further. */
    private long recoverHead(TopicShard shard) {
        try {
            return storedHead(db, families, shard);
        } catch (RocksDBException e) {
            throw new StoreException("read from the embedded store " + directory + " failed: " + e.getMessage(), e);
        }
    }

    /** The head a shard has by what is stored: its written head, or past its last message if further. */
    static long storedHead(RocksDB db, ColumnFamilyHandle[] families, TopicShard shard) throws RocksDBException {
        byte[] stored = db.get(families[Families.OFFSETS], Keys.shard(shard));
        long head = stored == null ? 0 : Records.longValue(stored);
        try (RocksIterator it = db.newIterator(families[Families.MESSAGES])) {
            for (long segment :
                    Segments.stored(db, families, shard).descendingMap().values()) {
                it.seekForPrev(Keys.message(segment, Long.MAX_VALUE));
                if (it.isValid() && Keys.segmentOf(it.key()) == segment) {
                    return Math.max(head, Keys.offsetOf(it.key()) + 1);
                }
            }
            it.status();
        }
        return head;
    }

    // ---- plumbing ---------------------------------------------------------------------------

    private <T> T call(Supplier<T> body) {
        Lock open = gate.readLock();
        open.lock();
        try {
            if (closed.get()) {
                throw new StoreException("the embedded store " + directory + " is closed");
            }
            roundTrips.incrementAndGet();
            return body.get();
        } finally {
            open.unlock();
        }
    }

    private void run(Runnable body) {
        call(() -> {
            body.run();
            return null;
        });
    }

    // ---- registry -----------------------------------------------------------------------------

    @Override
    public TopicInfo createTopic(TopicInfo topic) {
        return call(() -> registry.createTopic(topic));
    }

    @Override
    public Optional<TopicInfo> topic(String name) {
        return call(() -> registry.topic(name));
    }

    @Override
    public List<TopicInfo> topics() {
        return call(registry::topics);
    }

    @Override
    public boolean deleteTopic(String name) {
        return call(() -> registry.deleteTopic(name));
    }

    @Override
    public Subscription createSubscription(Subscription subscription, boolean startAtHead) {
        return call(() -> registry.createSubscription(subscription, startAtHead));
    }

    @Override
    public Optional<Subscription> subscription(String topic, String id) {
        return call(() -> registry.subscription(topic, id));
    }

    @Override
    public List<Subscription> subscriptions(String topic) {
        return call(() -> registry.subscriptions(topic));
    }

    @Override
    public boolean deleteSubscription(String topic, String id) {
        return call(() -> registry.deleteSubscription(topic, id));
    }

    @Override
    public Optional<Claim> claim(String key, String owner, long expiresAt, long now) {
        return call(() -> registry.claim(key, owner, expiresAt, now));
    }

    @Override
    public Optional<Claim> readClaim(String key) {
        return call(() -> registry.readClaim(key));
    }

    @Override
    public boolean releaseClaim(String key, String owner) {
        return call(() -> registry.releaseClaim(key, owner));
    }

    // ---- offsets and messages ---------------------------------------------------------------

    @Override
    public long reserve(TopicShard shard, int count) {
        return call(() -> shards.reserve(shard, count));
    }

    @Override
    public void insert(TopicShard shard, long firstOffset, List<Message> messages) {
        run(() -> shards.insert(shard, firstOffset, messages));
    }

    /** Reserves and writes in one call and one group-committed write. */
    @Override
    public long append(TopicShard shard, List<Message> messages) {
        return call(() -> shards.append(shard, messages));
    }

    @Override
    public CompletableFuture<Long> appendAsync(TopicShard shard, List<Message> messages) {
        return call(() -> shards.appendAsync(shard, messages));
    }

    /** Appended and inserted messages are readable once written, before their fsync. */
    @Override
    public boolean onReadable(Consumer<TopicShard> listener) {
        readable.add(listener);
        return true;
    }

    @Override
    public long head(TopicShard shard) {
        return call(() -> shards.head(shard));
    }

    @Override
    public ReadResult read(TopicShard shard, long from, int max) {
        return call(() -> shards.read(shard, from, max));
    }

    @Override
    public boolean seal(TopicShard shard, long offset) {
        return call(() -> shards.seal(shard, offset));
    }

    @Override
    public void trim(TopicShard shard, long offset) {
        run(() -> shards.trim(shard, offset));
    }

    @Override
    public void delete(TopicShard shard, Collection<Long> offsets) {
        run(() -> shards.delete(shard, offsets));
    }

    // ---- cursors and leases -----------------------------------------------------------------

    @Override
    public Cursor cursor(String subscription, TopicShard shard) {
        return call(() -> subscriptions.cursor(subscription, shard));
    }

    @Override
    public Optional<Cursor> compareAndSetCursor(String subscription, TopicShard shard, Cursor expected, Cursor next) {
        return call(() -> subscriptions.compareAndSetCursor(subscription, shard, expected, next));
    }

    /** One call: the cursor moves and the done offsets' leases go in the same write. */
    @Override
    public Cursor markDone(String subscription, TopicShard shard, Collection<Long> offsets) {
        return call(() -> subscriptions.markDone(subscription, shard, offsets, true));
    }

    /** Written to the log before it returns, like every write here; its fsync is the next one's. */
    @Override
    public Cursor markDoneLazily(String subscription, TopicShard shard, Collection<Long> offsets) {
        return call(() -> subscriptions.markDone(subscription, shard, offsets, false));
    }

    @Override
    public List<Lease> acquire(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        return call(() -> subscriptions.acquire(subscription, shard, offsets, owner, expiresAt, now, false));
    }

    @Override
    public Acquired acquireAhead(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        List<Lease> leases =
                call(() -> subscriptions.acquire(subscription, shard, offsets, owner, expiresAt, now, true));
        return Acquired.checked(this, subscription, shard, leases);
    }

    /** One call: the range is read, then its deliverable offsets leased under the cursor's lock. */
    @Override
    public LeaseNext leaseNext(
            String subscription,
            TopicShard shard,
            long from,
            int window,
            int max,
            Predicate<Entry> wanted,
            String owner,
            long expiresAt,
            long now) {
        return call(() -> subscriptions.leaseNext(
                subscription, shard, shards.read(shard, from, window), from, max, wanted, owner, expiresAt, now));
    }

    @Override
    public List<Lease> renew(Collection<Lease> leases, long expiresAt) {
        return call(() -> subscriptions.replace(leases, expiresAt, false));
    }

    @Override
    public List<Lease> release(Collection<Lease> leases, long availableAt) {
        return call(() -> subscriptions.replace(leases, availableAt, false));
    }

    @Override
    public List<Lease> giveBack(Collection<Lease> leases, long availableAt) {
        return call(() -> subscriptions.replace(leases, availableAt, true));
    }

    @Override
    public List<Lease> leases(String subscription, TopicShard shard, long from, long to) {
        return call(() -> subscriptions.leases(subscription, shard, from, to));
    }

    @Override
    public void dropLeases(String subscription, TopicShard shard, Collection<Long> offsets) {
        run(() -> subscriptions.dropLeases(subscription, shard, offsets));
    }

    // ---- prepared transactions ----------------------------------------------------------------

    @Override
    public Optional<PreparedRecord> insertPrepared(String id, byte[] body) {
        return call(() -> prepared.insert(id, body));
    }

    @Override
    public Optional<PreparedRecord> prepared(String id) {
        return call(() -> prepared.get(id));
    }

    @Override
    public Optional<PreparedRecord> replacePrepared(PreparedRecord expected, byte[] body) {
        return call(() -> prepared.replace(expected, body));
    }

    @Override
    public boolean deletePrepared(String id) {
        return call(() -> prepared.delete(id));
    }

    @Override
    public List<String> preparedIds() {
        return call(prepared::ids);
    }

    // ---- housekeeping -----------------------------------------------------------------------

    /** The URL's {@code ackLinger}, 2 ms unless it says otherwise ({@link StoreUrl#DEFAULT_ACK_LINGER}). */
    @Override
    public Duration acknowledgementLinger() {
        return ackLinger;
    }

    @Override
    public long roundTrips() {
        return roundTrips.get();
    }

    @Override
    public String kind() {
        return "embedded";
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public boolean durable() {
        return durable;
    }

    @Override
    public long writes() {
        return committer.writes();
    }

    @Override
    public long syncs() {
        return committer.syncs();
    }

    @Override
    public List<String> verify() {
        return call(() -> {
            try {
                db.verifyChecksum();
                return List.of();
            } catch (RocksDBException e) {
                return List.of("checksum verification failed: " + e.getMessage());
            }
        });
    }

    /** Waits up to {@code timeout} for the log priming to end; true if the log in use is then a recycled file. */
    boolean awaitRecycledLog(java.time.Duration timeout) throws InterruptedException {
        LogPrimer p = primer;
        return p != null && p.awaitRecycled(timeout);
    }

    /** The database's last sequence number (one per record written); for tests of the synced mark. */
    long latestSequence() {
        return call(db::getLatestSequenceNumber);
    }

    /** Waits until {@link SyncedMark#FILE} records {@code sequence} (at most 30 s); for tests. */
    void awaitSyncedMark(long sequence) throws InterruptedException {
        mark.awaitWritten(sequence, 30_000);
    }

    /** Waits (at most {@code millis}) until a pass making files owner-only begun after this call has ended; for tests. */
    boolean awaitOwnerOnlyPass(long millis) throws InterruptedException {
        return ownerOnly.awaitNextPass(millis);
    }

    /** Waits until the space of removed messages has been given back, as far as it is worth it; for tests. */
    void awaitReclaimed() throws InterruptedException {
        reclaimer.awaitIdle();
    }

    /** Waits for calls in progress and the committer, then frees the database; idempotent. */
    @Override
    public void close() {
        Lock exclusive = gate.writeLock();
        exclusive.lock();
        try {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
        } finally {
            exclusive.unlock();
        }
        if (primer != null) {
            primer.close(); // its thread writes and flushes through the database and the committer
        }
        committer.close();
        reclaimer.close();
        long synced = -1;
        try {
            // a clean close leaves the mark at the very end of the log, also with sync=false
            db.syncWal();
            synced = db.getLatestSequenceNumber();
        } catch (RocksDBException e) {
            log.warn("embedded store {}: the final fsync failed: {}", directory, e.getMessage());
        }
        try {
            mark.close(synced);
        } catch (IOException e) {
            log.warn("embedded store {}: cannot write {}: {}", directory, SyncedMark.FILE, e.toString());
        }
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        // a log file RocksDB started since the last pass (closing, say) has the umask's mode
        ownerOnly.close();
        dir.restrictFiles();
        familyOptions.close();
        dbOptions.close();
        rocksLog.close();
    }

    @Override
    public String toString() {
        List<String> options = new ArrayList<>();
        if (!durable) {
            options.add("sync=false");
        }
        if (recovery != Recovery.NONE) {
            options.add("recover=" + recovery.option);
        }
        return "embedded:" + directory + (options.isEmpty() ? "" : "?" + String.join("&", options));
    }
}
