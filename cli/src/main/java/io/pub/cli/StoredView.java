package io.pub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import io.pub.Message;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stored message as a JMS application sees it: its header fields, properties and a preview of its
 * body. The names and encodings are the provider's stored form (io.pub.jms.JmsHeaders, which promises
 * never to rename one, and io.pub.jms.BodyCodec); messages published with the native API have no body
 * kind and read as bytes. Object bodies are never deserialized: the tool runs no code from messages.
 */
final class StoredView {
    static final String CORRELATION_ID = "JMSCorrelationID";
    static final String CORRELATION_ID_BYTES = "JMSCorrelationIDBytes";
    static final String REPLY_TO = "JMSReplyTo";
    static final String DELIVERY_MODE = "JMSDeliveryMode";
    static final String TIMESTAMP = "JMSTimestamp";
    static final String BODY = "pub.body";
    static final String NULL_BODY = "pub.nullBody";
    static final String BODY_TEXT = "text";
    static final String BODY_BYTES = "bytes";
    static final String BODY_MAP = "map";
    static final String BODY_STREAM = "stream";
    static final String BODY_OBJECT = "object";
    static final String BODY_NONE = "none";
    /** jakarta.jms.DeliveryMode.NON_PERSISTENT, as the provider stores it. */
    static final String NON_PERSISTENT = "1";

    private static final ObjectMapper SMILE = new ObjectMapper(new SmileFactory());

    /** What browse, receive and the JSON output show of one message. */
    record View(
            String messageId,
            String type,
            long timestamp,
            String correlationId,
            String replyTo,
            String deliveryMode,
            int priority,
            long expiration,
            long deliveryTime,
            String groupId,
            Map<String, Object> properties,
            String bodyType,
            int bodySize,
            String body) {}

    private StoredView() {}

    static boolean persistent(Message m) {
        return !NON_PERSISTENT.equals(m.headers().get(DELIVERY_MODE));
    }

    /** JMSTimestamp as a selector sees it: null when the producer disabled timestamps. */
    static Long jmsTimestamp(Message m) {
        String ts = m.headers().get(TIMESTAMP);
        try {
            return ts == null ? null : Long.valueOf(ts);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String bodyType(Message m) {
        return m.headers().getOrDefault(BODY, BODY_BYTES);
    }

    /** The message, its body cut to {@code preview} characters (0: the whole body). */
    static View of(Message m, int preview) {
        Long ts = jmsTimestamp(m);
        String correlation = m.headers().get(CORRELATION_ID);
        if (correlation == null && m.headers().containsKey(CORRELATION_ID_BYTES)) {
            correlation = "base64:" + m.headers().get(CORRELATION_ID_BYTES);
        }
        return new View(
                m.id(),
                m.type(),
                ts != null ? ts : m.publishTime(),
                correlation,
                m.headers().get(REPLY_TO),
                persistent(m) ? "PERSISTENT" : "NON_PERSISTENT",
                m.priority(),
                m.expiration(),
                m.deliveryTime() != 0 ? m.deliveryTime() : m.publishTime(),
                m.key(),
                new LinkedHashMap<>(m.properties()),
                bodyType(m),
                m.body().length,
                cut(body(m), preview));
    }

    /** The body as text: text bodies as they are, others rendered (see the class comment). */
    static String body(Message m) {
        if ("true".equals(m.headers().get(NULL_BODY))) {
            return "(null)";
        }
        byte[] b = m.body();
        return switch (bodyType(m)) {
            case BODY_TEXT -> new String(b, StandardCharsets.UTF_8);
            case BODY_NONE -> "";
            case BODY_MAP -> smile(b, true);
            case BODY_STREAM -> smile(b, false);
            case BODY_OBJECT -> "(serialized Java object, " + b.length + " bytes)";
            default -> bytes(b);
        };
    }

    /** Bytes that are UTF-8 text show as the text; others as hex. */
    private static String bytes(byte[] b) {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b))
                    .toString();
            if (text.chars().noneMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
                return text;
            }
        } catch (CharacterCodingException e) {
            // not text
        }
        return "0x" + HexFormat.of().formatHex(b);
    }

    /** A map or stream body: [tag, value] pairs in Smile (io.pub.jms.BodyCodec), shown as {a=1, b=x} or [1, x]. */
    private static String smile(byte[] b, boolean map) {
        if (b.length == 0) {
            return map ? "{}" : "[]";
        }
        try {
            JsonNode root = SMILE.readTree(b);
            if (map) {
                List<String> parts = new ArrayList<>();
                Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    parts.add(f.getKey() + "=" + value(f.getValue()));
                }
                return "{" + String.join(", ", parts) + "}";
            }
            List<String> parts = new ArrayList<>();
            root.forEach(v -> parts.add(value(v)));
            return "[" + String.join(", ", parts) + "]";
        } catch (java.io.IOException | RuntimeException e) {
            return "(unreadable " + (map ? "map" : "stream") + " body, " + b.length + " bytes)";
        }
    }

    private static String value(JsonNode pair) {
        if (!pair.isArray() || pair.size() == 0) {
            return String.valueOf(pair);
        }
        String tag = pair.get(0).asText();
        if ("N".equals(tag)) {
            return "null";
        }
        JsonNode v = pair.get(1);
        if (v == null) {
            return "?";
        }
        return switch (tag) {
            case "C" -> String.valueOf((char) v.asInt());
            case "[B" -> {
                try {
                    yield "0x" + HexFormat.of().formatHex(v.binaryValue());
                } catch (java.io.IOException e) {
                    yield "(bytes)";
                }
            }
            default -> v.asText();
        };
    }

    /** At most {@code max} characters (0: all), line breaks shown as \n so a table row stays one line. */
    static String cut(String s, int max) {
        String one = s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
        if (max > 0 && one.length() > max) {
            return one.substring(0, Math.max(0, max - 3)) + "...";
        }
        return one;
    }

    /** The properties as name=value, comma-separated, for a table cell. */
    static String properties(Map<String, Object> props) {
        if (props.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        props.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }
}
