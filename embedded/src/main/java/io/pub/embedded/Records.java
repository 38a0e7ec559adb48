package io.pub.embedded;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.smile.SmileGenerator;
import io.pub.Message;
import io.pub.internal.MessageCodec;
import io.pub.spi.StoreException;
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
