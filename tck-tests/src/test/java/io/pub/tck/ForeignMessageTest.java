package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Jakarta Messaging 3.1 section 3.13 (and MessageProducer javadoc): a provider must send messages of any
 * implementation, keeping their headers, properties and body, and sets the send-time headers on them.
 */
class ForeignMessageTest extends TckTest {

    private static <M extends ForeignMessages.Plain> M decorate(M m, Queue replyTo) {
        m.setJMSType("foreign");
        m.setJMSCorrelationID("foreign-corr");
        m.setJMSReplyTo(replyTo);
        m.setStringProperty("s", "value");
        m.setIntProperty("i", 42);
        m.setBooleanProperty("b", true);
        m.setDoubleProperty("d", 1.5);
        return m;
    }

    private Message sendAndReceive(Kind kind, Message foreign) throws Exception {
        Pipe pipe = pipe(kind);
        pipe.producer().send(foreign);
        // Send sets these on the message object it was given, foreign or not.
        assertThat(foreign.getJMSMessageID()).startsWith("ID:");
        assertThat(foreign.getJMSDestination()).isEqualTo(pipe.destination());
        assertThat(foreign.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(foreign.getJMSPriority()).isEqualTo(4);
        assertThat(foreign.getJMSTimestamp()).isPositive();
        Message r = mustReceive(pipe.consumer());
        assertThat(r.getJMSType()).isEqualTo("foreign");
        assertThat(r.getJMSCorrelationID()).isEqualTo("foreign-corr");
        assertThat(((Queue) r.getJMSReplyTo()).getQueueName())
                .isEqualTo(queue("Reply").getQueueName());
        assertThat(r.getStringProperty("s")).isEqualTo("value");
        assertThat(r.getIntProperty("i")).isEqualTo(42);
        assertThat(r.getBooleanProperty("b")).isTrue();
        assertThat(r.getDoubleProperty("d")).isEqualTo(1.5);
        assertThat(r.getJMSMessageID()).isEqualTo(foreign.getJMSMessageID());
        assertThat(r.getJMSDestination()).isEqualTo(pipe.destination());
        return r;
    }

    @OnQueueAndTopic
    void foreignMessageWithoutBody(Kind kind) throws Exception {
        Message r = sendAndReceive(kind, decorate(new ForeignMessages.Plain(), queue("Reply")));
        assertThat(r).isNotInstanceOf(TextMessage.class);
    }

    @OnQueueAndTopic
    void foreignTextMessage(Kind kind) throws Exception {
        Message r = sendAndReceive(kind, decorate(new ForeignMessages.Text("foreign text"), queue("Reply")));
        assertThat(((TextMessage) r).getText()).isEqualTo("foreign text");
    }

    @OnQueueAndTopic
    void foreignMapMessage(Kind kind) throws Exception {
        ForeignMessages.MapMsg m = decorate(new ForeignMessages.MapMsg(), queue("Reply"));
        m.setInt("int", 7);
        m.setString("string", "map");
        m.setBytes("bytes", new byte[] {1, 2});
        MapMessage r = (MapMessage) sendAndReceive(kind, m);
        assertThat(r.getInt("int")).isEqualTo(7);
        assertThat(r.getString("string")).isEqualTo("map");
        assertThat(r.getBytes("bytes")).containsExactly(1, 2);
    }

    @OnQueueAndTopic
    void foreignBytesMessage(Kind kind) throws Exception {
        ForeignMessages.Bytes m = decorate(new ForeignMessages.Bytes(), queue("Reply"));
        m.writeInt(99);
        m.writeUTF("bytes");
        m.writeBytes(new byte[] {5, 6, 7});
        BytesMessage r = (BytesMessage) sendAndReceive(kind, m);
        assertThat(r.readInt()).isEqualTo(99);
        assertThat(r.readUTF()).isEqualTo("bytes");
        byte[] rest = new byte[3];
        assertThat(r.readBytes(rest)).isEqualTo(3);
        assertThat(rest).containsExactly(5, 6, 7);
    }

    @OnQueueAndTopic
    void foreignObjectMessage(Kind kind) throws Exception {
        ArrayList<String> list = new ArrayList<>(List.of("a", "b"));
        ObjectMessage r = (ObjectMessage) sendAndReceive(kind, decorate(new ForeignMessages.Obj(list), queue("Reply")));
        assertThat(r.getObject()).isEqualTo(list);
    }

    @OnQueueAndTopic
    void foreignStreamMessage(Kind kind) throws Exception {
        ForeignMessages.Stream m = decorate(new ForeignMessages.Stream(), queue("Reply"));
        m.writeInt(1);
        m.writeString("two");
        m.writeBoolean(true);
        StreamMessage r = (StreamMessage) sendAndReceive(kind, m);
        assertThat(r.readInt()).isEqualTo(1);
        assertThat(r.readString()).isEqualTo("two");
        assertThat(r.readBoolean()).isTrue();
    }

    @Test
    void foreignMessageThroughTheSimplifiedApi() throws Exception {
        jakarta.jms.JMSContext ctx = context();
        Queue q = queue();
        jakarta.jms.JMSConsumer consumer = ctx.createConsumer(q);
        ForeignMessages.Text m = decorate(new ForeignMessages.Text("via context"), queue("Reply"));
        ctx.createProducer().send(q, m);
        Message r = consumer.receive(ARRIVE_MS);
        assertThat(r.getBody(String.class)).isEqualTo("via context");
        assertThat(r.getStringProperty("s")).isEqualTo("value");
        assertThat(m.getJMSMessageID()).startsWith("ID:");
    }
}
