package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

/** Jakarta Messaging 3.1 section 6.2.10: acknowledgement modes and Session.recover. */
class Ch06AckModesTest extends TckTest {

    private void send(Queue q, String... texts) throws Exception {
        Session s = session();
        MessageProducer p = s.createProducer(q);
        for (String t : texts) {
            p.send(s.createTextMessage(t));
        }
    }

    private static String text(Message m) throws Exception {
        return ((TextMessage) m).getText();
    }

    @Test
    void autoAcknowledgedMessageIsNotRedelivered() throws Exception {
        Queue q = queue();
        send(q, "a");
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThat(text(mustReceive(s.createConsumer(q)))).isEqualTo("a");
        s.close();
        mustNotReceive(session().createConsumer(q));
    }

    @Test
    void dupsOkDeliversEveryMessage() throws Exception {
        Queue q = queue();
        send(q, "a", "b", "c");
        Session s = connection().createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
        MessageConsumer consumer = s.createConsumer(q);
        assertThat(text(mustReceive(consumer))).isEqualTo("a");
        assertThat(text(mustReceive(consumer))).isEqualTo("b");
        assertThat(text(mustReceive(consumer))).isEqualTo("c");
    }

    @Test
    void clientAcknowledgeWithoutAckRedeliversAfterClose() throws Exception {
        Queue q = queue();
        send(q, "a");
        Session s = connection().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Message first = mustReceive(s.createConsumer(q));
        assertThat(first.getJMSRedelivered()).isFalse();
        s.close();
        Session again = connection().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Message second = mustReceive(again.createConsumer(q));
        assertThat(text(second)).isEqualTo("a");
        assertThat(second.getJMSRedelivered()).isTrue();
        assertThat(second.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        second.acknowledge();
        again.close();
        mustNotReceive(session().createConsumer(q));
    }

    @Test
    void acknowledgeAcknowledgesEveryMessageTheSessionConsumed() throws Exception {
        Queue q = queue();
        send(q, "a", "b", "c");
        Session s = connection().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer consumer = s.createConsumer(q);
        Message a = mustReceive(consumer);
        mustReceive(consumer);
        mustReceive(consumer);
        // Acknowledging any consumed message acknowledges all the session consumed (Message.acknowledge).
        a.acknowledge();
        s.close();
        mustNotReceive(session().createConsumer(q));
    }

    @Test
    void acknowledgeCoversOnlyMessagesConsumedSoFar() throws Exception {
        Queue q = queue();
        send(q, "a", "b");
        Session s = connection().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer consumer = s.createConsumer(q);
        mustReceive(consumer).acknowledge();
        s.close();
        Session again = connection().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Message b = mustReceive(again.createConsumer(q));
        assertThat(text(b)).isEqualTo("b");
        b.acknowledge();
    }

    @Test
    void acknowledgeCoversAllConsumersOfTheSession() throws Exception {
        Queue q1 = queue("Q1");
        Queue q2 = queue("Q2");
        send(q1, "one");
        send(q2, "two");
        Session s = connection().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Message one = mustReceive(s.createConsumer(q1));
        mustReceive(s.createConsumer(q2));
        one.acknowledge();
        s.close();
        Session check = session();
        mustNotReceive(check.createConsumer(q1));
        mustNotReceive(check.createConsumer(q2));
    }

    @Test
    void recoverRedeliversUnacknowledgedMessagesInOrder() throws Exception {
        Queue q = queue();
        send(q, "a", "b", "c");
        Session s = connection().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer consumer = s.createConsumer(q);
        assertThat(text(mustReceive(consumer))).isEqualTo("a");
        assertThat(text(mustReceive(consumer))).isEqualTo("b");
        s.recover();
        Message a = mustReceive(consumer);
        assertThat(text(a)).isEqualTo("a");
        assertThat(a.getJMSRedelivered()).isTrue();
        Message b = mustReceive(consumer);
        assertThat(text(b)).isEqualTo("b");
        assertThat(b.getJMSRedelivered()).isTrue();
        Message c = mustReceive(consumer);
        // "c" was never consumed, but a provider that had prefetched it may flag it redelivered: the flag is
        // only a hint (section 3.4.7), so it is not checked.
        assertThat(text(c)).isEqualTo("c");
        c.acknowledge();
        mustNotReceive(consumer);
    }

    @Test
    void recoverAfterAcknowledgeRedeliversNothing() throws Exception {
        Queue q = queue();
        send(q, "a");
        Session s = connection().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer consumer = s.createConsumer(q);
        mustReceive(consumer).acknowledge();
        s.recover();
        mustNotReceive(consumer);
    }

    @Test
    void recoverOnTopicRedeliversToTheSameSubscriber() throws Exception {
        Session s = connection().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        jakarta.jms.Topic t = topic();
        MessageConsumer consumer = s.createConsumer(t);
        s.createProducer(t).send(s.createTextMessage("t"));
        assertThat(mustReceive(consumer).getJMSRedelivered()).isFalse();
        s.recover();
        Message again = mustReceive(consumer);
        assertThat(text(again)).isEqualTo("t");
        assertThat(again.getJMSRedelivered()).isTrue();
        again.acknowledge();
    }

    @Test
    void acknowledgeInAutoModeIsIgnored() throws Exception {
        Queue q = queue();
        send(q, "a");
        Session s = session();
        Message m = mustReceive(s.createConsumer(q));
        m.acknowledge();
        mustNotReceive(s.createConsumer(q));
    }

    @Test
    void clientAcknowledgeWithListenerWaitsForAcknowledge() throws Exception {
        Queue q = queue();
        send(q, "a");
        Connection c = connection();
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        java.util.concurrent.BlockingQueue<Message> got = new java.util.concurrent.LinkedBlockingQueue<>();
        MessageConsumer consumer = s.createConsumer(q);
        consumer.setMessageListener(got::add);
        Message m = got.poll(ARRIVE_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(m).isNotNull();
        s.close();
        Message again = mustReceive(
                connection().createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q));
        assertThat(again.getJMSRedelivered()).isTrue();
    }
}
