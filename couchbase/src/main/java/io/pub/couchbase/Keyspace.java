package io.pub.couchbase;

import com.couchbase.client.java.Bucket;
import com.couchbase.client.java.ReactiveCollection;
import com.couchbase.client.java.ReactiveScope;
import io.pub.TopicShard;
import java.util.List;

/**
 * Where each record lives: its collection and its document id. With the collections layout every kind
 * has its own collection in the scope and ids carry no prefix; with the prefix layout all kinds share
 * the bucket's default collection and a one-letter prefix keeps them apart. Names never contain '/'
 * (see io.pub.Names), so '/' separates the parts of an id.
 */
final class Keyspace {
    static final List<String> COLLECTIONS = List.of("messages", "cursors", "offsets", "leases", "registry");

    final ReactiveCollection messages;
    final ReactiveCollection cursors;
    final ReactiveCollection offsets;
    final ReactiveCollection leases;
    final ReactiveCollection registry;
    private final boolean prefixed;

    private Keyspace(
            ReactiveCollection messages,
            ReactiveCollection cursors,
            ReactiveCollection offsets,
            ReactiveCollection leases,
            ReactiveCollection registry,
            boolean prefixed) {
        this.messages = messages;
        this.cursors = cursors;
        this.offsets = offsets;
        this.leases = leases;
        this.registry = registry;
        this.prefixed = prefixed;
    }

    static Keyspace of(Bucket bucket, CouchbaseConfig config) {
        if (config.layout() == CouchbaseConfig.Layout.PREFIX) {
            ReactiveCollection c = bucket.defaultCollection().reactive();
            return new Keyspace(c, c, c, c, c, true);
        }
        ReactiveScope scope = bucket.scope(config.scope()).reactive();
        return new Keyspace(
                scope.collection("messages"),
                scope.collection("cursors"),
                scope.collection("offsets"),
                scope.collection("leases"),
                scope.collection("registry"),
                false);
    }

    List<ReactiveCollection> all() {
        return List.of(messages, cursors, offsets, leases, registry);
    }

    private String p(String prefix) {
        return prefixed ? prefix : "";
    }

    /** The log block holding offsets {@code [index * LogBlock.SIZE, (index + 1) * LogBlock.SIZE)}. */
    String block(TopicShard shard, long index) {
        return p("m:") + shard.topic() + "/" + shard.shard() + "/b/" + index;
    }

    /** A message too large to embed in its block. */
    String external(TopicShard shard, long offset) {
        return p("m:") + shard.topic() + "/" + shard.shard() + "/x/" + offset;
    }

    String counter(TopicShard shard) {
        return p("o:") + shard.topic() + "/" + shard.shard();
    }

    /** The offset below which a shard was trimmed, so the next trim knows where to start. */
    String low(TopicShard shard) {
        return p("o:") + shard.topic() + "/" + shard.shard() + "/low";
    }

    String cursor(String subscription, TopicShard shard) {
        return p("c:") + shard.topic() + "/" + subscription + "/" + shard.shard();
    }

    /** The leases of offsets {@code [index * LeaseBlocks.SIZE, (index + 1) * LeaseBlocks.SIZE)}. */
    String leaseBlock(String subscription, TopicShard shard, long index) {
        return p("l:") + shard.topic() + "/" + subscription + "/" + shard.shard() + "/" + index;
    }

    String topic(String name) {
        return p("r:") + "topic/" + name;
    }

    String topicIndex() {
        return p("r:") + "topics";
    }

    String subscription(String topic, String id) {
        return p("r:") + "sub/" + topic + "/" + id;
    }

    String subscriptionIndex(String topic) {
        return p("r:") + "subs/" + topic;
    }

    /** A prepared XA transaction branch. */
    String prepared(String id) {
        return p("r:") + "xa/" + id;
    }

    String preparedIndex() {
        return p("r:") + "xa";
    }

    String claim(String key) {
        return p("r:") + "claim/" + key;
    }
}
