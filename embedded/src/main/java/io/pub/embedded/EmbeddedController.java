package io.pub.embedded;

import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Claim;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Lease;
import io.pub.spi.ReadResult;
import io.pub.spi.StoreException;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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

/**
 * The Controller on RocksDB: one column family per record kind ({@link Families}), keys that sort
 * by offset ({@link Keys}), every write through the group committer ({@link Committer}). The
 * records live in {@link RegistryRecords}, {@link ShardRecords} and {@link SubscriptionRecords};
 * each says what it fsyncs before a call returns (unless opened with sync=false) and why.
 */
final class EmbeddedController implements Controller, EmbeddedStore {
    private static final byte[] EPOCH = "epoch".getBytes(StandardCharsets.UTF_8);

    private final Path directory;
    private final boolean durable;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions familyOptions;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle[] families;
    private final Heads heads;
    private final Committer committer;
    private final RegistryRecords registry;
    private final ShardRecords shards;
    private final SubscriptionRecords subscriptions;
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicLong versions = new AtomicLong();
    private final long versionBase;
    // every call holds the read side so close() can wait for them before freeing native handles
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedController(
            Path directory,
            boolean durable,
            DBOptions dbOptions,
            ColumnFamilyOptions familyOptions,
            RocksDB db,
            List<ColumnFamilyHandle> handles)
            throws RocksDBException {
        this.directory = directory;
        this.durable = durable;
        this.dbOptions = dbOptions;
        this.familyOptions = familyOptions;
        this.db = db;
        this.handles = handles;
        this.families = handles.subList(1, handles.size()).toArray(new ColumnFamilyHandle[0]);
        this.versionBase = nextEpoch() << 40;
        this.heads = new Heads(this::recoverHead);
        this.committer = new Committer(
                db,
                families,
                durable,
                directory.toString(),
                wb -> heads.writeMoved(wb, families[Families.OFFSETS]),
                heads::writeFailed);
        this.registry = new RegistryRecords(committer, heads, this::nextVersion);
        this.shards = new ShardRecords(committer, heads);
        this.subscriptions = new SubscriptionRecords(committer, this::nextVersion);
    }

    static EmbeddedController open(Path directory, boolean durable) {
        RocksDB.loadLibrary();
        DBOptions dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2);
        ColumnFamilyOptions familyOptions = new ColumnFamilyOptions();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions));
        for (String f : Families.NAMES) {
            descriptors.add(new ColumnFamilyDescriptor(f.getBytes(StandardCharsets.UTF_8), familyOptions));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db = null;
        try {
            db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
            return new EmbeddedController(directory, durable, dbOptions, familyOptions, db, handles);
        } catch (RocksDBException e) {
            handles.forEach(ColumnFamilyHandle::close);
            if (db != null) {
                db.close();
            }
            familyOptions.close();
            dbOptions.close();
            String why = String.valueOf(e.getMessage());
            if (why.toLowerCase(Locale.ROOT).contains("lock")) {
                throw new StoreException(
                        "the embedded store directory " + directory + " is already open, by another process or"
                                + " another store in this process; only one may use a directory at a time (" + why
                                + ")",
                        e);
            }
            throw new StoreException("cannot open the embedded store in " + directory + ": " + why, e);
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
            byte[] stored = db.get(families[Families.OFFSETS], Keys.shard(shard));
            long head = stored == null ? 0 : Records.longValue(stored);
            try (RocksIterator it = db.newIterator(families[Families.MESSAGES])) {
                it.seekForPrev(Keys.message(shard, Long.MAX_VALUE));
                if (it.isValid() && Keys.startsWith(it.key(), Keys.shard(shard))) {
                    head = Math.max(head, Keys.offsetOf(it.key()) + 1);
                }
            }
            return head;
        } catch (RocksDBException e) {
            throw new StoreException("read from the embedded store " + directory + " failed: " + e.getMessage(), e);
        }
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
        return call(() -> subscriptions.markDone(subscription, shard, offsets));
    }

    @Override
    public List<Lease> acquire(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        return call(() -> subscriptions.acquire(subscription, shard, offsets, owner, expiresAt, now));
    }

    @Override
    public List<Lease> renew(Collection<Lease> leases, long expiresAt) {
        return call(() -> subscriptions.replace(leases, expiresAt));
    }

    @Override
    public List<Lease> release(Collection<Lease> leases, long availableAt) {
        return call(() -> subscriptions.replace(leases, availableAt));
    }

    @Override
    public List<Lease> leases(String subscription, TopicShard shard, long from, long to) {
        return call(() -> subscriptions.leases(subscription, shard, from, to));
    }

    @Override
    public void dropLeases(String subscription, TopicShard shard, Collection<Long> offsets) {
        run(() -> subscriptions.dropLeases(subscription, shard, offsets));
    }

    // ---- housekeeping -----------------------------------------------------------------------

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
        committer.close();
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        familyOptions.close();
        dbOptions.close();
    }

    @Override
    public String toString() {
        return "embedded:" + directory + (durable ? "" : "?sync=false");
    }
}
