package io.pub.jms;

import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageEOFException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.util.Base64;
import java.util.Enumeration;
import java.util.Map;

/**
 * Converts JMS messages to the stored {@link io.pub.Message} and back, and copies other providers'
 * messages. What goes where: JMSMessageID is the id, JMSType the type, JMSXGroupID also the sharding
 * key; JMSPriority, JMSExpiration and JMSDeliveryTime are fields the engine acts on; the other
 * headers are string headers named in {@link JmsHeaders}; properties keep their Java types.
 */
final class MessageMapping {
    private MessageMapping() {}

    static io.pub.Message toStored(PubMessage m, long publishTime) {
        return storedBuilder(m, publishTime).build();
    }

    /** {@link #toStored} still open, so a sender adds its fields without copying the message again. */
    static io.pub.Message.Builder storedBuilder(PubMessage m, long publishTime) {
        io.pub.Message.Builder b = io.pub.Message.builder()
                .id(m.getJMSMessageID())
                .type(m.getJMSType())
                .publishTime(publishTime)
                .expiration(m.getJMSExpiration())
                .deliveryTime(m.getJMSDeliveryTime())
                .priority(m.getJMSPriority());
        if (m.storedProperties().get(JmsHeaders.JMSX_GROUP_ID) instanceof String group) {
            b.key(group);
        }
        if (m.correlationIdIsBytes()) {
            b.header(
                    JmsHeaders.CORRELATION_ID_BYTES,
                    Base64.getEncoder().encodeToString(m.getJMSCorrelationIDAsBytes()));
        } else {
            b.header(JmsHeaders.CORRELATION_ID, m.getJMSCorrelationID());
        }
        if (m.getJMSReplyTo() instanceof PubDestination replyTo) {
            b.header(JmsHeaders.REPLY_TO, replyTo.encode());
        }
        b.header(JmsHeaders.DELIVERY_MODE, Integer.toString(m.getJMSDeliveryMode()));
        if (m.getJMSTimestamp() != 0) {
            b.header(JmsHeaders.TIMESTAMP, Long.toString(m.getJMSTimestamp()));
        }
        b.header(JmsHeaders.BODY, m.bodyKind());
        byte[] body = m.encodeBody();
        if (body == null) {
            b.header(JmsHeaders.NULL_BODY, "true");
        }
        b.body(body);
        // Null property values are dropped: the store has no null, and an absent property reads the same.
        for (Map.Entry<String, Object> e : m.storedProperties().entrySet()) {
            b.property(e.getKey(), e.getValue());
        }
        return b;
    }

    static PubMessage fromStored(io.pub.Message stored, Destination destination, int deliveryCount) {
        Map<String, String> h = stored.headers();
        // Messages published through the native API carry no body kind: their body is plain bytes.
        String kind = h.getOrDefault(JmsHeaders.BODY, JmsHeaders.BODY_BYTES);
        PubMessage m =
                switch (kind) {
                    case JmsHeaders.BODY_NONE -> new PubMessage();
                    case JmsHeaders.BODY_TEXT -> new PubTextMessage();
                    case JmsHeaders.BODY_MAP -> new PubMapMessage();
                    case JmsHeaders.BODY_OBJECT -> new PubObjectMessage();
                    case JmsHeaders.BODY_STREAM -> new PubStreamMessage();
                    default -> new PubBytesMessage();
                };
        m.decodeBody(stored.body(), "true".equals(h.get(JmsHeaders.NULL_BODY)));
        m.setJMSMessageID(stored.id());
        m.setJMSType(stored.type());
        m.setJMSTimestamp(parseLong(h.get(JmsHeaders.TIMESTAMP), 0));
        byte[] bytesId = decodeBase64(h.get(JmsHeaders.CORRELATION_ID_BYTES));
        if (bytesId != null) {
            m.setJMSCorrelationIDAsBytes(bytesId);
        } else {
            m.setJMSCorrelationID(h.get(JmsHeaders.CORRELATION_ID));
        }
        String replyTo = h.get(JmsHeaders.REPLY_TO);
        if (replyTo != null) {
            m.restoreReplyTo(decodeReplyTo(replyTo));
        }
        boolean nonPersistent = parseLong(h.get(JmsHeaders.DELIVERY_MODE), 0) == DeliveryMode.NON_PERSISTENT;
        m.restoreDeliveryMode(nonPersistent ? DeliveryMode.NON_PERSISTENT : DeliveryMode.PERSISTENT);
        m.setJMSExpiration(stored.expiration());
        // The store says 0 for "deliverable at once"; JMS says the send time plus the delivery delay.
        m.setJMSDeliveryTime(stored.deliveryTime() != 0 ? stored.deliveryTime() : stored.publishTime());
        m.restorePriority(stored.priority());
        m.setJMSDestination(destination);
        m.setJMSRedelivered(deliveryCount > 1);
        m.setDeliveryCount(deliveryCount);
        // Set directly, not through the setters: a native publisher may use names JMS would refuse,
        // and the receiver must still see them.
        m.storedProperties().putAll(stored.properties());
        m.makeReadOnly();
        return m;
    }

    /*
     * Headers are written by this class, but a native publisher may write any header: a malformed
     * one reads as absent rather than making the message undeliverable.
     */
    private static long parseLong(String value, long absent) {
        try {
            return value == null ? absent : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return absent;
        }
    }

    private static byte[] decodeBase64(String value) {
        try {
            return value == null ? null : Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Destination decodeReplyTo(String value) {
        try {
            return PubDestination.decode(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static PubMessage copyOf(Message foreign) throws JMSException {
        PubMessage m = copyBody(foreign);
        m.setJMSMessageID(foreign.getJMSMessageID());
        m.setJMSTimestamp(foreign.getJMSTimestamp());
        m.setJMSCorrelationID(foreign.getJMSCorrelationID());
        m.setJMSReplyTo(foreign.getJMSReplyTo());
        m.setJMSDestination(foreign.getJMSDestination());
        int mode = foreign.getJMSDeliveryMode();
        if (mode == DeliveryMode.PERSISTENT || mode == DeliveryMode.NON_PERSISTENT) {
            m.setJMSDeliveryMode(mode); // other values: a message never sent; the producer sets it
        }
        m.setJMSRedelivered(foreign.getJMSRedelivered());
        m.setJMSType(foreign.getJMSType());
        m.setJMSExpiration(foreign.getJMSExpiration());
        m.setJMSDeliveryTime(foreign.getJMSDeliveryTime());
        int priority = foreign.getJMSPriority();
        if (priority >= 0 && priority <= 9) {
            m.setJMSPriority(priority);
        }
        Enumeration<?> names = foreign.getPropertyNames();
        while (names.hasMoreElements()) {
            String name = (String) names.nextElement();
            // JMSX properties other than the group ones are the foreign provider's own bookkeeping
            // (delivery count, user id...); Pub sets its own on delivery.
            if (name.startsWith("JMSX")
                    && !name.equals(JmsHeaders.JMSX_GROUP_ID)
                    && !name.equals(JmsHeaders.JMSX_GROUP_SEQ)) {
                continue;
            }
            m.setObjectProperty(name, foreign.getObjectProperty(name));
        }
        return m;
    }

    private static PubMessage copyBody(Message foreign) throws JMSException {
        if (foreign instanceof TextMessage t) {
            return new PubTextMessage(t.getText());
        }
        if (foreign instanceof BytesMessage b) {
            // reset() puts a foreign message being written into read mode, as sending it would.
            b.reset();
            byte[] body = new byte[(int) b.getBodyLength()];
            if (body.length > 0) {
                b.readBytes(body);
            }
            b.reset();
            PubBytesMessage p = new PubBytesMessage();
            p.writeBytes(body);
            return p;
        }
        if (foreign instanceof MapMessage mm) {
            PubMapMessage p = new PubMapMessage();
            Enumeration<?> names = mm.getMapNames();
            while (names.hasMoreElements()) {
                String name = (String) names.nextElement();
                p.setObject(name, mm.getObject(name));
            }
            return p;
        }
        if (foreign instanceof ObjectMessage om) {
            PubObjectMessage p = new PubObjectMessage();
            p.setObject(om.getObject());
            return p;
        }
        if (foreign instanceof StreamMessage sm) {
            sm.reset();
            PubStreamMessage p = new PubStreamMessage();
            try {
                while (true) {
                    p.writeObject(sm.readObject());
                }
            } catch (MessageEOFException end) {
                // the whole stream was copied
            }
            sm.reset();
            return p;
        }
        return new PubMessage();
    }
}
