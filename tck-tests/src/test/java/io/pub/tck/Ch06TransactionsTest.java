package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;

/** Jakarta Messaging 3.1 section 6.2.8: local transactions (commit, rollback, close, connection close). */
class Ch06TransactionsTest extends TckTest {

    private static String text(Message m) throws Exception {
        return ((TextMessage) m).getText();
    }

    private Session transacted() throws Exception {
        return connection().createSession(Session.SESSION_TRANSACTED);
    }

    private void send(Queue q, String... texts) throws Exception {
        Session s = session();
        MessageProducer p = s.createProducer(q);
        for (String t : texts) {
            p.send(s.createTextMessage(t));
        }
    }

    @OnQueueAndTopic
    void sendsAreInvisibleUntilCommit(Kind kind) throws Exception {
        jakarta.jms.Destination d = destination(kind);
        MessageConsumer consumer = session().createConsumer(d);
        Session tx = transacted();
        MessageProducer p = tx.createProducer(d);
        p.send(tx.createTextMessage("one"));
        p.send(tx.createTextMessage("two"));
        mustNotReceive(consumer);
        tx.commit();
        assertThat(text(mustReceive(consumer))).isEqualTo("one");
        assertThat(text(mustReceive(consumer))).isEqualTo("two");
    }

    @OnQueueAndTopic
    void rollbackDiscardsSends(Kind kind) throws Exception {
        jakarta.jms.Destination d = destination(kind);
        MessageConsumer consumer = session().createConsumer(d);
        Session tx = transacted();
        MessageProducer p = tx.createProducer(d);
        p.send(tx.createTextMessage("discarded"));
        tx.rollback();
        p.send(tx.createTextMessage("kept"));
        tx.commit();
        assertThat(text(mustReceive(consumer))).isEqualTo("kept");
        mustNotReceive(consumer);
    }

    @Test
    void rollbackRedeliversReceivedMessages() throws Exception {
        Queue q = queue();
        send(q, "a", "b");
        Session tx = transacted();
        MessageConsumer consumer = tx.createConsumer(q);
        assertThat(text(mustReceive(consumer))).isEqualTo("a");
        assertThat(text(mustReceive(consumer))).isEqualTo("b");
        tx.rollback();
        Message a = mustReceive(consumer);
        assertThat(text(a)).isEqualTo("a");
        assertThat(a.getJMSRedelivered()).isTrue();
        assertThat(a.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        assertThat(text(mustReceive(consumer))).isEqualTo("b");
        tx.commit();
        mustNotReceive(consumer);
    }

    @Test
    void rollbackRedeliversTopicMessagesToTheSubscriber() throws Exception {
        Session tx = transacted();
        Topic t = topic();
        MessageConsumer consumer = tx.createConsumer(t);
        Session s = session();
        s.createProducer(t).send(s.createTextMessage("t"));
        assertThat(text(mustReceive(consumer))).isEqualTo("t");
        tx.rollback();
        Message again = mustReceive(consumer);
        assertThat(again.getJMSRedelivered()).isTrue();
        tx.commit();
        mustNotReceive(consumer);
    }

    @Test
    void commitAcknowledgesReceivedMessages() throws Exception {
        Queue q = queue();
        send(q, "a");
        Session tx = transacted();
        mustReceive(tx.createConsumer(q));
        tx.commit();
        tx.close();
        mustNotReceive(session().createConsumer(q));
    }

    @Test
    void closingSessionRollsBackItsTransaction() throws Exception {
        Queue in = queue("In");
        Queue out = queue("Out");
        send(in, "a");
        Session tx = transacted();
        mustReceive(tx.createConsumer(in));
        tx.createProducer(out).send(tx.createTextMessage("uncommitted"));
        tx.close();
        Session s = session();
        Message again = mustReceive(s.createConsumer(in));
        assertThat(again.getJMSRedelivered()).isTrue();
        mustNotReceive(s.createConsumer(out));
    }

    @Test
    void closingConnectionRollsBackItsTransactions() throws Exception {
        Queue in = queue("In");
        Queue out = queue("Out");
        send(in, "a");
        Connection c = cf().createConnection();
        c.start();
        Session tx = c.createSession(Session.SESSION_TRANSACTED);
        mustReceive(tx.createConsumer(in));
        tx.createProducer(out).send(tx.createTextMessage("uncommitted"));
        c.close();
        Session s = session();
        assertThat(mustReceive(s.createConsumer(in)).getJMSRedelivered()).isTrue();
        mustNotReceive(s.createConsumer(out));
    }

    @Test
    void transactionSpansQueuesAndTopics() throws Exception {
        Queue q = queue();
        Topic t = topic();
        Session s = session();
        MessageConsumer topicConsumer = s.createConsumer(t);
        Session tx = transacted();
        tx.createProducer(q).send(tx.createTextMessage("to queue"));
        tx.createProducer(t).send(tx.createTextMessage("to topic"));
        mustNotReceive(topicConsumer);
        tx.commit();
        assertThat(text(mustReceive(s.createConsumer(q)))).isEqualTo("to queue");
        assertThat(text(mustReceive(topicConsumer))).isEqualTo("to topic");
    }

    @Test
    void receiveAndSendCommitTogether() throws Exception {
        Queue in = queue("In");
        Queue out = queue("Out");
        send(in, "request");
        Session tx = transacted();
        Message request = mustReceive(tx.createConsumer(in));
        tx.createProducer(out).send(tx.createTextMessage("reply to " + text(request)));
        tx.commit();
        Session s = session();
        assertThat(text(mustReceive(s.createConsumer(out)))).isEqualTo("reply to request");
        mustNotReceive(s.createConsumer(in));
    }

    @Test
    void successiveTransactionsAreIndependent() throws Exception {
        Queue q = queue();
        Session tx = transacted();
        MessageProducer p = tx.createProducer(q);
        p.send(tx.createTextMessage("first"));
        tx.commit();
        p.send(tx.createTextMessage("second"));
        tx.rollback();
        p.send(tx.createTextMessage("third"));
        tx.commit();
        MessageConsumer consumer = session().createConsumer(q);
        assertThat(text(mustReceive(consumer))).isEqualTo("first");
        assertThat(text(mustReceive(consumer))).isEqualTo("third");
        mustNotReceive(consumer);
    }

    @Test
    void acknowledgeInTransactedSessionIsIgnored() throws Exception {
        Queue q = queue();
        send(q, "a");
        Session tx = transacted();
        MessageConsumer consumer = tx.createConsumer(q);
        mustReceive(consumer).acknowledge();
        tx.rollback();
        assertThat(mustReceive(consumer).getJMSRedelivered()).isTrue();
        tx.commit();
    }

    @Test
    void transactedSessionReportsItsMode() throws Exception {
        Session tx = transacted();
        assertThat(tx.getTransacted()).isTrue();
        assertThat(tx.getAcknowledgeMode()).isEqualTo(Session.SESSION_TRANSACTED);
    }

    @Test
    void commitInsideAListener() throws Exception {
        Queue in = queue("In");
        Queue out = queue("Out");
        send(in, "a", "b");
        Session tx = transacted();
        MessageProducer p = tx.createProducer(out);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(2);
        tx.createConsumer(in).setMessageListener(m -> {
            try {
                p.send(tx.createTextMessage("echo " + text(m)));
                tx.commit();
                done.countDown();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(done.await(ARRIVE_MS, java.util.concurrent.TimeUnit.MILLISECONDS))
                .isTrue();
        MessageConsumer consumer = session().createConsumer(out);
        assertThat(text(mustReceive(consumer))).isEqualTo("echo a");
        assertThat(text(mustReceive(consumer))).isEqualTo("echo b");
    }
}
