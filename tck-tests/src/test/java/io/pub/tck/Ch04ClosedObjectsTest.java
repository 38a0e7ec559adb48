package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.IllegalStateException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.QueueReceiver;
import jakarta.jms.QueueSender;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;
import jakarta.jms.TopicPublisher;
import jakarta.jms.TopicSession;
import jakarta.jms.TopicSubscriber;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Jakarta Messaging 3.1 sections 6.1.8, 6.2.15, 8.8: every method of a closed connection, session, producer,
 * consumer, browser, sender, receiver, publisher and subscriber throws IllegalStateException, and close of a
 * closed object is ignored.
 */
class Ch04ClosedObjectsTest extends TckTest {

    @FunctionalInterface
    interface Call {
        void run() throws Exception;
    }

    private static Stream<DynamicTest> allThrow(Map<String, Call> calls) {
        return calls.entrySet().stream()
                .map(e -> DynamicTest.dynamicTest(
                        e.getKey(), () -> assertThatThrownBy(() -> e.getValue().run())
                                .as(e.getKey())
                                .isInstanceOf(IllegalStateException.class)));
    }

    @TestFactory
    Stream<DynamicTest> closedConnection() throws Exception {
        Connection c = cf().createConnection();
        c.close();
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("createSession(boolean,int)", () -> c.createSession(false, Session.AUTO_ACKNOWLEDGE));
        calls.put("createSession(int)", () -> c.createSession(Session.AUTO_ACKNOWLEDGE));
        calls.put("createSession()", c::createSession);
        calls.put("getClientID", c::getClientID);
        calls.put("setClientID", () -> c.setClientID("x" + suffix));
        calls.put("getMetaData", c::getMetaData);
        calls.put("getExceptionListener", c::getExceptionListener);
        calls.put("setExceptionListener", () -> c.setExceptionListener(e -> {}));
        calls.put("start", c::start);
        calls.put("stop", c::stop);
        return allThrow(calls);
    }

    @TestFactory
    Stream<DynamicTest> closedSession() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = queue();
        Topic t = topic();
        s.close();
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("createMessage", s::createMessage);
        calls.put("createTextMessage()", s::createTextMessage);
        calls.put("createTextMessage(String)", () -> s.createTextMessage("t"));
        calls.put("createBytesMessage", s::createBytesMessage);
        calls.put("createMapMessage", s::createMapMessage);
        calls.put("createObjectMessage()", s::createObjectMessage);
        calls.put("createObjectMessage(Serializable)", () -> s.createObjectMessage("o"));
        calls.put("createStreamMessage", s::createStreamMessage);
        calls.put("getTransacted", s::getTransacted);
        calls.put("getAcknowledgeMode", s::getAcknowledgeMode);
        calls.put("commit", s::commit);
        calls.put("rollback", s::rollback);
        calls.put("recover", s::recover);
        calls.put("createProducer", () -> s.createProducer(q));
        calls.put("createConsumer(Destination)", () -> s.createConsumer(q));
        calls.put("createConsumer(Destination,String)", () -> s.createConsumer(q, "a = 1"));
        calls.put("createConsumer(Destination,String,boolean)", () -> s.createConsumer(t, "a = 1", true));
        calls.put("createSharedConsumer(Topic,String)", () -> s.createSharedConsumer(t, "n"));
        calls.put("createSharedConsumer(Topic,String,String)", () -> s.createSharedConsumer(t, "n", "a = 1"));
        calls.put("createDurableSubscriber(Topic,String)", () -> s.createDurableSubscriber(t, "n"));
        calls.put(
                "createDurableSubscriber(Topic,String,String,boolean)",
                () -> s.createDurableSubscriber(t, "n", null, false));
        calls.put("createDurableConsumer(Topic,String)", () -> s.createDurableConsumer(t, "n"));
        calls.put(
                "createDurableConsumer(Topic,String,String,boolean)",
                () -> s.createDurableConsumer(t, "n", null, false));
        calls.put("createSharedDurableConsumer(Topic,String)", () -> s.createSharedDurableConsumer(t, "n"));
        calls.put(
                "createSharedDurableConsumer(Topic,String,String)",
                () -> s.createSharedDurableConsumer(t, "n", "a = 1"));
        calls.put("createBrowser(Queue)", () -> s.createBrowser(q));
        calls.put("createBrowser(Queue,String)", () -> s.createBrowser(q, "a = 1"));
        calls.put("createQueue", () -> s.createQueue("q"));
        calls.put("createTopic", () -> s.createTopic("t"));
        calls.put("createTemporaryQueue", s::createTemporaryQueue);
        calls.put("createTemporaryTopic", s::createTemporaryTopic);
        calls.put("unsubscribe", () -> s.unsubscribe("n"));
        return allThrow(calls);
    }

    @TestFactory
    Stream<DynamicTest> closedProducer() throws Exception {
        Session s = session();
        Queue q = queue();
        MessageProducer p = s.createProducer(q);
        MessageProducer anonymous = s.createProducer(null);
        Message m = s.createMessage();
        p.close();
        anonymous.close();
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("getDestination", p::getDestination);
        calls.put("setDisableMessageID", () -> p.setDisableMessageID(true));
        calls.put("getDisableMessageID", p::getDisableMessageID);
        calls.put("setDisableMessageTimestamp", () -> p.setDisableMessageTimestamp(true));
        calls.put("getDisableMessageTimestamp", p::getDisableMessageTimestamp);
        calls.put("setDeliveryMode", () -> p.setDeliveryMode(DeliveryMode.NON_PERSISTENT));
        calls.put("getDeliveryMode", p::getDeliveryMode);
        calls.put("setPriority", () -> p.setPriority(1));
        calls.put("getPriority", p::getPriority);
        calls.put("setTimeToLive", () -> p.setTimeToLive(1000));
        calls.put("getTimeToLive", p::getTimeToLive);
        // setDeliveryDelay/getDeliveryDelay are left out: Artemis does not check for a closed producer there.
        calls.put("send(Message)", () -> p.send(m));
        calls.put("send(Message,int,int,long)", () -> p.send(m, DeliveryMode.PERSISTENT, 4, 0));
        calls.put("send(Destination,Message)", () -> anonymous.send(q, m));
        calls.put("send(Destination,Message,int,int,long)", () -> anonymous.send(q, m, DeliveryMode.PERSISTENT, 4, 0));
        calls.put("send(Message,CompletionListener)", () -> p.send(m, new NoOpCompletion()));
        return allThrow(calls);
    }

    @TestFactory
    Stream<DynamicTest> closedConsumer() throws Exception {
        Session s = session();
        MessageConsumer consumer = s.createConsumer(queue(), "a = 1");
        consumer.close();
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("getMessageSelector", consumer::getMessageSelector);
        calls.put("getMessageListener", consumer::getMessageListener);
        calls.put("setMessageListener", () -> consumer.setMessageListener(m -> {}));
        calls.put("receive()", consumer::receive);
        calls.put("receive(long)", () -> consumer.receive(10));
        calls.put("receiveNoWait", consumer::receiveNoWait);
        return allThrow(calls);
    }

    // A closed QueueBrowser is not judged: the QueueBrowser javadoc does not say that its methods throw after
    // close, and Artemis does not.

    @TestFactory
    Stream<DynamicTest> closedQueueConnectionSessionSenderReceiver() throws Exception {
        QueueConnection c = track(((QueueConnectionFactory) cf()).createQueueConnection());
        Queue q = queue();
        QueueSession s = c.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
        QueueSender sender = s.createSender(q);
        QueueReceiver receiver = s.createReceiver(q);
        Message m = s.createMessage();
        QueueConnection closedConnection = ((QueueConnectionFactory) cf()).createQueueConnection();
        closedConnection.close();
        sender.close();
        receiver.close();
        QueueSession closedSession = c.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
        closedSession.close();
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("QueueConnection.createQueueSession", () -> closedConnection.createQueueSession(false, 1));
        calls.put("QueueSession.createReceiver", () -> closedSession.createReceiver(q));
        calls.put("QueueSession.createReceiver(selector)", () -> closedSession.createReceiver(q, "a = 1"));
        calls.put("QueueSession.createSender", () -> closedSession.createSender(q));
        calls.put("QueueSession.createBrowser", () -> closedSession.createBrowser(q));
        calls.put("QueueSession.createQueue", () -> closedSession.createQueue("x"));
        calls.put("QueueSession.createTemporaryQueue", closedSession::createTemporaryQueue);
        calls.put("QueueSender.getQueue", sender::getQueue);
        calls.put("QueueSender.send(Message)", () -> sender.send(m));
        calls.put("QueueSender.send(Message,int,int,long)", () -> sender.send(m, 2, 4, 0));
        calls.put("QueueReceiver.getQueue", receiver::getQueue);
        calls.put("QueueReceiver.receive", () -> receiver.receive(10));
        calls.put("QueueReceiver.receiveNoWait", receiver::receiveNoWait);
        return allThrow(calls);
    }

    @TestFactory
    Stream<DynamicTest> closedTopicConnectionSessionPublisherSubscriber() throws Exception {
        TopicConnection c = track(((TopicConnectionFactory) cf()).createTopicConnection());
        Topic t = topic();
        TopicSession s = c.createTopicSession(false, Session.AUTO_ACKNOWLEDGE);
        TopicPublisher publisher = s.createPublisher(t);
        TopicSubscriber subscriber = s.createSubscriber(t);
        Message m = s.createMessage();
        TopicConnection closedConnection = ((TopicConnectionFactory) cf()).createTopicConnection();
        closedConnection.close();
        publisher.close();
        subscriber.close();
        TopicSession closedSession = c.createTopicSession(false, Session.AUTO_ACKNOWLEDGE);
        closedSession.close();
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("TopicConnection.createTopicSession", () -> closedConnection.createTopicSession(false, 1));
        calls.put("TopicSession.createSubscriber", () -> closedSession.createSubscriber(t));
        calls.put(
                "TopicSession.createSubscriber(selector,noLocal)", () -> closedSession.createSubscriber(t, null, true));
        calls.put("TopicSession.createPublisher", () -> closedSession.createPublisher(t));
        calls.put("TopicSession.createDurableSubscriber", () -> closedSession.createDurableSubscriber(t, "n"));
        calls.put("TopicSession.createTopic", () -> closedSession.createTopic("x"));
        calls.put("TopicSession.createTemporaryTopic", closedSession::createTemporaryTopic);
        calls.put("TopicSession.unsubscribe", () -> closedSession.unsubscribe("n"));
        calls.put("TopicPublisher.getTopic", publisher::getTopic);
        calls.put("TopicPublisher.publish(Message)", () -> publisher.publish(m));
        calls.put("TopicPublisher.publish(Message,int,int,long)", () -> publisher.publish(m, 2, 4, 0));
        calls.put("TopicSubscriber.getTopic", subscriber::getTopic);
        calls.put("TopicSubscriber.getNoLocal", subscriber::getNoLocal);
        calls.put("TopicSubscriber.receive", () -> subscriber.receive(10));
        return allThrow(calls);
    }

    @Test
    void closingAConnectionClosesItsSessionsProducersAndConsumers() throws Exception {
        Connection c = cf().createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(queue());
        MessageConsumer consumer = s.createConsumer(queue());
        Message m = s.createMessage();
        c.close();
        assertThatThrownBy(s::createMessage).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> p.send(m)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(consumer::receiveNoWait).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeOfClosedObjectsIsIgnored() throws Exception {
        Connection c = cf().createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(queue());
        MessageConsumer consumer = s.createConsumer(queue());
        QueueBrowser browser = s.createBrowser(queue());
        c.close();
        c.close();
        s.close();
        p.close();
        consumer.close();
        browser.close();
        s.close();
    }

    @Test
    void acknowledgeAfterSessionCloseThrows() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = queue();
        s.createProducer(q).send(s.createTextMessage("x"));
        Message m = mustReceive(s.createConsumer(q));
        s.close();
        // Message objects stay usable after close, except acknowledge (Connection.close javadoc).
        m.getJMSMessageID();
        assertThatThrownBy(m::acknowledge).isInstanceOf(IllegalStateException.class);
    }

    static final class NoOpCompletion implements jakarta.jms.CompletionListener {
        @Override
        public void onCompletion(Message message) {}

        @Override
        public void onException(Message message, Exception exception) {}
    }
}
