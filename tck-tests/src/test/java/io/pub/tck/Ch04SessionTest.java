package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;

/** Jakarta Messaging 3.1 section 6.2: sessions, consumers and their invalid uses. */
class Ch04SessionTest extends TckTest {

    @Test
    void factoryMethodsCreateEachMessageType() throws Exception {
        Session s = session();
        assertThat(s.createMessage()).isNotNull();
        assertThat(s.createTextMessage().getText()).isNull();
        assertThat(s.createTextMessage("t").getText()).isEqualTo("t");
        assertThat(s.createBytesMessage()).isNotNull();
        assertThat(s.createMapMessage().getMapNames().hasMoreElements()).isFalse();
        assertThat(s.createObjectMessage().getObject()).isNull();
        assertThat(s.createObjectMessage("o").getObject()).isEqualTo("o");
        assertThat(s.createStreamMessage()).isNotNull();
    }

    @Test
    void commitAndRollbackOnNonTransactedSessionThrow() throws Exception {
        Session s = session();
        assertThatThrownBy(s::commit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::rollback).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void recoverOnTransactedSessionThrows() throws Exception {
        Session s = connection().createSession(Session.SESSION_TRANSACTED);
        assertThatThrownBy(s::recover).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void createQueueAndTopicByNameReachTheJndiDestination() throws Exception {
        Session s = session();
        Queue q = queue();
        Topic t = topic();
        Queue byName = s.createQueue(q.getQueueName());
        assertThat(byName.getQueueName()).isEqualTo(q.getQueueName());
        Topic topicByName = s.createTopic(t.getTopicName());
        assertThat(topicByName.getTopicName()).isEqualTo(t.getTopicName());
        MessageConsumer topicConsumer = s.createConsumer(t);
        s.createProducer(byName).send(s.createTextMessage("via name"));
        s.createProducer(topicByName).send(s.createTextMessage("via topic name"));
        assertThat(((TextMessage) mustReceive(s.createConsumer(q))).getText()).isEqualTo("via name");
        assertThat(((TextMessage) mustReceive(topicConsumer)).getText()).isEqualTo("via topic name");
    }

    @Test
    void nullDestinationIsInvalidForConsumersAndBrowsers() throws Exception {
        Session s = session();
        assertThatThrownBy(() -> s.createConsumer(null)).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createConsumer(null, "a = 1")).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createConsumer(null, null, true)).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createBrowser(null)).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createBrowser(null, "a = 1")).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createSharedConsumer(null, "n" + suffix))
                .isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createSharedDurableConsumer(null, "n" + suffix))
                .isInstanceOf(InvalidDestinationException.class);
    }

    @Test
    void nullTopicIsInvalidForDurableSubscriptions() throws Exception {
        Connection c = track(clientIdCf().createConnection());
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThatThrownBy(() -> s.createDurableSubscriber(null, "n" + suffix))
                .isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createDurableConsumer(null, "n" + suffix))
                .isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createDurableSubscriber(null, "n" + suffix, null, false))
                .isInstanceOf(InvalidDestinationException.class);
    }

    @Test
    void unsubscribeOfUnknownNameIsInvalidDestination() throws Exception {
        Connection c = track(clientIdCf().createConnection());
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThatThrownBy(() -> s.unsubscribe("never-created-" + suffix))
                .isInstanceOf(InvalidDestinationException.class);
    }

    @Test
    void receiveNoWaitOnEmptyDestinationReturnsNull() throws Exception {
        Session s = session();
        assertThat(s.createConsumer(queue()).receiveNoWait()).isNull();
        assertThat(s.createConsumer(topic()).receiveNoWait()).isNull();
    }

    @Test
    void receiveWithTimeoutOnEmptyDestinationReturnsNull() throws Exception {
        Session s = session();
        long start = System.nanoTime();
        assertThat(s.createConsumer(queue()).receive(ABSENT_MS)).isNull();
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(ABSENT_MS - 20);
    }

    @Test
    void receiveBlocksUntilAMessageArrives() throws Exception {
        Session s = session();
        Queue q = queue();
        MessageConsumer consumer = s.createConsumer(q);
        Thread sender = new Thread(() -> {
            try (Connection c = cf().createConnection()) {
                Session ss = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                ss.createProducer(q).send(ss.createTextMessage("late"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        sender.start();
        // receive() without timeout blocks; the test timeout guards against a hang.
        assertThat(((TextMessage) consumer.receive()).getText()).isEqualTo("late");
        sender.join();
    }

    @Test
    void noLocalTopicConsumerIgnoresItsOwnConnectionsMessages() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = topic();
        MessageConsumer noLocal = s.createConsumer(t, null, true);
        MessageConsumer all = s.createConsumer(t);
        s.createProducer(t).send(s.createTextMessage("local"));
        Session other = session();
        other.createProducer(t).send(other.createTextMessage("remote"));
        // Two sessions: no order between their messages is promised, so compare as a set.
        java.util.Set<String> both = new java.util.HashSet<>();
        both.add(((TextMessage) mustReceive(all)).getText());
        both.add(((TextMessage) mustReceive(all)).getText());
        assertThat(both).containsExactlyInAnyOrder("local", "remote");
        assertThat(((TextMessage) mustReceive(noLocal)).getText()).isEqualTo("remote");
        mustNotReceive(noLocal);
    }

    @Test
    void queueMessageGoesToExactlyOneOfSeveralConsumers() throws Exception {
        Queue q = queue();
        Session s1 = session();
        Session s2 = session();
        MessageConsumer c1 = s1.createConsumer(q);
        MessageConsumer c2 = s2.createConsumer(q);
        MessageProducer producer = s1.createProducer(q);
        for (int i = 0; i < 10; i++) {
            producer.send(s1.createTextMessage("m" + i));
        }
        int total = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (MessageConsumer c : new MessageConsumer[] {c1, c2, c1, c2}) {
            TextMessage m;
            while ((m = (TextMessage) c.receive(ABSENT_MS)) != null) {
                total++;
                seen.add(m.getText());
            }
        }
        assertThat(total).isEqualTo(10);
        assertThat(seen).hasSize(10);
    }

    @Test
    void topicMessageGoesToEveryConsumer() throws Exception {
        Topic t = topic();
        Session s1 = session();
        Session s2 = session();
        MessageConsumer c1 = s1.createConsumer(t);
        MessageConsumer c2 = s2.createConsumer(t);
        MessageConsumer c3 = s2.createConsumer(t);
        s1.createProducer(t).send(s1.createTextMessage("fan-out"));
        for (MessageConsumer c : new MessageConsumer[] {c1, c2, c3}) {
            assertThat(((TextMessage) mustReceive(c)).getText()).isEqualTo("fan-out");
        }
    }

    @Test
    void topicConsumerDoesNotSeeMessagesPublishedBeforeIt() throws Exception {
        Session s = session();
        Topic t = topic();
        s.createProducer(t).send(s.createTextMessage("before"));
        MessageConsumer late = s.createConsumer(t);
        mustNotReceive(late);
    }

    @Test
    void closingASessionClosesItsConsumersAndProducers() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = s.createConsumer(queue());
        MessageProducer producer = s.createProducer(queue());
        s.close();
        assertThatThrownBy(() -> consumer.receive(10)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> producer.send(s.createMessage())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingAConsumerUnblocksReceive() throws Exception {
        Session s = session();
        MessageConsumer consumer = s.createConsumer(queue());
        Thread closer = new Thread(() -> {
            try {
                // Wait until the main thread is blocked in receive, without sleeping a fixed time.
                s.createConsumer(queue("Other")).receive(ABSENT_MS);
                consumer.close();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        closer.start();
        // Section 8.8 (MessageConsumer.close): a blocked receive returns null when the consumer is closed.
        assertThat(consumer.receive()).isNull();
        closer.join();
    }

    @Test
    void messagesFromOneSessionArriveInSendOrder() throws Exception {
        Session s = session();
        Queue q = queue();
        MessageProducer producer = s.createProducer(q);
        for (int i = 0; i < 50; i++) {
            TextMessage m = s.createTextMessage();
            m.setIntProperty("seq", i);
            producer.send(m);
        }
        MessageConsumer consumer = s.createConsumer(q);
        for (int i = 0; i < 50; i++) {
            assertThat(mustReceive(consumer).getIntProperty("seq")).isEqualTo(i);
        }
    }

    @OnQueueAndTopic
    void messagesFromOneSessionArriveInSendOrderAtALiveConsumer(Kind kind) throws Exception {
        Pipe pipe = pipe(kind);
        for (int i = 0; i < 50; i++) {
            TextMessage m = pipe.session().createTextMessage();
            m.setIntProperty("seq", i);
            pipe.producer().send(m);
        }
        // Section 6.2.9.1: same session, destination, priority and delivery mode, so send order is kept.
        for (int i = 0; i < 50; i++) {
            assertThat(mustReceive(pipe.consumer()).getIntProperty("seq")).isEqualTo(i);
        }
    }

    @Test
    void consumerListenerCanBeSetAndReadBack() throws Exception {
        Session s = session();
        MessageConsumer consumer = s.createConsumer(queue());
        assertThat(consumer.getMessageListener()).isNull();
        jakarta.jms.MessageListener l = m -> {};
        consumer.setMessageListener(l);
        assertThat(consumer.getMessageListener()).isSameAs(l);
        consumer.setMessageListener(null);
        assertThat(consumer.getMessageListener()).isNull();
    }
}
