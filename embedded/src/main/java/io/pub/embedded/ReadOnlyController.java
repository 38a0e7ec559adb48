package io.pub.embedded;

import io.pub.Message;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Claim;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.PreparedRecord;
import io.pub.spi.ReadResult;
import io.pub.spi.StoreException;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WALRecoveryMode;

/**
 * {@code embedded:<dir>?readOnly=true}: the store opened in RocksDB's read-only mode, for tools that
 * look at a store an application may have open. It takes no lock, so it opens while another process
 * holds the directory, and it writes nothing there. It reads the table files and replays the log up
 * to its last whole record, so it sees the store as of its open; {@link #refresh()} opens it again
 * to see what the other process wrote since.
 *
 * <p>Not a RocksDB secondary instance, which catches up without reopening: its reader of a log file
 * being written over (RECYCLED_LOGS, LogPrimer) never returned once it reached the records of the
 * file's earlier life, spinning a core (EmbeddedReadOnlyTest). The read-only mode replays the log with
 * the reader the store's own open uses, which takes those records for the log's end.
 *
 * <p>It reads the same records as {@link EmbeddedController}, without the writer's in-memory state:
 * a shard's head is the stored one (or past the last message), so offsets another process reserved
 * and has not written yet are not counted. Every write fails, naming the option.
 */
final class ReadOnlyController implements Controller, EmbeddedStore {
    /** Opens tried before giving up: the writer may give up a log or manifest file while it is read. */
    private static final int OPEN_ATTEMPTS = 3;

    private final Path directory;
    private final DBOptions options;
    private final ColumnFamilyOptions familyOptions;
    private final List<ColumnFamilyDescriptor> descriptors;
    private final RocksLog rocksLog;
    // replaced by refresh() under the gate's write lock, read under its read lock
    private RocksDB db;
    private List<ColumnFamilyHandle> handles;
    private ColumnFamilyHandle[] families;
    private final AtomicLong roundTrips = new AtomicLong();
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ReadOnlyController(
            Path directory,
            DBOptions options,
            ColumnFamilyOptions familyOptions,
            List<ColumnFamilyDescriptor> descriptors,
            RocksLog rocksLog) {
        this.directory = directory;
        this.options = options;
        this.familyOptions = familyOptions;
        this.descriptors = descriptors;
        this.rocksLog = rocksLog;
    }

    static ReadOnlyController open(StoreUrl url) {
        Path dir = url.directory();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(Stores.URL_SETTING + ": there is no embedded store directory " + dir
                    + " (a read-only open never creates one)");
        }
        if (!Files.exists(dir.resolve(StoreDirectory.CURRENT))) {
            throw new IllegalArgumentException(Stores.URL_SETTING + ": the directory " + dir
                    + " holds no embedded store (it has no " + StoreDirectory.CURRENT + " file)");
        }
        RocksDB.loadLibrary();
        RocksLog rocksLog = new RocksLog(dir.toString());
        rocksLog.setInfoLogLevel(InfoLogLevel.ERROR_LEVEL);
        // every table file kept open: the writer may delete one this view still reads. Errors only:
        // what it reads at WARN (prefetch sizes while verifying) tells an operator nothing. The log
        // replayed up to its last whole record: the writer may be in the middle of one
        DBOptions options = new DBOptions()
                .setInfoLogLevel(InfoLogLevel.ERROR_LEVEL)
                .setLogger(rocksLog)
                .setMaxOpenFiles(-1)
                .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery);
        ColumnFamilyOptions familyOptions = new ColumnFamilyOptions();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions));
        for (String f : Families.NAMES) {
            descriptors.add(new ColumnFamilyDescriptor(f.getBytes(StandardCharsets.UTF_8), familyOptions));
        }
        ReadOnlyController c = new ReadOnlyController(dir, options, familyOptions, descriptors, rocksLog);
        try {
            c.openFiles();
            c.checkConverted();
            return c;
        } catch (RocksDBException | RuntimeException e) {
            c.close();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new StoreException("cannot open the embedded store in " + dir + " read-only: " + e.getMessage(), e);
        }
    }

    /** Opens the store's files (again), giving up the view opened before; under the write lock once shared. */
    private void openFiles() throws RocksDBException {
        RocksDBException failure = null;
        for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
            List<ColumnFamilyHandle> opened = new ArrayList<>();
            try {
                RocksDB fresh = RocksDB.openReadOnly(options, directory.toString(), descriptors, opened);
                closeFiles();
                db = fresh;
                handles = opened;
                families = opened.subList(1, opened.size()).toArray(new ColumnFamilyHandle[0]);
                return;
            } catch (RocksDBException e) {
                opened.forEach(ColumnFamilyHandle::close);
                failure = e;
            }
        }
        throw failure;
    }

    private void closeFiles() {
        if (db != null) {
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
            db = null;
        }
    }

    private void checkConverted() {
        boolean unconverted;
        try {
            unconverted = Segments.unconverted(db, families);
        } catch (RocksDBException e) {
            throw failed(e);
        }
        if (unconverted) {
            throw new StoreException("the embedded store in " + directory + " was written by an earlier version of"
                    + " Pub and its messages are not converted yet; open it read-write once (start an application on"
                    + " it, or run a pub command that changes it) and it converts them");
        }
    }

    /** Opens the files again, so that what the writer wrote since is seen; {@code body} runs on the new view. */
    private <T> T reopened(java.util.function.Supplier<T> body) {
        return under(gate.writeLock(), () -> {
            try {
                openFiles();
            } catch (RocksDBException e) {
                throw new StoreException(
                        "cannot read what was written to the embedded store " + directory + " since it was opened"
                                + " read-only: " + e.getMessage(),
                        e);
            }
            return body.get();
        });
    }

    private <T> T call(java.util.function.Supplier<T> body) {
        return under(gate.readLock(), body);
    }

    private <T> T under(Lock lock, java.util.function.Supplier<T> body) {
        lock.lock();
        try {
            if (closed.get()) {
                throw new StoreException("the embedded store " + directory + " is closed");
            }
            roundTrips.incrementAndGet();
            return body.get();
        } finally {
            lock.unlock();
        }
    }

    private StoreException readOnly(String what) {
        return new StoreException("the embedded store " + directory + " is open read-only (readOnly=true): it cannot "
                + what + "; open it without readOnly, once no other process has it open");
    }

    private byte[] get(int family, byte[] key) {
        try {
            return db.get(families[family], key);
        } catch (RocksDBException e) {
            throw failed(e);
        }
    }

    private <T> Optional<T> get(int family, byte[] key, Class<T> type) {
        byte[] v = get(family, key);
        return v == null ? Optional.empty() : Optional.of(Records.decode(v, type));
    }

    private <T> List<T> scan(int family, byte[] from, byte[] to, BiFunction<byte[], byte[], T> decode) {
        List<T> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator(families[family])) {
            for (it.seek(from); it.isValid() && Arrays.compareUnsigned(it.key(), to) < 0; it.next()) {
                out.add(decode.apply(it.key(), it.value()));
            }
            it.status();
        } catch (RocksDBException e) {
            throw failed(e);
        }
        return out;
    }

    private StoreException failed(RocksDBException e) {
        return new StoreException("read from the embedded store " + directory + " failed: " + e.getMessage(), e);
    }

    // ---- registry -----------------------------------------------------------------------------

    @Override
    public TopicInfo createTopic(TopicInfo topic) {
        throw readOnly("create topic " + topic.name());
    }

    @Override
    public Optional<TopicInfo> topic(String name) {
        return call(() -> get(Families.REGISTRY, RegistryRecords.topicKey(name), TopicInfo.class));
    }

    @Override
    public List<TopicInfo> topics() {
        return call(() -> scan(
                Families.REGISTRY,
                Keys.prefix("t"),
                Keys.prefixEnd("t"),
                (k, v) -> Records.decode(v, TopicInfo.class)));
    }

    @Override
    public boolean deleteTopic(String name) {
        throw readOnly("delete topic " + name);
    }

    @Override
    public Subscription createSubscription(Subscription subscription, boolean startAtHead) {
        throw readOnly("create subscription " + subscription.id());
    }

    @Override
    public Optional<Subscription> subscription(String topic, String id) {
        return call(() -> get(Families.REGISTRY, RegistryRecords.subscriptionKey(topic, id), Subscription.class));
    }

    @Override
    public List<Subscription> subscriptions(String topic) {
        return call(() -> scan(
                Families.REGISTRY,
                Keys.prefix("s", topic),
                Keys.prefixEnd("s", topic),
                (k, v) -> Records.decode(v, Subscription.class)));
    }

    @Override
    public boolean deleteSubscription(String topic, String id) {
        throw readOnly("delete subscription " + id);
    }

    @Override
    public Optional<Claim> claim(String key, String owner, long expiresAt, long now) {
        throw readOnly("take claim " + key);
    }

    @Override
    public Optional<Claim> readClaim(String key) {
        return call(() -> get(Families.REGISTRY, RegistryRecords.claimKey(key), Claim.class));
    }

    @Override
    public boolean releaseClaim(String key, String owner) {
        throw readOnly("release claim " + key);
    }

    // ---- offsets and messages ---------------------------------------------------------------

    @Override
    public long reserve(TopicShard shard, int count) {
        throw readOnly("reserve offsets of " + shard);
    }

    @Override
    public void insert(TopicShard shard, long firstOffset, List<Message> messages) {
        throw readOnly("write messages to " + shard);
    }

    @Override
    public long head(TopicShard shard) {
        return call(() -> head0(shard));
    }

    private long head0(TopicShard shard) {
        try {
            return EmbeddedController.storedHead(db, families, shard);
        } catch (RocksDBException e) {
            throw failed(e);
        }
    }

    @Override
    public ReadResult read(TopicShard shard, long from, int max) {
        if (from < 0 || max < 0) {
            throw new IllegalArgumentException("read needs from >= 0 and max >= 0, was from=" + from + ", max=" + max);
        }
        return call(() -> {
            long head = head0(shard);
            long to = Math.min(head, from + max);
            if (from >= to) {
                return new ReadResult(List.of(), head);
            }
            List<Entry> entries = new ArrayList<>();
            try {
                // keys below the trim floor are left to the reclaimer: they are not read
                byte[] floor = db.get(families[Families.OFFSETS], Keys.floor(shard));
                long start = Math.max(from, floor == null ? 0 : Records.longValue(floor));
                for (Segments.Span s : Segments.spans(Segments.stored(db, families, shard), id -> id, start, to)) {
                    entries.addAll(scan(
                            Families.MESSAGES, Keys.message(s.id(), s.from()), Keys.message(s.id(), s.to()), (k, v) -> {
                                long offset = Keys.offsetOf(k);
                                return Records.isTombstone(v)
                                        ? Entry.tombstone(offset)
                                        : new Entry(offset, Records.message(v));
                            }));
                }
            } catch (RocksDBException e) {
                throw failed(e);
            }
            return new ReadResult(entries, head);
        });
    }

    @Override
    public boolean seal(TopicShard shard, long offset) {
        throw readOnly("seal offset " + offset + " of " + shard);
    }

    @Override
    public void trim(TopicShard shard, long offset) {
        throw readOnly("trim " + shard);
    }

    @Override
    public void delete(TopicShard shard, Collection<Long> offsets) {
        throw readOnly("delete messages of " + shard);
    }

    // ---- cursors and leases -----------------------------------------------------------------

    @Override
    public Cursor cursor(String subscription, TopicShard shard) {
        return call(() -> get(Families.CURSORS, Keys.subShard(subscription, shard), Cursor.class)
                .orElse(Cursor.initial(0)));
    }

    @Override
    public Optional<Cursor> compareAndSetCursor(String subscription, TopicShard shard, Cursor expected, Cursor next) {
        throw readOnly("move the cursor of " + subscription + " on " + shard);
    }

    @Override
    public Cursor markDone(String subscription, TopicShard shard, Collection<Long> offsets) {
        throw readOnly("acknowledge messages of " + subscription + " on " + shard);
    }

    @Override
    public List<Lease> acquire(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        throw readOnly("take leases of " + subscription + " on " + shard);
    }

    @Override
    public List<Lease> renew(Collection<Lease> leases, long expiresAt) {
        throw readOnly("renew leases");
    }

    @Override
    public List<Lease> release(Collection<Lease> leases, long availableAt) {
        throw readOnly("release leases");
    }

    @Override
    public List<Lease> leases(String subscription, TopicShard shard, long from, long to) {
        long start = Math.max(0, from);
        if (start >= to) {
            return List.of();
        }
        return call(() -> scan(
                Families.LEASES,
                Keys.lease(subscription, shard, start),
                Keys.lease(subscription, shard, to),
                (k, v) -> Records.decode(v, Lease.class)));
    }

    @Override
    public void dropLeases(String subscription, TopicShard shard, Collection<Long> offsets) {
        throw readOnly("drop leases of " + subscription + " on " + shard);
    }

    // ---- the embedded store's own -------------------------------------------------------------

    // ---- prepared transactions: read, never decided here ------------------------------------------

    @Override
    public Optional<PreparedRecord> insertPrepared(String id, byte[] body) {
        throw readOnly("prepare transaction " + id);
    }

    @Override
    public Optional<PreparedRecord> prepared(String id) {
        return call(() -> Optional.ofNullable(get(Families.REGISTRY, PreparedRecords.key(id)))
                .map(v -> PreparedRecords.decode(id, v)));
    }

    @Override
    public Optional<PreparedRecord> replacePrepared(PreparedRecord expected, byte[] body) {
        throw readOnly("change prepared transaction " + expected.id());
    }

    @Override
    public boolean deletePrepared(String id) {
        throw readOnly("decide prepared transaction " + id);
    }

    @Override
    public List<String> preparedIds() {
        return call(() -> scan(
                Families.REGISTRY, PreparedRecords.from(), PreparedRecords.to(), (k, v) -> PreparedRecords.idOf(k)));
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
        return true;
    }

    @Override
    public long writes() {
        return 0;
    }

    @Override
    public long syncs() {
        return 0;
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public void refresh() {
        reopened(() -> null);
    }

    @Override
    public List<String> verify() {
        // the mark first: whatever it says was acknowledged before the files are opened again must be there after
        OptionalLong acknowledged = SyncedMark.read(directory);
        return reopened(() -> {
            List<String> problems = new ArrayList<>();
            long latest = db.getLatestSequenceNumber();
            if (acknowledged.isPresent() && latest < acknowledged.getAsLong()) {
                problems.add("the write-ahead log ends at update #" + latest + " but updates up to #"
                        + acknowledged.getAsLong() + " were fsynced and acknowledged (" + SyncedMark.FILE
                        + "): " + (acknowledged.getAsLong() - latest) + " acknowledged updates are missing");
            }
            try {
                db.verifyChecksum();
            } catch (RocksDBException e) {
                problems.add("checksum verification of the table files failed: " + e.getMessage());
            }
            return problems;
        });
    }

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
        closeFiles();
        familyOptions.close();
        options.close();
        rocksLog.close();
    }

    @Override
    public String toString() {
        return "embedded:" + directory + "?readOnly=true";
    }
}
