package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** toStored and fromStored: headers, properties and all five bodies survive the store. */
class MessageStoredFormTest {
    private static final PubQueue QUEUE = new PubQueue("orders");

    private static PubMessage roundTrip(PubMessage m, int deliveryCount) {
        return PubMessage.fromStored(m.toStored(1_000), QUEUE, deliveryCount);
    }

    /** Every value type of a MapMessage or StreamMessage, with edge values. */
    static final Map<String, Object> EVERY_TYPE = everyType();

    private static Map<String, Object> everyType() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("boolean", true);
        m.put("byte", Byte.MIN_VALUE);
        m.put("short", Short.MAX_VALUE);
        m.put("char", '\u20ac');
        m.put("int", Integer.MIN_VALUE);
        m.put("long", Long.MAX_VALUE);
        m.put("float", Float.NaN);
        m.put("floatMin", Float.MIN_VALUE);
        m.put("double", Double.NEGATIVE_INFINITY);
        m.put("doublePrecise", 0.1 + 0.2);
        m.put("string", "naïve ☃");
        m.put("emptyString", "");
        m.put("bytes", new byte[] {0, -1, 127});
        m.put("emptyBytes", new byte[0]);
        m.put("null", null);
        return Collections.unmodifiableMap(m);
    }

    @Test
    void headersAndPropertiesRoundTrip() throws JMSException {
        PubTextMessage m = new PubTextMessage("hi");
        m.setJMSMessageID("ID:1");
        m.setJMSTimestamp(42);
        m.setJMSCorrelationID("corr");
        m.setJMSReplyTo(new PubTopic("replies"));
        m.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        m.setJMSType("order");
        m.setJMSExpiration(5_000);
        m.setJMSDeliveryTime(2_000);
        m.setJMSPriority(7);
        m.setBooleanProperty("b", true);
        m.setByteProperty("y", (byte) 1);
        m.setShortProperty("s", (short) 2);
        m.setIntProperty("i", 3);
        m.setLongProperty("l", 4L);
        m.setFloatProperty("f", 5.5f);
        m.setDoubleProperty("d", 6.5);
        m.setStringProperty("t", "text");
        m.setStringProperty("JMSXGroupID", "group-1");
        m.setIntProperty("JMSXGroupSeq", 2);

        io.pub.Message stored = m.toStored(1_000);
        assertThat(stored.id()).isEqualTo("ID:1");
        assertThat(stored.type()).isEqualTo("order");
        assertThat(stored.key()).isEqualTo("group-1");
        assertThat(stored.priority()).isEqualTo(7);
        assertThat(stored.expiration()).isEqualTo(5_000);
        assertThat(stored.deliveryTime()).isEqualTo(2_000);
        assertThat(stored.publishTime()).isEqualTo(1_000);
        assertThat(stored.headers())
                .containsEntry(JmsHeaders.CORRELATION_ID, "corr")
                .containsEntry(JmsHeaders.REPLY_TO, "topic:replies")
                .containsEntry(JmsHeaders.DELIVERY_MODE, "1")
                .containsEntry(JmsHeaders.TIMESTAMP, "42")
                .containsEntry(JmsHeaders.BODY, JmsHeaders.BODY_TEXT);
        assertThat(stored.properties())
                .containsEntry("y", (byte) 1)
                .containsEntry("s", (short) 2)
                .containsEntry("f", 5.5f)
                .doesNotContainKey("JMSXDeliveryCount");
        assertThat(stored.body()).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));

        PubMessage r = PubMessage.fromStored(stored, QUEUE, 1);
        assertThat(r).isInstanceOf(PubTextMessage.class);
        assertThat(r.getJMSMessageID()).isEqualTo("ID:1");
        assertThat(r.getJMSTimestamp()).isEqualTo(42);
        assertThat(r.getJMSCorrelationID()).isEqualTo("corr");
        assertThat(r.getJMSReplyTo()).isEqualTo(new PubTopic("replies"));
        assertThat(r.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
        assertThat(r.getJMSType()).isEqualTo("order");
        assertThat(r.getJMSExpiration()).isEqualTo(5_000);
        assertThat(r.getJMSDeliveryTime()).isEqualTo(2_000);
        assertThat(r.getJMSPriority()).isEqualTo(7);
        assertThat(r.getJMSDestination()).isEqualTo(QUEUE);
        assertThat(r.getJMSRedelivered()).isFalse();
        assertThat(r.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
        for (String name : List.of("b", "y", "s", "i", "l", "f", "d", "t", "JMSXGroupID", "JMSXGroupSeq")) {
            assertThat(r.getObjectProperty(name)).as(name).isEqualTo(m.getObjectProperty(name));
        }
        assertThat(((PubTextMessage) r).getText()).isEqualTo("hi");
    }

    @Test
    void redeliveryDisabledTimestampAndBytesCorrelationId() throws JMSException {
        PubMessage m = new PubMessage();
        m.setJMSCorrelationIDAsBytes(new byte[] {(byte) 0xff, 0, 1});
        m.setJMSReplyTo(new PubTemporaryQueue("tmp.1", d -> {}));
        io.pub.Message stored = m.toStored(1_000);
        assertThat(stored.headers()).doesNotContainKey(JmsHeaders.TIMESTAMP);
        PubMessage r = PubMessage.fromStored(stored, QUEUE, 3);
        assertThat(r.getClass()).isEqualTo(PubMessage.class);
        assertThat(r.getJMSTimestamp()).isZero();
        assertThat(r.getJMSRedelivered()).isTrue();
        assertThat(r.getIntProperty("JMSXDeliveryCount")).isEqualTo(3);
        assertThat(r.getJMSCorrelationIDAsBytes()).containsExactly(0xff, 0, 1);
        assertThat(r.getJMSReplyTo()).isInstanceOf(PubTemporaryQueue.class).isEqualTo(m.getJMSReplyTo());
        // a temporary destination read from a message cannot be deleted by the receiver
        assertThatThrownBy(() -> ((PubTemporaryQueue) r.getJMSReplyTo()).delete())
                .isInstanceOf(jakarta.jms.IllegalStateException.class);
        assertThat(r.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(r.getBody(Object.class)).isNull();
    }

    @Test
    void textBodiesIncludingNullAndEmpty() throws JMSException {
        for (String text : new String[] {"", null, "ünïcødé \uD83D\uDE00"}) {
            PubTextMessage r = (PubTextMessage) roundTrip(new PubTextMessage(text), 1);
            assertThat(r.getText()).isEqualTo(text);
        }
    }

    @Test
    void bytesBodiesIncludingEmpty() throws JMSException {
        PubBytesMessage m = new PubBytesMessage();
        m.writeLong(123);
        PubBytesMessage r = (PubBytesMessage) roundTrip(m, 1);
        assertThat(r.getBodyLength()).isEqualTo(8);
        assertThat(r.readLong()).isEqualTo(123);
        // the sender's message is untouched, still write-only
        m.writeInt(1);

        PubBytesMessage empty = (PubBytesMessage) roundTrip(new PubBytesMessage(), 1);
        assertThat(empty.getBodyLength()).isZero();
        assertThat(empty.readBytes(new byte[1])).isEqualTo(-1);
    }

    @Test
    void mapBodyKeepsEveryJavaType() throws JMSException {
        PubMapMessage m = new PubMapMessage();
        for (Map.Entry<String, Object> e : EVERY_TYPE.entrySet()) {
            m.setObject(e.getKey(), e.getValue());
        }
        PubMapMessage r = (PubMapMessage) roundTrip(m, 1);
        assertThat(Collections.list(r.getMapNames())).containsExactlyElementsOf(EVERY_TYPE.keySet());
        for (Map.Entry<String, Object> e : EVERY_TYPE.entrySet()) {
            Object read = r.getObject(e.getKey());
            assertThat(read).as(e.getKey()).isEqualTo(e.getValue());
            if (e.getValue() != null) {
                assertThat(read).as(e.getKey()).isExactlyInstanceOf(e.getValue().getClass());
            }
        }
        assertThat(r.itemExists("null")).isTrue();
        // the stored form is decoded as needed, so a sent body is stored as it was written
        assertThat(r.toStored(2).body()).isEqualTo(m.toStored(1).body());

        PubMapMessage empty = (PubMapMessage) roundTrip(new PubMapMessage(), 1);
        assertThat(empty.getMapNames().hasMoreElements()).isFalse();
    }

    @Test
    void streamBodyKeepsEveryJavaType() throws JMSException {
        PubStreamMessage m = new PubStreamMessage();
        for (Object v : EVERY_TYPE.values()) {
            m.writeObject(v);
        }
        PubStreamMessage r = (PubStreamMessage) roundTrip(m, 1);
        for (Map.Entry<String, Object> e : EVERY_TYPE.entrySet()) {
            Object read = r.readObject();
            assertThat(read).as(e.getKey()).isEqualTo(e.getValue());
            if (e.getValue() != null) {
                assertThat(read).as(e.getKey()).isExactlyInstanceOf(e.getValue().getClass());
            }
        }
        assertThatThrownBy(r::readObject).isInstanceOf(MessageEOFException.class);

        PubStreamMessage empty = (PubStreamMessage) roundTrip(new PubStreamMessage(), 1);
        assertThatThrownBy(empty::readObject).isInstanceOf(MessageEOFException.class);
    }

    @Test
    void objectBodiesIncludingNull() throws JMSException {
        PubObjectMessage m = new PubObjectMessage();
        m.setObject(new java.util.ArrayList<>(List.of(1, "two")));
        assertThat(((PubObjectMessage) roundTrip(m, 1)).getObject()).isEqualTo(List.of(1, "two"));
        assertThat(((PubObjectMessage) roundTrip(new PubObjectMessage(), 1)).getObject())
                .isNull();
    }

    @Test
    void nativeMessagesAreBytesMessagesAndCorruptBodiesFailOnRead() throws JMSException {
        io.pub.Message nativeMessage = io.pub.Message.builder()
                .body(new byte[] {1, 2})
                .property("not-an-identifier", "v")
                .build();
        PubMessage r = PubMessage.fromStored(nativeMessage, new PubTopic("t"), 1);
        assertThat(r).isInstanceOf(PubBytesMessage.class);
        assertThat(((PubBytesMessage) r).getBodyLength()).isEqualTo(2);
        assertThat(r.getStringProperty("not-an-identifier")).isEqualTo("v");
        assertThat(r.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);

        io.pub.Message corrupt = io.pub.Message.builder()
                .header(JmsHeaders.BODY, JmsHeaders.BODY_MAP)
                .body(new byte[] {1, 2, 3})
                .build();
        PubMapMessage map = (PubMapMessage) PubMessage.fromStored(corrupt, QUEUE, 1);
        assertThatThrownBy(() -> map.getInt("x")).isInstanceOf(MessageFormatException.class);
    }

    @Test
    void deliveryTimeWithoutDelayIsTheSendTime() {
        PubMessage m = new PubMessage();
        io.pub.Message stored = m.toStored(1_234);
        assertThat(stored.deliveryTime()).isZero();
        assertThat(PubMessage.fromStored(stored, QUEUE, 1).getJMSDeliveryTime()).isEqualTo(1_234);
    }

    @Test
    void malformedHeadersFromNativePublishersReadAsAbsent() {
        io.pub.Message stored = io.pub.Message.builder()
                .header(JmsHeaders.REPLY_TO, "nonsense")
                .header(JmsHeaders.TIMESTAMP, "yesterday")
                .header(JmsHeaders.DELIVERY_MODE, "x")
                .header(JmsHeaders.CORRELATION_ID_BYTES, "not base64!")
                .build();
        PubMessage r = PubMessage.fromStored(stored, QUEUE, 1);
        assertThat(r.getJMSReplyTo()).isNull();
        assertThat(r.getJMSTimestamp()).isZero();
        assertThat(r.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(r.getJMSCorrelationIDAsBytes()).isNull();
    }

    @Test
    void nullPropertiesAreNotStored() throws JMSException {
        PubMessage m = new PubMessage();
        m.setStringProperty("gone", null);
        assertThat(m.toStored(1).properties()).doesNotContainKey("gone");
    }
}
