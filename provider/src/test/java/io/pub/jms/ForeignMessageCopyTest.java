package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PubMessage.copyOf: another provider's messages of all five body types, headers and properties. */
class ForeignMessageCopyTest {

    private static void fillHeadersAndProperties(Message m) throws JMSException {
        m.setJMSMessageID("ID:foreign-1");
        m.setJMSTimestamp(11);
        m.setJMSCorrelationID("corr");
        m.setJMSReplyTo(new PubQueue("replies"));
        m.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        m.setJMSType("kind");
        m.setJMSExpiration(22);
        m.setJMSDeliveryTime(33);
        m.setJMSPriority(8);
        m.setJMSRedelivered(true);
        m.setIntProperty("i", 1);
        m.setStringProperty("s", "v");
        m.setDoubleProperty("d", 2.5);
        m.setStringProperty("JMSXGroupID", "g");
        m.setStringProperty("JMS_other_vendor", "x");
    }

    private static void assertHeadersAndProperties(PubMessage copy) throws JMSException {
        assertThat(copy.getJMSMessageID()).isEqualTo("ID:foreign-1");
        assertThat(copy.getJMSTimestamp()).isEqualTo(11);
        assertThat(copy.getJMSCorrelationID()).isEqualTo("corr");
        assertThat(copy.getJMSReplyTo()).isEqualTo(new PubQueue("replies"));
        assertThat(copy.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
        assertThat(copy.getJMSType()).isEqualTo("kind");
        assertThat(copy.getJMSExpiration()).isEqualTo(22);
        assertThat(copy.getJMSDeliveryTime()).isEqualTo(33);
        assertThat(copy.getJMSPriority()).isEqualTo(8);
        assertThat(copy.getJMSRedelivered()).isTrue();
        assertThat(Collections.list(copy.getPropertyNames()))
                .containsExactlyInAnyOrder("i", "s", "d", "JMSXGroupID", "JMS_other_vendor");
        assertThat(copy.getObjectProperty("d")).isEqualTo(2.5);
        // the copy is the application's message, so it is writable
        copy.setIntProperty("more", 1);
    }

    @Test
    void textMessage() throws JMSException {
        PubTextMessage inner = new PubTextMessage("hello");
        fillHeadersAndProperties(inner);
        TextMessage foreign = ForeignMessages.message(TextMessage.class, inner);
        PubMessage copy = PubMessage.copyOf(foreign);
        assertThat(copy).isInstanceOf(PubTextMessage.class).isNotSameAs(inner);
        assertThat(((TextMessage) copy).getText()).isEqualTo("hello");
        assertHeadersAndProperties(copy);
    }

    @Test
    void bytesMessageInWriteModeAndAfterPartialRead() throws JMSException {
        PubBytesMessage inner = new PubBytesMessage();
        fillHeadersAndProperties(inner);
        inner.writeBytes(new byte[] {1, 2, 3});
        BytesMessage foreign = ForeignMessages.message(BytesMessage.class, inner);
        PubBytesMessage copy = (PubBytesMessage) PubMessage.copyOf(foreign);
        assertThat(copy.getBody(byte[].class)).containsExactly(1, 2, 3);
        assertHeadersAndProperties(copy);
        assertThat(foreign.readByte()).isEqualTo((byte) 1);
        PubBytesMessage again = (PubBytesMessage) PubMessage.copyOf(foreign);
        assertThat(again.getBody(byte[].class)).containsExactly(1, 2, 3);
    }

    @Test
    void mapMessage() throws JMSException {
        PubMapMessage inner = new PubMapMessage();
        fillHeadersAndProperties(inner);
        inner.setChar("c", 'x');
        inner.setBytes("b", new byte[] {4});
        inner.setString("n", null);
        MapMessage foreign = ForeignMessages.message(MapMessage.class, inner);
        PubMapMessage copy = (PubMapMessage) PubMessage.copyOf(foreign);
        assertThat(copy.getChar("c")).isEqualTo('x');
        assertThat(copy.getBytes("b")).containsExactly(4);
        assertThat(copy.itemExists("n")).isTrue();
        assertHeadersAndProperties(copy);
    }

    @Test
    void objectMessage() throws JMSException {
        PubObjectMessage inner = new PubObjectMessage();
        fillHeadersAndProperties(inner);
        inner.setObject(new java.util.ArrayList<>(List.of("a")));
        ObjectMessage foreign = ForeignMessages.message(ObjectMessage.class, inner);
        PubObjectMessage copy = (PubObjectMessage) PubMessage.copyOf(foreign);
        assertThat(copy.getObject()).isEqualTo(List.of("a"));
        assertHeadersAndProperties(copy);
    }

    @Test
    void streamMessage() throws JMSException {
        PubStreamMessage inner = new PubStreamMessage();
        fillHeadersAndProperties(inner);
        inner.writeShort((short) 5);
        inner.writeBytes(new byte[] {6});
        inner.writeString(null);
        StreamMessage foreign = ForeignMessages.message(StreamMessage.class, inner);
        PubStreamMessage copy = (PubStreamMessage) PubMessage.copyOf(foreign);
        copy.reset();
        assertThat(copy.readObject()).isEqualTo((short) 5);
        assertThat((byte[]) copy.readObject()).containsExactly(6);
        assertThat(copy.readObject()).isNull();
        assertHeadersAndProperties(copy);
    }

    @Test
    void plainMessageAndProviderOwnedJmsxPropertiesAreSkipped() throws JMSException {
        PubMessage received = PubMessage.fromStored(new PubMessage().toStored(1), new PubQueue("q"), 4);
        Message foreign = ForeignMessages.message(Message.class, received);
        assertThat(foreign.propertyExists("JMSXDeliveryCount")).isTrue();
        PubMessage copy = PubMessage.copyOf(foreign);
        assertThat(copy.getClass()).isEqualTo(PubMessage.class);
        assertThat(copy.propertyExists("JMSXDeliveryCount")).isFalse();
        assertThat(copy.getBody(Object.class)).isNull();
    }

    @Test
    void foreignReplyToIsConvertedByName() throws JMSException {
        PubTextMessage inner = new PubTextMessage("x");
        inner.setJMSReplyTo(new PubTopic("t"));
        TextMessage foreign = ForeignMessages.message(TextMessage.class, new ReplyToOverride(inner));
        assertThat(PubMessage.copyOf(foreign).getJMSReplyTo()).isEqualTo(new PubTopic("foreign.topic"));
    }

    @Test
    void unknownForeignReplyToIsInvalid() {
        TextMessage foreign =
                ForeignMessages.message(TextMessage.class, new ReplyToOverride(new PubTextMessage("x"), true));
        assertThatThrownBy(() -> PubMessage.copyOf(foreign)).isInstanceOf(InvalidDestinationException.class);
    }

    /** A text message whose JMSReplyTo is another provider's destination. */
    private static final class ReplyToOverride extends PubMessage implements TextMessage {
        private final PubTextMessage inner;
        private final boolean unknownKind;

        ReplyToOverride(PubTextMessage inner) {
            this(inner, false);
        }

        ReplyToOverride(PubTextMessage inner, boolean unknownKind) {
            this.inner = inner;
            this.unknownKind = unknownKind;
        }

        @Override
        public jakarta.jms.Destination getJMSReplyTo() {
            return unknownKind ? ForeignMessages.other() : ForeignMessages.topic("foreign.topic");
        }

        @Override
        public void setText(String string) throws JMSException {
            inner.setText(string);
        }

        @Override
        public String getText() {
            return inner.getText();
        }
    }

    @Test
    void foreignBodyTypesAreDetectedThroughTheirInterfaceOnly() throws JMSException {
        Map<Class<? extends Message>, PubMessage> inners = Map.of(
                TextMessage.class, new PubTextMessage("t"),
                BytesMessage.class, new PubBytesMessage(),
                MapMessage.class, new PubMapMessage(),
                ObjectMessage.class, new PubObjectMessage(),
                StreamMessage.class, new PubStreamMessage());
        for (Map.Entry<Class<? extends Message>, PubMessage> e : inners.entrySet()) {
            Message foreign = ForeignMessages.message(e.getKey(), e.getValue());
            assertThat(foreign).isNotInstanceOf(PubMessage.class);
            assertThat(PubMessage.copyOf(foreign))
                    .isInstanceOf(e.getKey())
                    .isExactlyInstanceOf(e.getValue().getClass());
        }
    }
}
