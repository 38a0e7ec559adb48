package io.pub.embedded;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.smile.SmileGenerator;
import io.pub.Message;
import io.pub.internal.MessageCodec;
import io.pub.spi.Lease;
import io.pub.spi.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Value encodings: messages with the shared Smile message codec, the other records (cursors, leases,
 * topics, subscriptions, claims) as Smile through Jackson's record support. A tombstone is the empty
 * value, which no Smile document can be.
 */
final class Records {
    static final byte[] TOMBSTONE = new byte[0];

    // No shared-name table: a record repeats no field name, so setting one up for every record (a lease
    // per message delivered) is wasted. Smile readers take either form, so records written before
    // still read.
    private static final ObjectMapper SMILE = new ObjectMapper(
                    new SmileFactory().disable(SmileGenerator.Feature.CHECK_SHARED_NAMES))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Records() {}

    static byte[] message(Message m) {
        return MessageCodec.smile().encode(m);
    }

    static Message message(byte[] value) {
        return MessageCodec.smile().decode(value);
    }

    static boolean isTombstone(byte[] value) {
        return value.length == 0;
    }

    static byte[] encode(Object record) {
        try {
            return SMILE.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new StoreException("cannot encode " + record.getClass().getSimpleName(), e);
        }
    }

    /**
     * A lease as {@link #encode} writes it, field for field, through Jackson's streaming generator: a
     * lease is written for every message delivered, and databind's reflective record serializer cost
     * about as much as the rest of taking the lease.
     */
    static byte[] lease(Lease l) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = SMILE.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("subscription", l.subscription());
            g.writeObjectFieldStart("shard");
            g.writeStringField("topic", l.shard().topic());
            g.writeNumberField("shard", l.shard().shard());
            g.writeEndObject();
            g.writeNumberField("offset", l.offset());
            g.writeStringField("owner", l.owner());
            g.writeNumberField("expiresAt", l.expiresAt());
            g.writeNumberField("deliveryCount", l.deliveryCount());
            g.writeNumberField("version", l.version());
            g.writeEndObject();
        } catch (IOException e) {
            throw new StoreException("cannot encode a lease", e);
        }
        return out.toByteArray();
    }

    static <T> T decode(byte[] value, Class<T> type) {
        try {
            return SMILE.readValue(value, type);
        } catch (IOException e) {
            throw new StoreException("corrupt " + type.getSimpleName() + " record in the embedded store", e);
        }
    }

    static byte[] longValue(long v) {
        return java.nio.ByteBuffer.allocate(8).putLong(v).array();
    }

    static long longValue(byte[] value) {
        return java.nio.ByteBuffer.wrap(value).getLong();
    }
}
