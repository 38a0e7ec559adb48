package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.BytesMessage;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Jakarta Messaging 3.1 sections 3.11-3.12: the five message body types, on queues and topics. */
class Ch03BodyTypesTest extends TckTest {

    private Message roundTrip(Pipe p, Message m) throws Exception {
        p.producer().send(m);
        return mustReceive(p.consumer());
    }

    @OnQueueAndTopic
    void messageWithoutBody(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Message r = roundTrip(p, p.session().createMessage());
        assertThat(r)
                .isNotInstanceOfAny(
                        TextMessage.class,
                        BytesMessage.class,
                        MapMessage.class,
                        ObjectMessage.class,
                        StreamMessage.class);
        assertThat(r.isBodyAssignableTo(Object.class)).isTrue();
    }

    @OnQueueAndTopic
    void textMessage(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        String text = "Grüße, 世界 " + "x".repeat(10_000);
        TextMessage r = (TextMessage) roundTrip(p, p.session().createTextMessage(text));
        assertThat(r.getText()).isEqualTo(text);
        TextMessage empty = (TextMessage) roundTrip(p, p.session().createTextMessage());
        assertThat(empty.getText()).isNull();
        TextMessage blank = (TextMessage) roundTrip(p, p.session().createTextMessage(""));
        assertThat(blank.getText()).isEmpty();
    }

    @OnQueueAndTopic
    void textMessageBodyIsReadOnlyUntilCleared(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        TextMessage r = (TextMessage) roundTrip(p, p.session().createTextMessage("a"));
        assertThatThrownBy(() -> r.setText("b")).isInstanceOf(MessageNotWriteableException.class);
        r.clearBody();
        assertThat(r.getText()).isNull();
        r.setText("b");
        assertThat(r.getText()).isEqualTo("b");
    }

    @OnQueueAndTopic
    void bytesMessage(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        BytesMessage m = p.session().createBytesMessage();
        m.writeBoolean(true);
        m.writeByte((byte) -1);
        m.writeShort((short) -2);
        m.writeChar('Z');
        m.writeInt(Integer.MAX_VALUE);
        m.writeLong(Long.MIN_VALUE);
        m.writeFloat(1.5f);
        m.writeDouble(-0.25);
        m.writeUTF("Grüße");
        m.writeBytes(new byte[] {1, 2, 3, 4, 5}, 1, 3);
        m.writeObject(Integer.valueOf(7));
        m.writeByte((byte) 200);
        m.writeShort((short) 65000);
        BytesMessage r = (BytesMessage) roundTrip(p, m);
        assertThat(r.readBoolean()).isTrue();
        assertThat(r.readByte()).isEqualTo((byte) -1);
        assertThat(r.readShort()).isEqualTo((short) -2);
        assertThat(r.readChar()).isEqualTo('Z');
        assertThat(r.readInt()).isEqualTo(Integer.MAX_VALUE);
        assertThat(r.readLong()).isEqualTo(Long.MIN_VALUE);
        assertThat(r.readFloat()).isEqualTo(1.5f);
        assertThat(r.readDouble()).isEqualTo(-0.25);
        assertThat(r.readUTF()).isEqualTo("Grüße");
        byte[] three = new byte[3];
        assertThat(r.readBytes(three, 3)).isEqualTo(3);
        assertThat(three).containsExactly(2, 3, 4);
        assertThat(r.readInt()).isEqualTo(7);
        assertThat(r.readUnsignedByte()).isEqualTo(200);
        assertThat(r.readUnsignedShort()).isEqualTo(65000);
        assertThat(r.readBytes(new byte[4])).isEqualTo(-1);
        assertThatThrownBy(r::readByte).isInstanceOf(MessageEOFException.class);
    }

    @OnQueueAndTopic
    void bytesMessageBodyLengthAndReset(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        BytesMessage m = p.session().createBytesMessage();
        m.writeBytes(new byte[] {9, 8, 7, 6});
        BytesMessage r = (BytesMessage) roundTrip(p, m);
        assertThat(r.getBodyLength()).isEqualTo(4);
        byte[] all = new byte[10];
        assertThat(r.readBytes(all)).isEqualTo(4);
        r.reset();
        assertThat(r.readByte()).isEqualTo((byte) 9);
        assertThat(r.getBody(byte[].class)).containsExactly(9, 8, 7, 6);
    }

    @OnQueueAndTopic
    void largeBodiesArriveIntact(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        byte[] payload = new byte[1 << 20];
        new java.util.Random(42).nextBytes(payload);
        BytesMessage m = p.session().createBytesMessage();
        m.writeBytes(payload);
        BytesMessage r = (BytesMessage) roundTrip(p, m);
        assertThat(r.getBodyLength()).isEqualTo(payload.length);
        byte[] got = new byte[payload.length];
        assertThat(r.readBytes(got)).isEqualTo(payload.length);
        assertThat(got).isEqualTo(payload);
        String text = "Grüße ".repeat(100_000);
        assertThat(((TextMessage) roundTrip(p, p.session().createTextMessage(text))).getText())
                .isEqualTo(text);
    }

    @Test
    void bytesMessageIsWriteOnlyBeforeResetAndReadOnlyAfterReceive() throws Exception {
        Pipe p = pipe(Kind.QUEUE);
        BytesMessage m = p.session().createBytesMessage();
        m.writeInt(1);
        assertThatThrownBy(m::readInt).isInstanceOf(MessageNotReadableException.class);
        assertThatThrownBy(m::getBodyLength).isInstanceOf(MessageNotReadableException.class);
        m.reset();
        assertThat(m.readInt()).isEqualTo(1);
        assertThatThrownBy(() -> m.writeInt(2)).isInstanceOf(MessageNotWriteableException.class);
        BytesMessage r = (BytesMessage) roundTrip(p, m);
        assertThatThrownBy(() -> r.writeInt(2)).isInstanceOf(MessageNotWriteableException.class);
        r.clearBody();
        r.writeInt(3);
        r.reset();
        assertThat(r.readInt()).isEqualTo(3);
    }

    @Test
    void bytesMessageWriteObjectRejectsOtherTypes() throws Exception {
        BytesMessage m = session().createBytesMessage();
        assertThatThrownBy(() -> m.writeObject(new ArrayList<>())).isInstanceOf(MessageFormatException.class);
    }

    @OnQueueAndTopic
    void mapMessage(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        MapMessage m = p.session().createMapMessage();
        m.setBoolean("bool", true);
        m.setByte("byte", (byte) 3);
        m.setShort("short", (short) 4);
        m.setChar("char", 'c');
        m.setInt("int", 5);
        m.setLong("long", 6L);
        m.setFloat("float", 7.5f);
        m.setDouble("double", 8.25);
        m.setString("string", "Grüße");
        m.setBytes("bytes", new byte[] {1, 2});
        m.setBytes("slice", new byte[] {1, 2, 3, 4}, 1, 2);
        m.setObject("object", 9L);
        m.setString("null", null);
        MapMessage r = (MapMessage) roundTrip(p, m);
        assertThat(r.getBoolean("bool")).isTrue();
        assertThat(r.getByte("byte")).isEqualTo((byte) 3);
        assertThat(r.getShort("short")).isEqualTo((short) 4);
        assertThat(r.getChar("char")).isEqualTo('c');
        assertThat(r.getInt("int")).isEqualTo(5);
        assertThat(r.getLong("long")).isEqualTo(6L);
        assertThat(r.getFloat("float")).isEqualTo(7.5f);
        assertThat(r.getDouble("double")).isEqualTo(8.25);
        assertThat(r.getString("string")).isEqualTo("Grüße");
        assertThat(r.getBytes("bytes")).containsExactly(1, 2);
        assertThat(r.getBytes("slice")).containsExactly(2, 3);
        assertThat(r.getObject("object")).isEqualTo(9L);
        assertThat(r.getString("null")).isNull();
        assertThat(r.itemExists("int")).isTrue();
        assertThat(r.itemExists("absent")).isFalse();
        List<Object> names = elements(r.getMapNames());
        assertThat(names)
                .contains(
                        "bool", "byte", "short", "char", "int", "long", "float", "double", "string", "bytes", "slice",
                        "object");
        @SuppressWarnings("unchecked")
        Map<String, Object> body = r.getBody(Map.class);
        assertThat(body).containsEntry("int", 5).containsEntry("string", "Grüße");
    }

    @Test
    void mapMessageConversions() throws Exception {
        MapMessage m = session().createMapMessage();
        m.setByte("byte", (byte) 3);
        m.setInt("int", 5);
        m.setString("num", "12");
        m.setFloat("float", 1.5f);
        m.setChar("char", 'c');
        m.setBoolean("bool", true);
        m.setBytes("bytes", new byte[] {1});
        assertThat(m.getLong("byte")).isEqualTo(3L);
        assertThat(m.getString("int")).isEqualTo("5");
        assertThat(m.getInt("num")).isEqualTo(12);
        assertThat(m.getDouble("float")).isEqualTo(1.5);
        assertThat(m.getString("char")).isEqualTo("c");
        assertThat(m.getString("bool")).isEqualTo("true");
        assertThatThrownBy(() -> m.getShort("int")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getInt("bool")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getInt("char")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getString("bytes")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getBytes("int")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getChar("int")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getFloat("int")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getBoolean("int")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getInt("num-not-there-is-null")).isInstanceOf(NumberFormatException.class);
        m.setString("text", "abc");
        assertThatThrownBy(() -> m.getInt("text")).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void mapMessageRejectsBadNamesAndObjects() throws Exception {
        MapMessage m = session().createMapMessage();
        assertThatThrownBy(() -> m.setInt(null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setInt("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setObject("o", new ArrayList<>())).isInstanceOf(MessageFormatException.class);
    }

    @OnQueueAndTopic
    void mapMessageBodyIsReadOnlyUntilCleared(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        MapMessage m = p.session().createMapMessage();
        m.setInt("a", 1);
        MapMessage r = (MapMessage) roundTrip(p, m);
        assertThatThrownBy(() -> r.setInt("b", 2)).isInstanceOf(MessageNotWriteableException.class);
        assertThatThrownBy(() -> r.setString("b", "x")).isInstanceOf(MessageNotWriteableException.class);
        assertThatThrownBy(() -> r.setObject("b", 1)).isInstanceOf(MessageNotWriteableException.class);
        r.clearBody();
        assertThat(r.itemExists("a")).isFalse();
        r.setInt("b", 2);
        assertThat(r.getInt("b")).isEqualTo(2);
    }

    @OnQueueAndTopic
    void objectMessage(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        HashMap<String, Object> payload = new HashMap<>();
        payload.put("number", 42);
        payload.put("text", "Grüße");
        ObjectMessage r = (ObjectMessage) roundTrip(p, p.session().createObjectMessage(payload));
        assertThat(r.getObject()).isEqualTo(payload);
        assertThat(r.getBody(java.io.Serializable.class)).isEqualTo(payload);
        ObjectMessage empty = (ObjectMessage) roundTrip(p, p.session().createObjectMessage());
        assertThat(empty.getObject()).isNull();
    }

    @Test
    void objectMessageCopiesTheObjectWhenSet() throws Exception {
        Pipe p = pipe(Kind.QUEUE);
        ArrayList<String> list = new ArrayList<>(List.of("a"));
        ObjectMessage m = p.session().createObjectMessage(list);
        // Section 3.12: the object is serialized when set; later changes to it are not part of the message.
        list.add("b");
        ObjectMessage r = (ObjectMessage) roundTrip(p, m);
        assertThat(r.getObject()).isEqualTo(List.of("a"));
    }

    @OnQueueAndTopic
    void objectMessageBodyIsReadOnlyUntilCleared(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        ObjectMessage r = (ObjectMessage) roundTrip(p, p.session().createObjectMessage("a"));
        assertThatThrownBy(() -> r.setObject("b")).isInstanceOf(MessageNotWriteableException.class);
        r.clearBody();
        assertThat(r.getObject()).isNull();
        r.setObject("b");
        assertThat(r.getObject()).isEqualTo("b");
    }

    @OnQueueAndTopic
    void streamMessage(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        StreamMessage m = p.session().createStreamMessage();
        m.writeBoolean(false);
        m.writeByte((byte) 1);
        m.writeShort((short) 2);
        m.writeChar('s');
        m.writeInt(3);
        m.writeLong(4L);
        m.writeFloat(5.5f);
        m.writeDouble(6.5);
        m.writeString("Grüße");
        m.writeBytes(new byte[] {7, 8});
        m.writeObject(9);
        m.writeString(null);
        StreamMessage r = (StreamMessage) roundTrip(p, m);
        assertThat(r.readBoolean()).isFalse();
        assertThat(r.readByte()).isEqualTo((byte) 1);
        assertThat(r.readShort()).isEqualTo((short) 2);
        assertThat(r.readChar()).isEqualTo('s');
        assertThat(r.readInt()).isEqualTo(3);
        assertThat(r.readLong()).isEqualTo(4L);
        assertThat(r.readFloat()).isEqualTo(5.5f);
        assertThat(r.readDouble()).isEqualTo(6.5);
        assertThat(r.readString()).isEqualTo("Grüße");
        byte[] bytes = new byte[5];
        assertThat(r.readBytes(bytes)).isEqualTo(2);
        assertThat(bytes[0]).isEqualTo((byte) 7);
        assertThat(r.readObject()).isEqualTo(9);
        assertThat(r.readString()).isNull();
        assertThatThrownBy(r::readInt).isInstanceOf(MessageEOFException.class);
    }

    @Test
    void streamMessageConversions() throws Exception {
        Session s = session();
        StreamMessage m = s.createStreamMessage();
        m.writeString("12");
        m.writeInt(7);
        m.writeByte((byte) 3);
        m.writeBoolean(true);
        m.writeFloat(1.5f);
        m.writeString("word");
        m.reset();
        assertThat(m.readLong()).isEqualTo(12L);
        assertThat(m.readString()).isEqualTo("7");
        assertThat(m.readInt()).isEqualTo(3);
        assertThat(m.readString()).isEqualTo("true");
        assertThat(m.readDouble()).isEqualTo(1.5);
        // Whether the read pointer moves after a NumberFormatException differs between providers (Artemis
        // moves it); after a MessageFormatException it must not move, which is checked below.
        assertThatThrownBy(m::readInt).isInstanceOf(NumberFormatException.class);

        // Invalid conversions of the table in the StreamMessage javadoc; each on a fresh message, because
        // providers differ in where the read pointer stands after the exception.
        assertThatThrownBy(() -> streamOf(s, 1).readShort()).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> streamOf(s, true).readInt()).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> streamOf(s, 'x').readInt()).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> streamOf(s, 1.5f).readLong()).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> streamOf(s, 2.5).readFloat()).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> streamOf(s, 3L).readBoolean()).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> streamOf(s, new byte[] {1}).readString()).isInstanceOf(MessageFormatException.class);
        assertThat(streamOf(s, 'x').readString()).isEqualTo("x");
        assertThat(streamOf(s, (short) 5).readLong()).isEqualTo(5L);
    }

    private static StreamMessage streamOf(Session s, Object value) throws Exception {
        StreamMessage m = s.createStreamMessage();
        m.writeObject(value);
        m.reset();
        return m;
    }

    @Test
    void streamMessageIsWriteOnlyBeforeResetAndReadOnlyAfter() throws Exception {
        Pipe p = pipe(Kind.QUEUE);
        StreamMessage m = p.session().createStreamMessage();
        m.writeInt(1);
        assertThatThrownBy(m::readInt).isInstanceOf(MessageNotReadableException.class);
        m.reset();
        assertThatThrownBy(() -> m.writeInt(2)).isInstanceOf(MessageNotWriteableException.class);
        StreamMessage r = (StreamMessage) roundTrip(p, m);
        assertThatThrownBy(() -> r.writeInt(2)).isInstanceOf(MessageNotWriteableException.class);
        r.clearBody();
        r.writeInt(3);
        r.reset();
        assertThat(r.readInt()).isEqualTo(3);
    }

    @Test
    void streamMessageWriteObjectRejectsOtherTypes() throws Exception {
        StreamMessage m = session().createStreamMessage();
        assertThatThrownBy(() -> m.writeObject(new ArrayList<>())).isInstanceOf(MessageFormatException.class);
    }

    @Test
    void getBodyAndIsBodyAssignableTo() throws Exception {
        Session s = session();
        TextMessage text = s.createTextMessage("t");
        assertThat(text.isBodyAssignableTo(String.class)).isTrue();
        assertThat(text.isBodyAssignableTo(Integer.class)).isFalse();
        assertThat(text.getBody(String.class)).isEqualTo("t");
        assertThatThrownBy(() -> text.getBody(Integer.class)).isInstanceOf(MessageFormatException.class);
        MapMessage map = s.createMapMessage();
        map.setInt("a", 1);
        assertThat(map.isBodyAssignableTo(Map.class)).isTrue();
        ObjectMessage object = s.createObjectMessage(5);
        assertThat(object.isBodyAssignableTo(Integer.class)).isTrue();
        assertThat(object.isBodyAssignableTo(String.class)).isFalse();
        assertThat(object.getBody(Integer.class)).isEqualTo(5);
        StreamMessage stream = s.createStreamMessage();
        // getBody is not supported for StreamMessage (Message.getBody javadoc).
        assertThat(stream.isBodyAssignableTo(Object.class)).isFalse();
        assertThatThrownBy(() -> stream.getBody(Object.class)).isInstanceOf(MessageFormatException.class);
        Message plain = s.createMessage();
        // A body-less Message is assignable to anything; Artemis fails getBody on it (it tries to read a
        // body stream), so only isBodyAssignableTo is checked.
        assertThat(plain.isBodyAssignableTo(String.class)).isTrue();
        TextMessage noText = s.createTextMessage();
        assertThat(noText.getBody(Integer.class)).isNull();
    }
}
