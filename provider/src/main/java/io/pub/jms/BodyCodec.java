package io.pub.jms;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes MapMessage and StreamMessage bodies with Jackson Smile (binary JSON: exact floats,
 * NaN and raw byte arrays). Each value is a [tag, value] pair, because JSON numbers alone would
 * turn a Byte into an Integer and a Character into a String, and the conversion rules depend on the
 * type that was written.
 */
final class BodyCodec {
    private static final SmileFactory SMILE = new SmileFactory();

    private BodyCodec() {}

    /** An empty map is an empty body, so an empty MapMessage has no body as getBody sees it. */
    static byte[] encodeMap(Map<String, Object> map) {
        if (map.isEmpty()) {
            return new byte[0];
        }
        return write(g -> {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : map.entrySet()) {
                g.writeFieldName(e.getKey());
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        });
    }

    static byte[] encodeList(List<Object> list) {
        if (list.isEmpty()) {
            return new byte[0];
        }
        return write(g -> {
            g.writeStartArray();
            for (Object v : list) {
                writeValue(g, v);
            }
            g.writeEndArray();
        });
    }

    static Map<String, Object> decodeMap(byte[] bytes) throws JMSException {
        Map<String, Object> map = new LinkedHashMap<>();
        if (bytes.length == 0) {
            return map;
        }
        try (JsonParser p = SMILE.createParser(bytes)) {
            expect(p, JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                map.put(name, readValue(p));
            }
            return map;
        } catch (IOException | RuntimeException e) {
            throw corrupt("MapMessage", e);
        }
    }

    static List<Object> decodeList(byte[] bytes) throws JMSException {
        List<Object> list = new ArrayList<>();
        if (bytes.length == 0) {
            return list;
        }
        try (JsonParser p = SMILE.createParser(bytes)) {
            expect(p, JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_ARRAY) {
                list.add(readValue(p));
            }
            return list;
        } catch (IOException | RuntimeException e) {
            throw corrupt("StreamMessage", e);
        }
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        g.writeStartArray();
        if (v == null) {
            g.writeString("N");
        } else if (v instanceof Boolean b) {
            g.writeString("Z");
            g.writeBoolean(b);
        } else if (v instanceof Byte b) {
            g.writeString("B");
            g.writeNumber(b);
        } else if (v instanceof Short s) {
            g.writeString("S");
            g.writeNumber(s);
        } else if (v instanceof Character c) {
            g.writeString("C");
            g.writeNumber((int) c);
        } else if (v instanceof Integer i) {
            g.writeString("I");
            g.writeNumber(i);
        } else if (v instanceof Long l) {
            g.writeString("J");
            g.writeNumber(l);
        } else if (v instanceof Float f) {
            g.writeString("F");
            g.writeNumber(f);
        } else if (v instanceof Double d) {
            g.writeString("D");
            g.writeNumber(d);
        } else if (v instanceof String s) {
            g.writeString("T");
            g.writeString(s);
        } else if (v instanceof byte[] b) {
            g.writeString("[B");
            g.writeBinary(b);
        } else {
            // Unreachable: the message classes admit only the types above.
            throw new IllegalArgumentException(
                    "unsupported body value type " + v.getClass().getName());
        }
        g.writeEndArray();
    }

    /** Reads a [tag, value] pair; the parser is on its START_ARRAY and ends on its END_ARRAY. */
    private static Object readValue(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new IOException("expected a [type, value] pair, found " + p.currentToken());
        }
        p.nextToken();
        String tag = p.getText();
        Object v;
        if ("N".equals(tag)) {
            v = null;
        } else {
            p.nextToken();
            v = switch (tag) {
                case "Z" -> p.getBooleanValue();
                case "B" -> (byte) p.getIntValue();
                case "S" -> (short) p.getIntValue();
                case "C" -> (char) p.getIntValue();
                case "I" -> p.getIntValue();
                case "J" -> p.getLongValue();
                case "F" -> p.getFloatValue();
                case "D" -> p.getDoubleValue();
                case "T" -> p.getText();
                case "[B" -> p.getBinaryValue();
                default -> throw new IOException("unknown value type tag '" + tag + "'");
            };
        }
        expect(p, JsonToken.END_ARRAY);
        return v;
    }

    private static void expect(JsonParser p, JsonToken token) throws IOException {
        JsonToken t = p.nextToken();
        if (t != token) {
            throw new IOException("expected " + token + ", found " + t);
        }
    }

    private static MessageFormatException corrupt(String kind, Exception e) {
        return JmsExceptions.withCause(
                new MessageFormatException("stored " + kind + " body is corrupt: " + e.getMessage()), e);
    }

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = SMILE.createGenerator(out)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
