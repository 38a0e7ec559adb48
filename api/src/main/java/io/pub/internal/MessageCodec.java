package io.pub.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.smile.SmileGenerator;
import io.pub.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Encodes messages for the stores with Jackson's streaming API: JSON for stores whose records people
 * read (Couchbase documents), Smile (binary JSON) where compactness matters (RocksDB). Typed
 * properties are written as [type, value] pairs so a Byte stays a Byte.
 */
public final class MessageCodec {
    private static final MessageCodec JSON = new MessageCodec(new JsonFactory());
    // Raw binary bodies: 7-bit encoding (Smile's default) costs a bit shuffle per byte both ways and
    // an eighth more space. No shared-name table: a message repeats no field name, so keeping one only
    // costs a hash per name (about a third of the encoding time). Smile readers take every form, so
    // records written before still read.
    private static final MessageCodec SMILE = new MessageCodec(new SmileFactory()
            .disable(SmileGenerator.Feature.ENCODE_BINARY_AS_7BIT)
            .disable(SmileGenerator.Feature.CHECK_SHARED_NAMES));

    private final JsonFactory factory;

    private MessageCodec(JsonFactory factory) {
        this.factory = factory;
    }

    public static MessageCodec json() {
        return JSON;
    }

    public static MessageCodec smile() {
        return SMILE;
    }

    public byte[] encode(Message m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(m.body().length + 256);
        try (JsonGenerator g = factory.createGenerator(out)) {
            write(g, m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public Message decode(byte[] bytes) {
        try (JsonParser p = factory.createParser(bytes)) {
            p.nextToken();
            return read(p);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt message record", e);
        }
    }

    /** Writes one message as an object at the generator's position (for stores that embed it). */
    public static void write(JsonGenerator g, Message m) throws IOException {
        g.writeStartObject();
        if (m.id() != null) {
            g.writeStringField("id", m.id());
        }
        if (m.type() != null) {
            g.writeStringField("type", m.type());
        }
        if (m.key() != null) {
            g.writeStringField("key", m.key());
        }
        g.writeNumberField("ts", m.publishTime());
        if (m.expiration() != 0) {
            g.writeNumberField("exp", m.expiration());
        }
        if (m.deliveryTime() != 0) {
            g.writeNumberField("at", m.deliveryTime());
        }
        g.writeNumberField("pri", m.priority());
        if (!m.headers().isEmpty()) {
            g.writeObjectFieldStart("h");
            for (Map.Entry<String, String> e : m.headers().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        if (!m.properties().isEmpty()) {
            g.writeObjectFieldStart("p");
            for (Map.Entry<String, Object> e : m.properties().entrySet()) {
                g.writeArrayFieldStart(e.getKey());
                writeTyped(g, e.getValue());
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeBinaryField("b", m.body());
        g.writeEndObject();
    }

    private static void writeTyped(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Boolean b) {
            g.writeString("z");
            g.writeBoolean(b);
        } else if (v instanceof Byte b) {
            g.writeString("b");
            g.writeNumber(b);
        } else if (v instanceof Short s) {
            g.writeString("s");
            g.writeNumber(s);
        } else if (v instanceof Integer i) {
            g.writeString("i");
            g.writeNumber(i);
        } else if (v instanceof Long l) {
            g.writeString("l");
            g.writeNumber(l);
        } else if (v instanceof Float f) {
            // floats go through their bits so NaN, infinities and -0.0 survive JSON
            g.writeString("f");
            g.writeNumber(Float.floatToRawIntBits(f));
        } else if (v instanceof Double d) {
            g.writeString("d");
            g.writeNumber(Double.doubleToRawLongBits(d));
        } else {
            g.writeString("t");
            g.writeString((String) v);
        }
    }

    /** Reads one message object; the parser is on its START_OBJECT and is left on its END_OBJECT. */
    public static Message read(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException("expected a message object, found " + p.currentToken());
        }
        Message.Builder b = Message.builder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "id" -> b.id(p.getText());
                case "type" -> b.type(p.getText());
                case "key" -> b.key(p.getText());
                case "ts" -> b.publishTime(p.getLongValue());
                case "exp" -> b.expiration(p.getLongValue());
                case "at" -> b.deliveryTime(p.getLongValue());
                case "pri" -> b.priority(p.getIntValue());
                case "h" -> {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken();
                        b.header(name, p.getText());
                    }
                }
                case "p" -> {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken(); // START_ARRAY
                        p.nextToken();
                        String t = p.getText();
                        p.nextToken();
                        b.property(name, readTyped(t, p));
                        p.nextToken(); // END_ARRAY
                    }
                }
                case "b" -> b.body(p.getBinaryValue());
                default -> p.skipChildren();
            }
        }
        return b.build();
    }

    private static Object readTyped(String t, JsonParser p) throws IOException {
        return switch (t) {
            case "z" -> p.getBooleanValue();
            case "b" -> (byte) p.getIntValue();
            case "s" -> (short) p.getIntValue();
            case "i" -> p.getIntValue();
            case "l" -> p.getLongValue();
            case "f" -> Float.intBitsToFloat(p.getIntValue());
            case "d" -> Double.longBitsToDouble(p.getLongValue());
            case "t" -> p.getText();
            default -> throw new IOException("unknown property type tag '" + t + "'");
        };
    }
}
