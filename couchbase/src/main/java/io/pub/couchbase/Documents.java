package io.pub.couchbase;

import com.couchbase.client.java.json.JsonArray;
import com.couchbase.client.java.json.JsonObject;
import com.couchbase.client.java.kv.GetResult;
import io.pub.Message;
import io.pub.TopicShard;
import io.pub.internal.MessageCodec;
import io.pub.spi.Claim;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.PreparedRecord;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.util.ArrayList;
import java.util.TreeSet;

/**
 * What registry entries, cursors, claims and large messages look like as Couchbase documents, both
 * ways (log blocks: {@link LogBlock}; lease blocks: {@link LeaseBlocks}).
 */
final class Documents {
    /** Couchbase's document limit (20 MiB) less room for the id and metadata. */
    static final int MAX_DOCUMENT_BYTES = 20 * 1024 * 1024 - 4096;

    private static final MessageCodec JSON = MessageCodec.json();
    private static final MessageCodec SMILE = MessageCodec.smile();

    private Documents() {}

    static JsonObject topicDoc(TopicInfo t) {
        return JsonObject.create()
                .put("name", t.name())
                .put("shards", t.shards())
                .put("temporary", t.temporary())
                .put("owner", t.owner());
    }

    static TopicInfo topicFrom(GetResult r) {
        JsonObject o = r.contentAsObject();
        return new TopicInfo(o.getString("name"), o.getInt("shards"), o.getBoolean("temporary"), o.getString("owner"));
    }

    static JsonObject subscriptionDoc(Subscription s) {
        return JsonObject.create()
                .put("topic", s.topic())
                .put("id", s.id())
                .put("kind", s.kind().name())
                .put("selector", s.selector())
                .put("noLocal", s.noLocal())
                .put("owner", s.owner())
                .put("createdAt", s.createdAt());
    }

    static Subscription subscriptionFrom(GetResult r) {
        JsonObject o = r.contentAsObject();
        return new Subscription(
                o.getString("topic"),
                o.getString("id"),
                Subscription.Kind.valueOf(o.getString("kind")),
                o.getString("selector"),
                o.getBoolean("noLocal"),
                o.getString("owner"),
                o.getLong("createdAt"));
    }

    static Claim claimFrom(String key, GetResult r) {
        JsonObject o = r.contentAsObject();
        return new Claim(key, o.getString("owner"), o.getLong("expiresAt"), r.cas());
    }

    /** A prepared transaction branch: the engine's body, base64 in a JSON document. */
    static JsonObject preparedDoc(byte[] body) {
        if (body.length > MAX_DOCUMENT_BYTES * 3L / 4) {
            throw new IllegalArgumentException("a prepared transaction of " + body.length + " bytes does not fit"
                    + " in a Couchbase document (at most about " + MAX_DOCUMENT_BYTES * 3L / 4 + " bytes of"
                    + " sends); send less in one transaction");
        }
        return JsonObject.create().put("body", java.util.Base64.getEncoder().encodeToString(body));
    }

    static PreparedRecord preparedFrom(String id, GetResult r) {
        return new PreparedRecord(
                id, java.util.Base64.getDecoder().decode(r.contentAsObject().getString("body")), r.cas());
    }

    /**
     * JSON, so people can read the documents; Smile (binary JSON, a Smile document never starts with
     * '{') when base64 would push a large body over the document limit.
     */
    static byte[] encode(Message m, TopicShard shard, long offset) {
        byte[] doc = JSON.encode(m);
        if (doc.length > MAX_DOCUMENT_BYTES) {
            doc = SMILE.encode(m);
        }
        if (doc.length > MAX_DOCUMENT_BYTES) {
            throw new IllegalArgumentException("message " + m.id() + " for offset " + offset + " of " + shard
                    + " encodes to " + doc.length + " bytes, more than a Couchbase document holds ("
                    + MAX_DOCUMENT_BYTES + "); send a smaller body");
        }
        return doc;
    }

    /** A message kept in a document of its own (too large to embed in its log block). */
    static Entry entryFrom(long offset, GetResult r) {
        return new Entry(offset, decode(r.contentAsBytes()));
    }

    /** A message as {@link #encode} wrote it. */
    static Message decode(byte[] bytes) {
        return (bytes.length > 0 && bytes[0] == '{' ? JSON : SMILE).decode(bytes);
    }

    static JsonObject cursorDoc(Cursor c) {
        return JsonObject.create()
                .put("committed", c.committed())
                .put("done", JsonArray.from(new ArrayList<Object>(c.done())));
    }

    static Cursor cursorFrom(GetResult r) {
        JsonObject o = r.contentAsObject();
        JsonArray a = o.getArray("done");
        TreeSet<Long> done = new TreeSet<>();
        for (int i = 0; i < a.size(); i++) {
            done.add(a.getLong(i));
        }
        return new Cursor(o.getLong("committed"), done, r.cas());
    }
}
