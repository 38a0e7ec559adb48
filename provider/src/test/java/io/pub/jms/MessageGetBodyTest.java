package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Message.getBody and isBodyAssignableTo for every body type. */
class MessageGetBodyTest {

    @Test
    void messagesWithoutABodyReturnNullForAnyType() throws JMSException {
        List<PubMessage> empty = List.of(
                new PubMessage(),
                new PubTextMessage(),
                new PubBytesMessage(),
                new PubMapMessage(),
                new PubObjectMessage());
        for (PubMessage m : empty) {
            assertThat(m.getBody(Integer.class))
                    .as(m.getClass().getSimpleName())
                    .isNull();
            assertThat(m.isBodyAssignableTo(Integer.class)).isTrue();
        }
    }

    @Test
    void textBody() throws JMSException {
        PubTextMessage m = new PubTextMessage("t");
        assertThat(m.getBody(String.class)).isEqualTo("t");
        assertThat(m.getBody(CharSequence.class)).isEqualTo("t");
        assertThat(m.getBody(Object.class)).isEqualTo("t");
        assertThat(m.isBodyAssignableTo(String.class)).isTrue();
        assertThat(m.isBodyAssignableTo(byte[].class)).isFalse();
        assertThatThrownBy(() -> m.getBody(byte[].class)).isInstanceOf(MessageFormatException.class);
    }

    @Test
    void bytesBodyIsACopyAndDoesNotMoveTheReadPosition() throws JMSException {
        PubBytesMessage m = new PubBytesMessage();
        m.writeBytes(new byte[] {1, 2});
        assertThat(m.getBody(byte[].class)).containsExactly(1, 2);
        m.reset();
        assertThat(m.readByte()).isEqualTo((byte) 1);
        byte[] body = m.getBody(byte[].class);
        body[1] = 9;
        assertThat(m.readByte()).isEqualTo((byte) 2);
        assertThat(m.isBodyAssignableTo(String.class)).isFalse();
        assertThatThrownBy(() -> m.getBody(String.class)).isInstanceOf(MessageFormatException.class);
    }

    @Test
    void mapBodyIsACopy() throws JMSException {
        PubMapMessage m = new PubMapMessage();
        m.setInt("a", 1);
        @SuppressWarnings("unchecked")
        Map<String, Object> body = m.getBody(Map.class);
        assertThat(body).containsExactly(Map.entry("a", 1));
        body.put("b", 2);
        assertThat(m.itemExists("b")).isFalse();
        assertThat(m.isBodyAssignableTo(Map.class)).isTrue();
        assertThat(m.isBodyAssignableTo(String.class)).isFalse();
    }

    @Test
    void objectBody() throws JMSException {
        PubObjectMessage m = new PubObjectMessage();
        m.setObject("s");
        assertThat(m.getBody(String.class)).isEqualTo("s");
        assertThat(m.getBody(Serializable.class)).isEqualTo("s");
        assertThat(m.isBodyAssignableTo(Integer.class)).isFalse();
        assertThatThrownBy(() -> m.getBody(Integer.class)).isInstanceOf(MessageFormatException.class);

        // a body that cannot be deserialized: not assignable, getBody fails
        PubObjectMessage broken = new PubObjectMessage();
        broken.decodeBody(new byte[] {1, 2, 3}, false);
        assertThat(broken.isBodyAssignableTo(Object.class)).isFalse();
        assertThatThrownBy(() -> broken.getBody(Object.class)).isInstanceOf(MessageFormatException.class);
    }

    @Test
    void streamBodyIsNeverReturned() throws JMSException {
        PubStreamMessage m = new PubStreamMessage();
        assertThat(m.isBodyAssignableTo(Object.class)).isFalse();
        assertThatThrownBy(() -> m.getBody(Object.class)).isInstanceOf(MessageFormatException.class);
        m.writeInt(1);
        assertThat(m.isBodyAssignableTo(Object.class)).isFalse();
        assertThatThrownBy(() -> m.getBody(Object.class)).isInstanceOf(MessageFormatException.class);
    }
}
