package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Property names, JMSX properties, headers, and the read-only rules of received messages. */
class MessagePropertiesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "NULL",
                "TRUE",
                "FALSE",
                "NOT",
                "AND",
                "OR",
                "BETWEEN",
                "LIKE",
                "IN",
                "IS",
                "ESCAPE",
                "and",
                "Null",
                "1abc",
                "a-b",
                "a b",
                "a.b",
                "JMSType",
                "JMSMessageID",
                "JMSCorrelationID",
                "JMSFoo",
                "JMSXDeliveryCount",
                "JMSXFoo"
            })
    void invalidOrReservedPropertyNamesAreRejected(String name) {
        PubMessage m = new PubMessage();
        assertThatThrownBy(() -> m.setStringProperty(name, "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name);
    }

    @Test
    void nullAndEmptyPropertyNamesAreRejected() {
        PubMessage m = new PubMessage();
        assertThatThrownBy(() -> m.setIntProperty(null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setIntProperty("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setObjectProperty("", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "_x", "$y", "camelCase9", "JMS_pub_trace", "nullable", "island", "émoji"})
    void validIdentifiersAreAccepted(String name) throws JMSException {
        PubMessage m = new PubMessage();
        m.setStringProperty(name, "v");
        assertThat(m.getStringProperty(name)).isEqualTo("v");
    }

    @Test
    void groupPropertiesMustHaveTheirSpecifiedTypes() throws JMSException {
        PubMessage m = new PubMessage();
        m.setStringProperty("JMSXGroupID", "g");
        m.setIntProperty("JMSXGroupSeq", 3);
        assertThat(m.getStringProperty("JMSXGroupID")).isEqualTo("g");
        assertThat(m.getIntProperty("JMSXGroupSeq")).isEqualTo(3);
        assertThatThrownBy(() -> m.setIntProperty("JMSXGroupID", 1)).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.setStringProperty("JMSXGroupSeq", "1")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.setLongProperty("JMSXGroupSeq", 1L)).isInstanceOf(MessageFormatException.class);
    }

    @Test
    void otherSpecifiedJmsxPropertiesAreCarriedWithTheirTypes() throws JMSException {
        PubMessage m = new PubMessage();
        m.setStringProperty("JMSXUserID", "alice");
        m.setStringProperty("JMSXAppID", "billing");
        m.setLongProperty("JMSXRcvTimestamp", 5L);
        m.setIntProperty("JMSXState", 2);
        assertThatThrownBy(() -> m.setIntProperty("JMSXUserID", 1)).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.setIntProperty("JMSXRcvTimestamp", 1)).isInstanceOf(MessageFormatException.class);
        PubMessage r = PubMessage.fromStored(m.toStored(1), new PubQueue("q"), 1);
        assertThat(r.getStringProperty("JMSXUserID")).isEqualTo("alice");
        assertThat(r.getObjectProperty("JMSXRcvTimestamp")).isEqualTo(5L);
    }

    @Test
    void propertyNamesExistenceAndClearing() throws JMSException {
        PubMessage m = new PubMessage();
        m.setIntProperty("a", 1);
        m.setStringProperty("b", null);
        assertThat(Collections.list(m.getPropertyNames())).containsExactly("a", "b");
        assertThat(m.propertyExists("a")).isTrue();
        assertThat(m.propertyExists("b")).isTrue();
        assertThat(m.propertyExists("c")).isFalse();
        assertThat(m.propertyExists("JMSXDeliveryCount")).isFalse();
        m.clearProperties();
        assertThat(Collections.list(m.getPropertyNames())).isEmpty();
        assertThat(m.propertyExists("a")).isFalse();
    }

    @Test
    void receivedMessageHasReadOnlyPropertiesUntilCleared() throws JMSException {
        PubMessage sent = new PubMessage();
        sent.setIntProperty("a", 1);
        PubMessage m = PubMessage.fromStored(sent.toStored(1), new PubQueue("q"), 2);
        assertThatThrownBy(() -> m.setIntProperty("a", 2)).isInstanceOf(MessageNotWriteableException.class);
        assertThatThrownBy(() -> m.setObjectProperty("b", "x")).isInstanceOf(MessageNotWriteableException.class);
        assertThat(m.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        assertThat(m.getObjectProperty("JMSXDeliveryCount")).isEqualTo(2);
        assertThat(Collections.list(m.getPropertyNames())).containsExactlyInAnyOrder("a", "JMSXDeliveryCount");
        // header fields stay settable: the provider and applications forwarding a message set them
        m.setJMSCorrelationID("c");
        m.setJMSPriority(9);
        assertThat(m.getJMSPriority()).isEqualTo(9);
        m.clearProperties();
        m.setIntProperty("a", 2);
        assertThat(m.getIntProperty("a")).isEqualTo(2);
        assertThat(m.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
    }

    @Test
    void headerDefaultsAndValidation() throws JMSException {
        PubMessage m = new PubMessage();
        assertThat(m.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(m.getJMSPriority()).isEqualTo(Message.DEFAULT_PRIORITY);
        assertThat(m.getJMSMessageID()).isNull();
        assertThat(m.getJMSTimestamp()).isZero();
        assertThat(m.getJMSRedelivered()).isFalse();
        assertThatThrownBy(() -> m.setJMSPriority(10)).isInstanceOf(JMSException.class);
        assertThatThrownBy(() -> m.setJMSPriority(-1)).isInstanceOf(JMSException.class);
        assertThatThrownBy(() -> m.setJMSDeliveryMode(3)).isInstanceOf(JMSException.class);
        m.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        assertThat(m.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
    }

    @Test
    void correlationIdAsStringAndBytes() throws JMSException {
        PubMessage m = new PubMessage();
        m.setJMSCorrelationID("abc");
        assertThat(m.getJMSCorrelationIDAsBytes()).containsExactly('a', 'b', 'c');
        m.setJMSCorrelationIDAsBytes(new byte[] {'x', 'y'});
        assertThat(m.getJMSCorrelationID()).isEqualTo("xy");
        byte[] back = m.getJMSCorrelationIDAsBytes();
        back[0] = 0;
        assertThat(m.getJMSCorrelationIDAsBytes()).containsExactly('x', 'y');
        m.setJMSCorrelationID(null);
        assertThat(m.getJMSCorrelationIDAsBytes()).isNull();
    }

    @Test
    void replyToConvertsForeignDestinationsAndChecksNames() throws JMSException {
        PubMessage m = new PubMessage();
        m.setJMSReplyTo(ForeignMessages.queue("replies"));
        assertThat(m.getJMSReplyTo()).isEqualTo(new PubQueue("replies"));
        assertThatThrownBy(() -> m.setJMSReplyTo(new PubQueue("bad name")))
                .isInstanceOf(jakarta.jms.InvalidDestinationException.class);
        m.setJMSReplyTo(null);
        assertThat(m.getJMSReplyTo()).isNull();
    }

    @Test
    void acknowledgeCallsTheSessionsAcknowledgerOrNothing() throws JMSException {
        PubMessage m = new PubMessage();
        assertThatCode(m::acknowledge).doesNotThrowAnyException();
        int[] calls = {0};
        m.setAcknowledger(() -> calls[0]++);
        m.acknowledge();
        assertThat(calls[0]).isEqualTo(1);
    }
}
