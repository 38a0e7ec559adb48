package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.JMSException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import java.io.Serializable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The body APIs: BytesMessage and StreamMessage modes, readBytes, ObjectMessage copies, clearBody. */
class MessageBodyTest {

    @Test
    void bytesMessageWritesAndReadsEveryType() throws JMSException {
        PubBytesMessage m = new PubBytesMessage();
        m.writeBoolean(true);
        m.writeByte((byte) -2);
        m.writeShort((short) -3);
        m.writeChar('x');
        m.writeInt(4);
        m.writeLong(5L);
        m.writeFloat(6.5f);
        m.writeDouble(7.25);
        m.writeUTF("héllo");
        m.writeBytes(new byte[] {1, 2});
        m.writeBytes(new byte[] {9, 3, 4, 9}, 1, 2);
        m.writeObject(8);
        m.reset();
        assertThat(m.getBodyLength()).isEqualTo(1 + 1 + 2 + 2 + 4 + 8 + 4 + 8 + (2 + 6) + 2 + 2 + 4);
        assertThat(m.readBoolean()).isTrue();
        assertThat(m.readUnsignedByte()).isEqualTo(254);
        assertThat(m.readShort()).isEqualTo((short) -3);
        assertThat(m.readChar()).isEqualTo('x');
        assertThat(m.readInt()).isEqualTo(4);
        assertThat(m.readLong()).isEqualTo(5L);
        assertThat(m.readFloat()).isEqualTo(6.5f);
        assertThat(m.readDouble()).isEqualTo(7.25);
        assertThat(m.readUTF()).isEqualTo("héllo");
        byte[] four = new byte[4];
        assertThat(m.readBytes(four, 2)).isEqualTo(2);
        assertThat(m.readBytes(four)).isEqualTo(4);
        assertThat(four).containsExactly(3, 4, 0, 0);
        assertThat(m.readBytes(four)).isEqualTo(2);
        assertThat(m.readBytes(four)).isEqualTo(-1);
        assertThatThrownBy(m::readByte).isInstanceOf(MessageEOFException.class);
        m.reset();
        assertThat(m.readBoolean()).isTrue();
        assertThat(m.readByte()).isEqualTo((byte) -2);
        assertThat(m.readUnsignedShort()).isEqualTo(65533);
    }

    @Test
    void bytesMessageIsWriteOnlyUntilResetAndReadOnlyAfter() throws JMSException {
        PubBytesMessage m = new PubBytesMessage();
        assertThatThrownBy(m::readByte).isInstanceOf(MessageNotReadableException.class);
        assertThatThrownBy(m::getBodyLength).isInstanceOf(MessageNotReadableException.class);
        m.writeInt(1);
        m.reset();
        assertThatThrownBy(() -> m.writeInt(2)).isInstanceOf(MessageNotWriteableException.class);
        m.clearBody();
        assertThatThrownBy(m::readInt).isInstanceOf(MessageNotReadableException.class);
        m.writeByte((byte) 1);
        m.reset();
        assertThat(m.getBodyLength()).isEqualTo(1);
    }

    @Test
    void bytesMessageReadFailuresKeepThePosition() throws JMSException {
        PubBytesMessage m = new PubBytesMessage();
        m.writeShort((short) 1);
        m.reset();
        assertThatThrownBy(m::readLong).isInstanceOf(MessageEOFException.class);
        assertThat(m.readShort()).isEqualTo((short) 1);

        PubBytesMessage bad = new PubBytesMessage();
        bad.writeShort((short) 2); // UTF length 2
        bad.writeBytes(new byte[] {(byte) 0xC0, (byte) 0x41}); // malformed modified UTF-8
        bad.reset();
        assertThatThrownBy(bad::readUTF).isInstanceOf(MessageFormatException.class);
        assertThat(bad.readShort()).isEqualTo((short) 2);
    }

    @Test
    void bytesMessageArgumentChecks() {
        PubBytesMessage m = new PubBytesMessage();
        assertThatThrownBy(() -> m.writeObject(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.writeObject(List.of())).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> {
                    m.reset();
                    m.readBytes(new byte[2], 3);
                })
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void streamMessageReadsBytesInChunks() throws JMSException {
        PubStreamMessage m = new PubStreamMessage();
        m.writeBytes(new byte[] {1, 2, 3, 4, 5});
        m.writeBytes(new byte[] {6, 7});
        m.writeBytes(new byte[0]);
        m.writeInt(8);
        m.reset();
        byte[] buf = new byte[2];
        assertThat(m.readBytes(buf)).isEqualTo(2);
        assertThat(buf).containsExactly(1, 2);
        // a partly read byte[] must be finished before anything else is read, even as an object
        assertThatThrownBy(m::readObject).isInstanceOf(MessageFormatException.class);
        assertThat(m.readBytes(buf)).isEqualTo(2);
        assertThat(buf).containsExactly(3, 4);
        assertThat(m.readBytes(buf)).isEqualTo(1);
        assertThat(buf[0]).isEqualTo((byte) 5);
        // an exactly fitting value needs one more call, which returns -1
        assertThat(m.readBytes(buf)).isEqualTo(2);
        assertThat(m.readBytes(buf)).isEqualTo(-1);
        assertThat(m.readBytes(buf)).isZero();
        assertThatThrownBy(() -> m.readBytes(buf)).isInstanceOf(MessageFormatException.class);
        assertThat(m.readInt()).isEqualTo(8);
        assertThatThrownBy(m::readInt).isInstanceOf(MessageEOFException.class);
    }

    @Test
    void streamMessageModesAndCopies() throws JMSException {
        PubStreamMessage m = new PubStreamMessage();
        assertThatThrownBy(m::readInt).isInstanceOf(MessageNotReadableException.class);
        byte[] b = {1, 2};
        m.writeBytes(b);
        b[0] = 9;
        m.writeBytes(new byte[] {5, 6, 7}, 1, 1);
        assertThatThrownBy(() -> m.writeObject(new Object())).isInstanceOf(MessageFormatException.class);
        m.reset();
        assertThatThrownBy(() -> m.writeInt(1)).isInstanceOf(MessageNotWriteableException.class);
        byte[] read = (byte[]) m.readObject();
        assertThat(read).containsExactly(1, 2);
        assertThat((byte[]) m.readObject()).containsExactly(6);
        m.reset();
        assertThat((byte[]) m.readObject()).containsExactly(1, 2);
        m.clearBody();
        assertThatThrownBy(m::readObject).isInstanceOf(MessageNotReadableException.class);
        m.writeInt(3);
        m.reset();
        assertThat(m.readInt()).isEqualTo(3);
    }

    @Test
    void objectMessageSerializesAtSetTime() throws JMSException {
        PubObjectMessage m = new PubObjectMessage();
        java.util.ArrayList<String> list = new java.util.ArrayList<>(List.of("a"));
        m.setObject(list);
        list.add("b");
        assertThat(m.getObject()).isEqualTo(List.of("a"));
        assertThat(m.getObject()).isNotSameAs(m.getObject());
        m.setObject(null);
        assertThat(m.getObject()).isNull();
        assertThatThrownBy(() -> m.setObject(new NotReallySerializable())).isInstanceOf(MessageFormatException.class);
    }

    @Test
    void objectMessageDeserializesWithTheContextClassLoader() throws Exception {
        PubObjectMessage m = new PubObjectMessage();
        m.setObject(new Payload("x"));
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        ClassLoader[] asked = {null};
        ClassLoader recording = new ClassLoader(before) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(Payload.class.getName())) {
                    asked[0] = this;
                }
                return super.loadClass(name, resolve);
            }
        };
        Thread.currentThread().setContextClassLoader(recording);
        System.setProperty(DeserializationPolicy.ALLOW, "io.pub.jms");
        try {
            assertThat(m.getObject()).isEqualTo(new Payload("x"));
        } finally {
            Thread.currentThread().setContextClassLoader(before);
            System.clearProperty(DeserializationPolicy.ALLOW);
        }
        assertThat(asked[0]).isSameAs(recording);
    }

    @Test
    void clearBodyMakesReceivedBodiesWritable() throws JMSException {
        PubTextMessage text = new PubTextMessage("t");
        PubMessage received = PubMessage.fromStored(text.toStored(1), new PubQueue("q"), 1);
        PubTextMessage r = (PubTextMessage) received;
        assertThatThrownBy(() -> r.setText("u")).isInstanceOf(MessageNotWriteableException.class);
        r.clearBody();
        assertThat(r.getText()).isNull();
        r.setText("u");
        assertThat(r.getText()).isEqualTo("u");

        PubMapMessage map = new PubMapMessage();
        map.setInt("a", 1);
        PubMapMessage rm = (PubMapMessage) PubMessage.fromStored(map.toStored(1), new PubQueue("q"), 1);
        assertThatThrownBy(() -> rm.setInt("b", 2)).isInstanceOf(MessageNotWriteableException.class);
        rm.clearBody();
        assertThat(rm.itemExists("a")).isFalse();
        rm.setInt("b", 2);

        PubObjectMessage obj = new PubObjectMessage();
        obj.setObject("s");
        PubObjectMessage ro = (PubObjectMessage) PubMessage.fromStored(obj.toStored(1), new PubQueue("q"), 1);
        assertThatThrownBy(() -> ro.setObject("t")).isInstanceOf(MessageNotWriteableException.class);

        PubBytesMessage bytes = new PubBytesMessage();
        bytes.writeInt(1);
        PubBytesMessage rb = (PubBytesMessage) PubMessage.fromStored(bytes.toStored(1), new PubQueue("q"), 1);
        assertThatThrownBy(() -> rb.writeInt(2)).isInstanceOf(MessageNotWriteableException.class);
        assertThat(rb.readInt()).isEqualTo(1);
        rb.clearBody();
        rb.writeInt(2);

        PubStreamMessage stream = new PubStreamMessage();
        stream.writeInt(1);
        PubStreamMessage rs = (PubStreamMessage) PubMessage.fromStored(stream.toStored(1), new PubQueue("q"), 1);
        assertThatThrownBy(() -> rs.writeInt(2)).isInstanceOf(MessageNotWriteableException.class);
        assertThat(rs.readInt()).isEqualTo(1);
    }

    record Payload(String value) implements Serializable {}

    static final class NotReallySerializable implements Serializable {
        private static final long serialVersionUID = 1L;

        @SuppressWarnings("unused")
        private final Object notSerializable = new Object();
    }
}
