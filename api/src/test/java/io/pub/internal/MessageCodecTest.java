package io.pub.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import io.pub.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    private static Message sample() {
        byte[] body = new byte[1024];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31);
        }
        return Message.builder()
                .id("ID:1")
                .key("group")
                .publishTime(42)
                .priority(7)
                .header("h1", "v1")
                .property("count", 3)
                .property("ratio", Double.NaN)
                .body(body)
                .build();
    }

    @Test
    void smileBodiesAreRawBinaryAndRoundTrip() {
        Message m = sample();
        byte[] encoded = MessageCodec.smile().encode(m);
        // raw: the body costs its own size, not the 8/7 of Smile's 7-bit form
        assertTrue(encoded.length < 1024 + 100, "encoded size " + encoded.length);
        assertEquals(m, MessageCodec.smile().decode(encoded));
    }

    @Test
    void smileRecordsWrittenWithSevenBitBodiesStillRead() throws IOException {
        Message m = sample();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new SmileFactory().createGenerator(out)) {
            MessageCodec.write(g, m);
        }
        Message read = MessageCodec.smile().decode(out.toByteArray());
        assertEquals(m, read);
        assertArrayEquals(m.body(), read.body());
    }

    @Test
    void jsonRoundTrips() {
        Message m = sample();
        assertEquals(m, MessageCodec.json().decode(MessageCodec.json().encode(m)));
    }
}
