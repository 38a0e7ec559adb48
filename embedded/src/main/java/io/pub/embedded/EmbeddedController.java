package io.pub.embedded;

import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Claim;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.OffsetSealedException;
import io.pub.spi.ReadResult;
import io.pub.spi.StoreException;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
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
 * The Controller on RocksDB: one column family per record kind, keys that sort by offset, every
 * write through the group committer.
 *
 * <p>What is fsynced before a call returns (unless opened with sync=false): messages, tombstones,
 * topics, subscriptions and cursors: what a producer was promised and what a subscription has done.
 * Leases, claims and message removals are written without fsync: a killed process loses none of
 * them (the write reached the operating system), and after a machine crash losing one costs at
 * most a redelivery, or an expired message read once more, since every lease and claim belonged to
 * the process that died.
 */
final class EmbeddedController implements Controller, EmbeddedStore {
    static final int MESSAGES = 0;
    static final int OFFSETS = 1;
    static final int CURSORS = 2;
    static final int LEASES = 3;
    static final int REGISTRY = 4;
    private static final String[] FAMILIES = {"messages", "offsets", "cursors", "leases", "registry"};
    private static final byte[] EPOCH = "epoch".getBytes(StandardCharsets.UTF_8);
    private static final boolean SYNC = true;
    private static final boolean NO_SYNC = false;

    private final Path directory;
    private final boolean durable;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions familyOptions;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle[] families;
    private final Heads heads;
    private final Committer committer;
    private final Locks registryLocks = new Locks();
    private final Locks shardLocks = new Locks();
    private final Locks subscriptionLocks = new Locks();
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
                wb -> heads.writeMoved(wb, families[OFFSETS]),
                heads::writeFailed);
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
        for (String f : FAMILIES) {
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
        byte[] stored = db.get(families[REGISTRY], EPOCH);
        long epoch = (stored == null ? 0 : Records.longValue(stored)) + 1;
        try (WriteOptions sync = new WriteOptions().setSync(true)) {
            db.put(families[REGISTRY], sync, EPOCH, Records.longValue(epoch));
        }
        return epoch;
    }

    private long nextVersion() {
        return versionBase + versions.incrementAndGet();
    }

    /** A shard's head after open: the stored head, or past the last stored message if that is further. */
    private long recoverHead(TopicShard shard) {
        try {
            byte[] stored = db.get(families[OFFSETS], Keys.shard(shard));
            long head = stored == null ? 0 : Records.longValue(stored);
            try (RocksIterator it = db.newIterator(families[MESSAGES])) {
                it.seekForPrev(Keys.message(shard, Long.MAX_VALUE));
                if (it.isValid() && Keys.startsWith(it.key(), Keys.shard(shard))) {
                    head = Math.max(head, Keys.offsetOf(it.key()) + 1);
                }
            }
            return head;
        } catch (RocksDBException e) {
            throw new StoreException("embedded store read failed: " + e.getMessage(), e);
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

    private static void await(CompletableFuture<Void> written) {
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

    private static CompletableFuture<Void> submit(Committer.Batch b) {
        return b.isEmpty() ? null : b.submit();
    }

    private <T> List<T> scan(int family, byte[] from, byte[] to, BiFunction<byte[], byte[], T> decode) {
        List<T> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator(families[family])) {
            for (it.seek(from); it.isValid() && Arrays.compareUnsigned(it.key(), to) < 0; it.next()) {
                out.add(decode.apply(it.key(), it.value()));
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("embedded store read failed: " + e.getMessage(), e);
        }
        return out;
    }

    private <T> Optional<T> get(int family, byte[] key, Class<T> type) {
        byte[] v = committer.get(family, key);
        return v == null ? Optional.empty() : Optional.of(Records.decode(v, type));
    }

    // ---- registry -----------------------------------------------------------------------------

    private static byte[] topicKey(String topic) {
        return Keys.registry("t", topic);
    }

    private static byte[] subscriptionKey(String topic, String id) {
        return Keys.registry("s", topic, id);
    }

    private static byte[] claimKey(String key) {
        return Keys.registry("c", key);
    }

    @Override
    public TopicInfo createTopic(TopicInfo topic) {
        return call(() -> {
            byte[] key = topicKey(topic.name());
            CompletableFuture<Void> written;
            Lock lock = registryLocks.of(key);
            lock.lock();
            try {
                Optional<TopicInfo> existing = get(REGISTRY, key, TopicInfo.class);
                if (existing.isPresent()) {
                    if (existing.get().shards() != topic.shards()) {
                        throw new IllegalArgumentException("topic '" + topic.name() + "' exists with "
                                + existing.get().shards() + " shards, not " + topic.shards());
                    }
                    return existing.get();
                }
                written = committer
                        .batch(SYNC)
                        .put(REGISTRY, key, Records.encode(topic))
                        .submit();
            } finally {
                lock.unlock();
            }
            await(written);
            return topic;
        });
    }

    @Override
    public Optional<TopicInfo> topic(String name) {
        return call(() -> get(REGISTRY, topicKey(name), TopicInfo.class));
    }

    @Override
    public List<TopicInfo> topics() {
        return call(() ->
                scan(REGISTRY, Keys.prefix("t"), Keys.prefixEnd("t"), (k, v) -> Records.decode(v, TopicInfo.class)));
    }

    @Override
    public boolean deleteTopic(String name) {
        return call(() -> {
            byte[] key = topicKey(name);
            CompletableFuture<Void> written;
            Lock lock = registryLocks.of(key);
            lock.lock();
            try {
                if (committer.get(REGISTRY, key) == null) {
                    return false;
                }
                // the shards' heads stay: a new topic of the same name continues their offsets, so
                // nobody who read the old topic mistakes a new message for one it has seen
                written = committer
                        .batch(SYNC)
                        .delete(REGISTRY, key)
                        .deleteRange(REGISTRY, Keys.prefix("s", name), Keys.prefixEnd("s", name))
                        .deleteRange(MESSAGES, Keys.prefix(name), Keys.prefixEnd(name))
                        .deleteRange(CURSORS, Keys.prefix(name), Keys.prefixEnd(name))
                        .deleteRange(LEASES, Keys.prefix(name), Keys.prefixEnd(name))
                        .submit();
            } finally {
                lock.unlock();
            }
            await(written);
            return true;
        });
    }

    @Override
    public Subscription createSubscription(Subscription subscription, boolean startAtHead) {
        return call(() -> {
            // subscriptions change under their topic's lock, so they cannot outlive a deleteTopic
            byte[] tKey = topicKey(subscription.topic());
            byte[] sKey = subscriptionKey(subscription.topic(), subscription.id());
            CompletableFuture<Void> written;
            Lock lock = registryLocks.of(tKey);
            lock.lock();
            try {
                TopicInfo topic = get(REGISTRY, tKey, TopicInfo.class)
                        .orElseThrow(() ->
                                new IllegalArgumentException("topic '" + subscription.topic() + "' is not registered"));
                Optional<Subscription> existing = get(REGISTRY, sKey, Subscription.class);
                if (existing.isPresent()) {
                    return existing.get();
                }
                Committer.Batch b = committer.batch(SYNC).put(REGISTRY, sKey, Records.encode(subscription));
                for (int s = 0; s < topic.shards(); s++) {
                    TopicShard shard = new TopicShard(topic.name(), s);
                    Cursor start =
                            Cursor.initial(startAtHead ? heads.get(shard) : 0).withVersion(nextVersion());
                    // not overlaid: nobody uses the cursors of a subscription that is not registered yet
                    b.putBlind(CURSORS, Keys.subShard(subscription.id(), shard), Records.encode(start));
                }
                written = b.submit();
            } finally {
                lock.unlock();
            }
            await(written);
            return subscription;
        });
    }

    @Override
    public Optional<Subscription> subscription(String topic, String id) {
        return call(() -> get(REGISTRY, subscriptionKey(topic, id), Subscription.class));
    }

    @Override
    public List<Subscription> subscriptions(String topic) {
        return call(() -> scan(
                REGISTRY,
                Keys.prefix("s", topic),
                Keys.prefixEnd("s", topic),
                (k, v) -> Records.decode(v, Subscription.class)));
    }

    @Override
    public boolean deleteSubscription(String topic, String id) {
        return call(() -> {
            byte[] tKey = topicKey(topic);
            byte[] sKey = subscriptionKey(topic, id);
            CompletableFuture<Void> written;
            Lock lock = registryLocks.of(tKey);
            lock.lock();
            try {
                if (committer.get(REGISTRY, sKey) == null) {
                    return false;
                }
                written = committer
                        .batch(SYNC)
                        .delete(REGISTRY, sKey)
                        .deleteRange(CURSORS, Keys.prefix(topic, id), Keys.prefixEnd(topic, id))
                        .deleteRange(LEASES, Keys.prefix(topic, id), Keys.prefixEnd(topic, id))
                        .submit();
            } finally {
                lock.unlock();
            }
            await(written);
            return true;
        });
    }

    @Override
    public Optional<Claim> claim(String key, String owner, long expiresAt, long now) {
        return call(() -> {
            byte[] k = claimKey(key);
            Claim next;
            CompletableFuture<Void> written;
            Lock lock = registryLocks.of(k);
            lock.lock();
            try {
                Optional<Claim> current = get(REGISTRY, k, Claim.class);
                if (current.isPresent()
                        && current.get().isLive(now)
                        && !current.get().owner().equals(owner)) {
                    return Optional.<Claim>empty();
                }
                next = new Claim(key, owner, expiresAt, nextVersion());
                written = committer
                        .batch(NO_SYNC)
                        .put(REGISTRY, k, Records.encode(next))
                        .submit();
            } finally {
                lock.unlock();
            }
            await(written);
            return Optional.of(next);
        });
    }

    @Override
    public Optional<Claim> readClaim(String key) {
        return call(() -> get(REGISTRY, claimKey(key), Claim.class));
    }

    @Override
    public boolean releaseClaim(String key, String owner) {
        return call(() -> {
            byte[] k = claimKey(key);
            CompletableFuture<Void> written;
            Lock lock = registryLocks.of(k);
            lock.lock();
            try {
                Optional<Claim> current = get(REGISTRY, k, Claim.class);
                if (current.isEmpty() || !current.get().owner().equals(owner)) {
                    return false;
                }
                written = committer.batch(NO_SYNC).delete(REGISTRY, k).submit();
            } finally {
                lock.unlock();
            }
            await(written);
            return true;
        });
    }

    // ---- offsets and messages ---------------------------------------------------------------

    @Override
    public long reserve(TopicShard shard, int count) {
        return call(() -> {
            if (count < 1) {
                throw new IllegalArgumentException("count must be >= 1, was " + count);
            }
            return heads.reserve(shard, count);
        });
    }

    @Override
    public void insert(TopicShard shard, long firstOffset, List<Message> messages) {
        call(() -> {
            List<byte[]> values = messages.stream().map(Records::message).toList();
            Long sealed = null;
            CompletableFuture<Void> written;
            // insert and seal of a shard decide under one lock: exactly one of them writes an offset
            Lock lock = shardLocks.of(shard);
            lock.lock();
            try {
                long head = heads.get(shard);
                long end = firstOffset + values.size();
                if (firstOffset < 0 || end > head) {
                    long bad = firstOffset < 0 ? firstOffset : Math.max(firstOffset, head);
                    throw new IllegalArgumentException("offset " + bad + " of " + shard
                            + " was not reserved (the head is " + head + "); reserve offsets before inserting");
                }
                Committer.Batch b = committer.batch(SYNC);
                for (int i = 0; i < values.size(); i++) {
                    byte[] key = Keys.message(shard, firstOffset + i);
                    if (committer.get(MESSAGES, key) != null) {
                        sealed = sealed == null ? firstOffset + i : sealed;
                    } else {
                        b.put(MESSAGES, key, values.get(i));
                    }
                }
                written = submit(b);
            } finally {
                lock.unlock();
            }
            await(written);
            if (sealed != null) {
                throw new OffsetSealedException(shard, sealed);
            }
            return null;
        });
    }

    /** Reserves and writes in one call and one group-committed write. */
    @Override
    public long append(TopicShard shard, List<Message> messages) {
        return call(() -> {
            if (messages.isEmpty()) {
                throw new IllegalArgumentException("messages must not be empty");
            }
            List<byte[]> values = messages.stream().map(Records::message).toList();
            long first;
            CompletableFuture<Void> written;
            Lock lock = shardLocks.of(shard);
            lock.lock();
            try {
                first = heads.reserve(shard, values.size());
                Committer.Batch b = committer.batch(SYNC);
                for (int i = 0; i < values.size(); i++) {
                    b.put(MESSAGES, Keys.message(shard, first + i), values.get(i));
                }
                written = b.submit();
            } finally {
                lock.unlock();
            }
            await(written);
            return first;
        });
    }

    @Override
    public long head(TopicShard shard) {
        return call(() -> heads.get(shard));
    }

    @Override
    public ReadResult read(TopicShard shard, long from, int max) {
        return call(() -> {
            if (from < 0 || max < 0) {
                throw new IllegalArgumentException(
                        "read needs from >= 0 and max >= 0, was from=" + from + ", max=" + max);
            }
            long head = heads.get(shard);
            long to = Math.min(head, from + max);
            if (from >= to) {
                return new ReadResult(List.of(), head);
            }
            // reads what is written; an offset whose write is still queued reads as absent, like
            // one a producer has reserved and not written yet
            List<Entry> entries = scan(MESSAGES, Keys.message(shard, from), Keys.message(shard, to), (k, v) -> {
                long offset = Keys.offsetOf(k);
                return Records.isTombstone(v) ? Entry.tombstone(offset) : new Entry(offset, Records.message(v));
            });
            return new ReadResult(entries, head);
        });
    }

    @Override
    public boolean seal(TopicShard shard, long offset) {
        return call(() -> {
            CompletableFuture<Void> written;
            Lock lock = shardLocks.of(shard);
            lock.lock();
            try {
                long head = heads.get(shard);
                if (offset < 0 || offset >= head) {
                    throw new IllegalArgumentException("offset " + offset + " of " + shard
                            + " cannot be sealed: only reserved offsets below the head (" + head + ") can be");
                }
                byte[] key = Keys.message(shard, offset);
                byte[] current = committer.get(MESSAGES, key);
                if (current != null) {
                    return Records.isTombstone(current);
                }
                written = committer
                        .batch(SYNC)
                        .put(MESSAGES, key, Records.TOMBSTONE)
                        .submit();
            } finally {
                lock.unlock();
            }
            await(written);
            return true;
        });
    }

    @Override
    public void trim(TopicShard shard, long offset) {
        call(() -> {
            if (offset > 0) {
                await(committer
                        .batch(NO_SYNC)
                        .deleteRange(MESSAGES, Keys.message(shard, 0), Keys.message(shard, offset))
                        .submit());
            }
            return null;
        });
    }

    @Override
    public void delete(TopicShard shard, Collection<Long> offsets) {
        call(() -> {
            CompletableFuture<Void> written;
            Lock lock = shardLocks.of(shard);
            lock.lock();
            try {
                Committer.Batch b = committer.batch(NO_SYNC);
                for (long o : offsets) {
                    if (o >= 0) {
                        b.delete(MESSAGES, Keys.message(shard, o));
                    }
                }
                written = submit(b);
            } finally {
                lock.unlock();
            }
            await(written);
            return null;
        });
    }

    // ---- cursors ----------------------------------------------------------------------------

    private Cursor currentCursor(byte[] key) {
        return get(CURSORS, key, Cursor.class).orElseGet(() -> Cursor.initial(0));
    }

    @Override
    public Cursor cursor(String subscription, TopicShard shard) {
        return call(() -> currentCursor(Keys.subShard(subscription, shard)));
    }

    @Override
    public Optional<Cursor> compareAndSetCursor(String subscription, TopicShard shard, Cursor expected, Cursor next) {
        return call(() -> {
            byte[] key = Keys.subShard(subscription, shard);
            Cursor stored;
            CompletableFuture<Void> written;
            Lock lock = subscriptionLocks.of(key);
            lock.lock();
            try {
                if (currentCursor(key).version() != expected.version()) {
                    return Optional.<Cursor>empty();
                }
                stored = next.withVersion(nextVersion());
                written = committer
                        .batch(SYNC)
                        .put(CURSORS, key, Records.encode(stored))
                        .submit();
            } finally {
                lock.unlock();
            }
            await(written);
            return Optional.of(stored);
        });
    }

    /** One call: the cursor moves and the done offsets' leases go in the same write. */
    @Override
    public Cursor markDone(String subscription, TopicShard shard, Collection<Long> offsets) {
        return call(() -> {
            byte[] key = Keys.subShard(subscription, shard);
            Cursor result;
            CompletableFuture<Void> written;
            Lock lock = subscriptionLocks.of(key);
            lock.lock();
            try {
                Cursor current = currentCursor(key);
                Cursor next = current.withDone(offsets);
                Committer.Batch b = committer.batch(SYNC);
                result = current;
                if (!next.equals(current)) {
                    result = next.withVersion(nextVersion());
                    b.put(CURSORS, key, Records.encode(result));
                }
                dropLeases(b, subscription, shard, offsets);
                written = submit(b);
            } finally {
                lock.unlock();
            }
            await(written);
            return result;
        });
    }

    // ---- leases -----------------------------------------------------------------------------
    // a subscription shard's cursor and leases share one lock (its cursor key)

    @Override
    public List<Lease> acquire(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        return call(() -> {
            List<Lease> taken = new ArrayList<>();
            CompletableFuture<Void> written;
            Lock lock = subscriptionLocks.of(Keys.subShard(subscription, shard));
            lock.lock();
            try {
                Committer.Batch b = committer.batch(NO_SYNC);
                for (long o : new TreeSet<>(offsets)) {
                    byte[] key = Keys.lease(subscription, shard, o);
                    Optional<Lease> current = get(LEASES, key, Lease.class);
                    if (current.isPresent() && current.get().isLive(now)) {
                        continue;
                    }
                    int count = current.map(l -> l.deliveryCount() + 1).orElse(1);
                    Lease next = new Lease(subscription, shard, o, owner, expiresAt, count, nextVersion());
                    b.put(LEASES, key, Records.encode(next));
                    taken.add(next);
                }
                written = submit(b);
            } finally {
                lock.unlock();
            }
            await(written);
            return taken;
        });
    }

    @Override
    public List<Lease> renew(Collection<Lease> leases, long expiresAt) {
        return call(() -> replace(leases, expiresAt));
    }

    @Override
    public List<Lease> release(Collection<Lease> leases, long availableAt) {
        return call(() -> replace(leases, availableAt));
    }

    /** Sets the expiry of each lease still held as given (same version). */
    private List<Lease> replace(Collection<Lease> given, long expiresAt) {
        Map<List<Object>, List<Lease>> bySubShard = new LinkedHashMap<>();
        for (Lease l : given) {
            bySubShard
                    .computeIfAbsent(List.of(l.subscription(), l.shard()), k -> new ArrayList<>())
                    .add(l);
        }
        List<Lease> replaced = new ArrayList<>();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (List<Lease> group : bySubShard.values()) {
            Lease first = group.get(0);
            Lock lock = subscriptionLocks.of(Keys.subShard(first.subscription(), first.shard()));
            lock.lock();
            try {
                Committer.Batch b = committer.batch(NO_SYNC);
                for (Lease l : group) {
                    byte[] key = Keys.lease(l.subscription(), l.shard(), l.offset());
                    Optional<Lease> current = get(LEASES, key, Lease.class);
                    if (current.isPresent() && current.get().version() == l.version()) {
                        Lease next = current.get().withExpiry(expiresAt, nextVersion());
                        b.put(LEASES, key, Records.encode(next));
                        replaced.add(next);
                    }
                }
                writes.add(submit(b));
            } finally {
                lock.unlock();
            }
        }
        writes.forEach(EmbeddedController::await);
        return replaced;
    }

    @Override
    public List<Lease> leases(String subscription, TopicShard shard, long from, long to) {
        return call(() -> {
            long start = Math.max(0, from);
            if (start >= to) {
                return List.<Lease>of();
            }
            return scan(
                    LEASES,
                    Keys.lease(subscription, shard, start),
                    Keys.lease(subscription, shard, to),
                    (k, v) -> Records.decode(v, Lease.class));
        });
    }

    @Override
    public void dropLeases(String subscription, TopicShard shard, Collection<Long> offsets) {
        call(() -> {
            CompletableFuture<Void> written;
            Lock lock = subscriptionLocks.of(Keys.subShard(subscription, shard));
            lock.lock();
            try {
                Committer.Batch b = committer.batch(NO_SYNC);
                dropLeases(b, subscription, shard, offsets);
                written = submit(b);
            } finally {
                lock.unlock();
            }
            await(written);
            return null;
        });
    }

    private void dropLeases(Committer.Batch b, String subscription, TopicShard shard, Collection<Long> offsets) {
        for (long o : offsets) {
            byte[] key = Keys.lease(subscription, shard, o);
            if (o >= 0 && committer.get(LEASES, key) != null) {
                b.delete(LEASES, key);
            }
        }
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
