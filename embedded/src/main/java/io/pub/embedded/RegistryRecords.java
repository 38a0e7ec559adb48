package io.pub.embedded;

import static io.pub.embedded.Families.CURSORS;
import static io.pub.embedded.Families.LEASES;
import static io.pub.embedded.Families.REGISTRY;

import io.pub.TopicShard;
import io.pub.spi.Claim;
import io.pub.spi.Cursor;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Topics, subscriptions and claims. Topics and subscriptions are fsynced: a subscription that
 * existed when a message was published must still exist after a crash. Claims are not: they are
 * the liveness of connections of this process, which a crash ends anyway.
 */
final class RegistryRecords {
    private final Committer committer;
    private final Heads heads;
    private final LongSupplier versions;
    private final Locks locks = new Locks();
    private final ShardRecords shards;
    private final SubscriptionRecords subscriptions;
    private final BiConsumer<byte[], byte[]> removed;

    /**
     * @param shards removes a deleted topic's messages
     * @param subscriptions told of deleted subscriptions' leases
     * @param removed told of the message ranges of deleted topics, so their disk space can be given back
     */
    RegistryRecords(
            Committer committer,
            Heads heads,
            LongSupplier versions,
            ShardRecords shards,
            SubscriptionRecords subscriptions,
            BiConsumer<byte[], byte[]> removed) {
        this.committer = committer;
        this.heads = heads;
        this.versions = versions;
        this.shards = shards;
        this.subscriptions = subscriptions;
        this.removed = removed;
    }

    static byte[] topicKey(String topic) {
        return Keys.registry("t", topic);
    }

    static byte[] subscriptionKey(String topic, String id) {
        return Keys.registry("s", topic, id);
    }

    static byte[] claimKey(String key) {
        return Keys.registry("c", key);
    }

    TopicInfo createTopic(TopicInfo topic) {
        byte[] key = topicKey(topic.name());
        CompletableFuture<Void> written;
        Lock lock = locks.of(key);
        lock.lock();
        try {
            Optional<TopicInfo> existing = committer.get(REGISTRY, key, TopicInfo.class);
            if (existing.isPresent()) {
                if (existing.get().shards() != topic.shards()) {
                    throw new IllegalArgumentException("topic '" + topic.name() + "' exists with "
                            + existing.get().shards() + " shards, not " + topic.shards());
                }
                return existing.get();
            }
            written = committer
                    .batch(true)
                    .put(REGISTRY, key, Records.encode(topic))
                    .submit();
        } finally {
            lock.unlock();
        }
        Committer.await(written);
        return topic;
    }

    Optional<TopicInfo> topic(String name) {
        return committer.get(REGISTRY, topicKey(name), TopicInfo.class);
    }

    List<TopicInfo> topics() {
        return committer.scan(
                REGISTRY, Keys.prefix("t"), Keys.prefixEnd("t"), (k, v) -> Records.decode(v, TopicInfo.class));
    }

    boolean deleteTopic(String name) {
        byte[] key = topicKey(name);
        ShardRecords.Dropped dropped;
        Lock lock = locks.of(key);
        lock.lock();
        try {
            Optional<TopicInfo> topic = committer.get(REGISTRY, key, TopicInfo.class);
            if (topic.isEmpty()) {
                return false;
            }
            // the shards' heads stay: a new topic of the same name continues their offsets, so
            // nobody who read the old topic mistakes a new message for one it has seen
            Committer.Batch b = committer
                    .batch(true)
                    .delete(REGISTRY, key)
                    .deleteRange(REGISTRY, Keys.prefix("s", name), Keys.prefixEnd("s", name))
                    .deleteRange(CURSORS, Keys.prefix(name), Keys.prefixEnd(name))
                    .deleteRange(LEASES, Keys.prefix(name), Keys.prefixEnd(name));
            dropped = shards.dropTopic(name, topic.get().shards(), b);
            subscriptions.leasesGone(Keys.prefix(name));
        } finally {
            lock.unlock();
        }
        Committer.await(dropped.written());
        dropped.ranges().forEach(r -> removed.accept(r[0], r[1]));
        return true;
    }

    Subscription createSubscription(Subscription subscription, boolean startAtHead) {
        // subscriptions change under their topic's lock, so none outlives a deleteTopic
        byte[] tKey = topicKey(subscription.topic());
        byte[] sKey = subscriptionKey(subscription.topic(), subscription.id());
        CompletableFuture<Void> written;
        Lock lock = locks.of(tKey);
        lock.lock();
        try {
            TopicInfo topic = committer
                    .get(REGISTRY, tKey, TopicInfo.class)
                    .orElseThrow(() ->
                            new IllegalArgumentException("topic '" + subscription.topic() + "' is not registered"));
            Optional<Subscription> existing = committer.get(REGISTRY, sKey, Subscription.class);
            if (existing.isPresent()) {
                return existing.get();
            }
            Committer.Batch b = committer.batch(true).put(REGISTRY, sKey, Records.encode(subscription));
            for (int s = 0; s < topic.shards(); s++) {
                TopicShard shard = new TopicShard(topic.name(), s);
                Cursor start =
                        Cursor.initial(startAtHead ? heads.get(shard) : 0).withVersion(versions.getAsLong());
                // not overlaid: nobody uses the cursors of a subscription that is not registered yet
                b.putBlind(CURSORS, Keys.subShard(subscription.id(), shard), Records.encode(start));
            }
            written = b.submit();
        } finally {
            lock.unlock();
        }
        Committer.await(written);
        return subscription;
    }

    Optional<Subscription> subscription(String topic, String id) {
        return committer.get(REGISTRY, subscriptionKey(topic, id), Subscription.class);
    }

    List<Subscription> subscriptions(String topic) {
        return committer.scan(
                REGISTRY,
                Keys.prefix("s", topic),
                Keys.prefixEnd("s", topic),
                (k, v) -> Records.decode(v, Subscription.class));
    }

    boolean deleteSubscription(String topic, String id) {
        byte[] tKey = topicKey(topic);
        byte[] sKey = subscriptionKey(topic, id);
        CompletableFuture<Void> written;
        Lock lock = locks.of(tKey);
        lock.lock();
        try {
            if (committer.get(REGISTRY, sKey) == null) {
                return false;
            }
            written = committer
                    .batch(true)
                    .delete(REGISTRY, sKey)
                    .deleteRange(CURSORS, Keys.prefix(topic, id), Keys.prefixEnd(topic, id))
                    .deleteRange(LEASES, Keys.prefix(topic, id), Keys.prefixEnd(topic, id))
                    .submit();
            subscriptions.leasesGone(Keys.prefix(topic, id));
        } finally {
            lock.unlock();
        }
        Committer.await(written);
        return true;
    }

    Optional<Claim> claim(String key, String owner, long expiresAt, long now) {
        byte[] k = claimKey(key);
        Claim next;
        CompletableFuture<Void> written;
        Lock lock = locks.of(k);
        lock.lock();
        try {
            Optional<Claim> current = committer.get(REGISTRY, k, Claim.class);
            if (current.isPresent()
                    && current.get().isLive(now)
                    && !current.get().owner().equals(owner)) {
                return Optional.empty();
            }
            next = new Claim(key, owner, expiresAt, versions.getAsLong());
            written = committer
                    .batch(false)
                    .put(REGISTRY, k, Records.encode(next))
                    .submit();
        } finally {
            lock.unlock();
        }
        Committer.await(written);
        return Optional.of(next);
    }

    Optional<Claim> readClaim(String key) {
        return committer.get(REGISTRY, claimKey(key), Claim.class);
    }

    boolean releaseClaim(String key, String owner) {
        byte[] k = claimKey(key);
        CompletableFuture<Void> written;
        Lock lock = locks.of(k);
        lock.lock();
        try {
            Optional<Claim> current = committer.get(REGISTRY, k, Claim.class);
            if (current.isEmpty() || !current.get().owner().equals(owner)) {
                return false;
            }
            written = committer.batch(false).delete(REGISTRY, k).submit();
        } finally {
            lock.unlock();
        }
        Committer.await(written);
        return true;
    }
}
