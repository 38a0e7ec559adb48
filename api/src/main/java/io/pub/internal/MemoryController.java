package io.pub.internal;

import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Acquired;
import io.pub.spi.Claim;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.LeaseNext;
import io.pub.spi.LeaseNexts;
import io.pub.spi.OffsetSealedException;
import io.pub.spi.PreparedRecord;
import io.pub.spi.ReadResult;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The reference store: every record in memory behind one lock, nothing durable. It defines what the
 * SPI means in the simplest terms and serves fast tests ({@code mem:name}; the same name in one JVM
 * reaches the same store until the last user closes it).
 */
final class MemoryController implements Controller {
    private final String name;
    private final Runnable onClose;
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicLong versions = new AtomicLong();
    private final Map<String, TopicInfo> topics = new TreeMap<>();
    private final Map<String, Map<String, Subscription>> subscriptions = new HashMap<>();
    private final Map<String, Claim> claims = new HashMap<>();
    private final Map<TopicShard, Long> heads = new HashMap<>();
    /** Offsets below a shard's floor were trimmed: a late insert there must lose, as to a tombstone. */
    private final Map<TopicShard, Long> floors = new HashMap<>();

    private final Map<TopicShard, TreeMap<Long, Message>> messages = new HashMap<>();
    private final Map<String, Cursor> cursors = new HashMap<>();
    private final Map<String, TreeMap<Long, Lease>> leases = new HashMap<>();
    private final Map<String, PreparedRecord> prepared = new HashMap<>();
    private static final Message TOMBSTONE = Message.builder().build();

    MemoryController(String name, Runnable onClose) {
        this.name = name;
        this.onClose = onClose;
    }

    private static String key(String subscription, TopicShard shard) {
        return shard.topic() + "/" + subscription + "/" + shard.shard();
    }

    private long nextVersion() {
        return versions.incrementAndGet();
    }

    @Override
    public synchronized TopicInfo createTopic(TopicInfo topic) {
        roundTrips.incrementAndGet();
        TopicInfo existing = topics.get(topic.name());
        if (existing != null) {
            if (existing.shards() != topic.shards()) {
                throw new IllegalArgumentException("topic '" + topic.name() + "' exists with " + existing.shards()
                        + " shards, not " + topic.shards());
            }
            return existing;
        }
        topics.put(topic.name(), topic);
        return topic;
    }

    @Override
    public synchronized Optional<TopicInfo> topic(String name) {
        roundTrips.incrementAndGet();
        return Optional.ofNullable(topics.get(name));
    }

    @Override
    public synchronized List<TopicInfo> topics() {
        roundTrips.incrementAndGet();
        return List.copyOf(topics.values());
    }

    @Override
    public synchronized boolean deleteTopic(String name) {
        roundTrips.incrementAndGet();
        TopicInfo t = topics.get(name);
        if (t == null) {
            return false;
        }
        // subscriptions first: deleting one needs the topic's shard count to find its cursors
        for (String sub :
                new ArrayList<>(subscriptions.getOrDefault(name, Map.of()).keySet())) {
            deleteSubscription(name, sub);
        }
        subscriptions.remove(name);
        topics.remove(name);
        for (int s = 0; s < t.shards(); s++) {
            TopicShard ts = new TopicShard(name, s);
            messages.remove(ts);
            heads.remove(ts);
        }
        return true;
    }

    @Override
    public synchronized Subscription createSubscription(Subscription subscription, boolean startAtHead) {
        roundTrips.incrementAndGet();
        TopicInfo t = topics.get(subscription.topic());
        if (t == null) {
            throw new IllegalArgumentException("topic '" + subscription.topic() + "' is not registered");
        }
        Map<String, Subscription> subs = subscriptions.computeIfAbsent(subscription.topic(), k -> new TreeMap<>());
        Subscription existing = subs.get(subscription.id());
        if (existing != null) {
            return existing;
        }
        subs.put(subscription.id(), subscription);
        for (int s = 0; s < t.shards(); s++) {
            TopicShard ts = new TopicShard(t.name(), s);
            long start = startAtHead ? heads.getOrDefault(ts, 0L) : 0L;
            cursors.put(key(subscription.id(), ts), Cursor.initial(start).withVersion(nextVersion()));
        }
        return subscription;
    }

    @Override
    public synchronized Optional<Subscription> subscription(String topic, String id) {
        roundTrips.incrementAndGet();
        return Optional.ofNullable(subscriptions.getOrDefault(topic, Map.of()).get(id));
    }

    @Override
    public synchronized List<Subscription> subscriptions(String topic) {
        roundTrips.incrementAndGet();
        return List.copyOf(subscriptions.getOrDefault(topic, Map.of()).values());
    }

    @Override
    public synchronized boolean deleteSubscription(String topic, String id) {
        roundTrips.incrementAndGet();
        Subscription removed =
                subscriptions.getOrDefault(topic, new HashMap<>()).remove(id);
        if (removed == null) {
            return false;
        }
        TopicInfo t = topics.get(topic);
        if (t != null) {
            for (int s = 0; s < t.shards(); s++) {
                String k = key(id, new TopicShard(topic, s));
                cursors.remove(k);
                leases.remove(k);
            }
        }
        return true;
    }

    @Override
    public synchronized Optional<Claim> claim(String key, String owner, long expiresAt, long now) {
        roundTrips.incrementAndGet();
        Claim c = claims.get(key);
        if (c != null && c.isLive(now) && !c.owner().equals(owner)) {
            return Optional.empty();
        }
        Claim next = new Claim(key, owner, expiresAt, nextVersion());
        claims.put(key, next);
        return Optional.of(next);
    }

    @Override
    public synchronized Optional<Claim> readClaim(String key) {
        roundTrips.incrementAndGet();
        return Optional.ofNullable(claims.get(key));
    }

    @Override
    public synchronized boolean releaseClaim(String key, String owner) {
        roundTrips.incrementAndGet();
        Claim c = claims.get(key);
        if (c != null && c.owner().equals(owner)) {
            claims.remove(key);
            return true;
        }
        return false;
    }

    @Override
    public synchronized long reserve(TopicShard shard, int count) {
        roundTrips.incrementAndGet();
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, was " + count);
        }
        long first = heads.getOrDefault(shard, 0L);
        heads.put(shard, first + count);
        return first;
    }

    @Override
    public synchronized void insert(TopicShard shard, long firstOffset, List<Message> batch) {
        roundTrips.incrementAndGet();
        TreeMap<Long, Message> m = messages.computeIfAbsent(shard, k -> new TreeMap<>());
        Long sealed = null;
        for (int i = 0; i < batch.size(); i++) {
            long o = firstOffset + i;
            if (o >= heads.getOrDefault(shard, 0L)) {
                throw new IllegalArgumentException("offset " + o + " of " + shard + " was not reserved");
            }
            boolean trimmed = o < floors.getOrDefault(shard, 0L);
            if ((trimmed || m.putIfAbsent(o, batch.get(i)) != null) && sealed == null) {
                sealed = o;
            }
        }
        if (sealed != null) {
            throw new OffsetSealedException(shard, sealed);
        }
    }

    @Override
    public synchronized long head(TopicShard shard) {
        roundTrips.incrementAndGet();
        return heads.getOrDefault(shard, 0L);
    }

    @Override
    public synchronized ReadResult read(TopicShard shard, long from, int max) {
        roundTrips.incrementAndGet();
        long head = heads.getOrDefault(shard, 0L);
        long to = Math.min(head, from + max);
        List<Entry> out = new ArrayList<>();
        if (from < to) {
            for (Map.Entry<Long, Message> e : messages.getOrDefault(shard, new TreeMap<>())
                    .subMap(from, to)
                    .entrySet()) {
                out.add(e.getValue() == TOMBSTONE ? Entry.tombstone(e.getKey()) : new Entry(e.getKey(), e.getValue()));
            }
        }
        return new ReadResult(out, head);
    }

    @Override
    public synchronized boolean seal(TopicShard shard, long offset) {
        roundTrips.incrementAndGet();
        if (offset < floors.getOrDefault(shard, 0L)) {
            return true; // trimmed: done for everyone, and no late insert can land there
        }
        Message existing = messages.computeIfAbsent(shard, k -> new TreeMap<>()).putIfAbsent(offset, TOMBSTONE);
        return existing == null || existing == TOMBSTONE;
    }

    @Override
    public synchronized void trim(TopicShard shard, long offset) {
        roundTrips.incrementAndGet();
        floors.merge(shard, offset, Math::max);
        TreeMap<Long, Message> m = messages.get(shard);
        if (m != null) {
            m.headMap(offset).clear();
        }
    }

    @Override
    public synchronized void delete(TopicShard shard, Collection<Long> offsets) {
        roundTrips.incrementAndGet();
        TreeMap<Long, Message> m = messages.get(shard);
        if (m != null) {
            offsets.forEach(o -> m.computeIfPresent(o, (k, v) -> TOMBSTONE));
        }
    }

    @Override
    public synchronized Cursor cursor(String subscription, TopicShard shard) {
        roundTrips.incrementAndGet();
        return cursors.getOrDefault(key(subscription, shard), Cursor.initial(0));
    }

    @Override
    public synchronized Optional<Cursor> compareAndSetCursor(
            String subscription, TopicShard shard, Cursor expected, Cursor next) {
        roundTrips.incrementAndGet();
        String k = key(subscription, shard);
        Cursor current = cursors.getOrDefault(k, Cursor.initial(0));
        if (current.version() != expected.version()) {
            return Optional.empty();
        }
        Cursor stored = next.withVersion(nextVersion());
        cursors.put(k, stored);
        return Optional.of(stored);
    }

    @Override
    public synchronized List<Lease> acquire(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        return take(subscription, shard, offsets, owner, expiresAt, now, false);
    }

    @Override
    public synchronized Acquired acquireAhead(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        List<Lease> leases = take(subscription, shard, offsets, owner, expiresAt, now, true);
        return Acquired.checked(this, subscription, shard, leases);
    }

    private List<Lease> take(
            String subscription,
            TopicShard shard,
            Collection<Long> offsets,
            String owner,
            long expiresAt,
            long now,
            boolean ahead) {
        roundTrips.incrementAndGet();
        TreeMap<Long, Lease> m = leases.computeIfAbsent(key(subscription, shard), k -> new TreeMap<>());
        List<Lease> taken = new ArrayList<>();
        for (long o : new java.util.TreeSet<>(offsets)) {
            Lease l = m.get(o);
            if (l != null && l.isLive(now)) {
                continue;
            }
            int count = l == null ? 1 : Lease.countTakingOver(l.deliveryCount(), ahead);
            Lease next = new Lease(subscription, shard, o, owner, expiresAt, count, nextVersion());
            m.put(o, next);
            taken.add(next);
        }
        return taken;
    }

    /**
     * One round trip under the store's one lock: the cursor cannot move meanwhile, so done offsets
     * are left out before leasing instead of checked after.
     */
    @Override
    public synchronized LeaseNext leaseNext(
            String subscription,
            TopicShard shard,
            long from,
            int window,
            int max,
            Predicate<Entry> wanted,
            String owner,
            long expiresAt,
            long now) {
        long calls = roundTrips.get();
        ReadResult read = read(shard, from, window);
        Cursor cursor = cursor(subscription, shard);
        List<Long> chosen = LeaseNexts.choose(read, from, max, wanted, cursor::isDone);
        List<Lease> leases = chosen.isEmpty() ? List.of() : acquire(subscription, shard, chosen, owner, expiresAt, now);
        roundTrips.set(calls + 1); // the calls above made under this lock are one
        return new LeaseNext(read, leases, leases.isEmpty() ? Optional.empty() : Optional.of(cursor));
    }

    @Override
    public synchronized List<Lease> renew(Collection<Lease> given, long expiresAt) {
        roundTrips.incrementAndGet();
        return replace(given, expiresAt, false);
    }

    @Override
    public synchronized List<Lease> release(Collection<Lease> given, long availableAt) {
        roundTrips.incrementAndGet();
        return replace(given, availableAt, false);
    }

    @Override
    public synchronized List<Lease> giveBack(Collection<Lease> given, long availableAt) {
        roundTrips.incrementAndGet();
        return replace(given, availableAt, true);
    }

    private List<Lease> replace(Collection<Lease> given, long expiresAt, boolean uncounted) {
        List<Lease> done = new ArrayList<>();
        for (Lease l : given) {
            TreeMap<Long, Lease> m = leases.get(key(l.subscription(), l.shard()));
            Lease current = m == null ? null : m.get(l.offset());
            if (current != null && current.version() == l.version()) {
                Lease next = uncounted
                        ? current.givenBack(expiresAt, nextVersion())
                        : l.withExpiry(expiresAt, nextVersion());
                m.put(l.offset(), next);
                done.add(next);
            }
        }
        return done;
    }

    @Override
    public synchronized List<Lease> leases(String subscription, TopicShard shard, long from, long to) {
        roundTrips.incrementAndGet();
        TreeMap<Long, Lease> m = leases.get(key(subscription, shard));
        return m == null || from >= to
                ? List.of()
                : List.copyOf(m.subMap(from, to).values());
    }

    @Override
    public synchronized void dropLeases(String subscription, TopicShard shard, Collection<Long> offsets) {
        roundTrips.incrementAndGet();
        TreeMap<Long, Lease> m = leases.get(key(subscription, shard));
        if (m != null) {
            offsets.forEach(m::remove);
        }
    }

    @Override
    public synchronized Optional<PreparedRecord> insertPrepared(String id, byte[] body) {
        roundTrips.incrementAndGet();
        if (prepared.containsKey(id)) {
            return Optional.empty();
        }
        PreparedRecord r = new PreparedRecord(id, body, nextVersion());
        prepared.put(id, r);
        return Optional.of(r);
    }

    @Override
    public synchronized Optional<PreparedRecord> prepared(String id) {
        roundTrips.incrementAndGet();
        return Optional.ofNullable(prepared.get(id));
    }

    @Override
    public synchronized Optional<PreparedRecord> replacePrepared(PreparedRecord expected, byte[] body) {
        roundTrips.incrementAndGet();
        PreparedRecord current = prepared.get(expected.id());
        if (current == null || current.version() != expected.version()) {
            return Optional.empty();
        }
        PreparedRecord next = new PreparedRecord(expected.id(), body, nextVersion());
        prepared.put(next.id(), next);
        return Optional.of(next);
    }

    @Override
    public synchronized boolean deletePrepared(String id) {
        roundTrips.incrementAndGet();
        return prepared.remove(id) != null;
    }

    @Override
    public synchronized List<String> preparedIds() {
        roundTrips.incrementAndGet();
        return List.copyOf(prepared.keySet());
    }

    @Override
    public long roundTrips() {
        return roundTrips.get();
    }

    @Override
    public String kind() {
        return "mem";
    }

    @Override
    public void close() {
        onClose.run();
    }

    @Override
    public String toString() {
        return "mem:" + name;
    }
}
