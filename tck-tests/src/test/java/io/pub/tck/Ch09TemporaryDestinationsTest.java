package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

/** Jakarta Messaging 3.1 section 6.2.2: temporary queues and topics. */
class Ch09TemporaryDestinationsTest extends TckTest {

    @Test
    void temporaryQueueCarriesMessages() throws Exception {
        Session s = session();
        TemporaryQueue tq = s.createTemporaryQueue();
        assertThat(tq.getQueueName()).isNotBlank();
        s.createProducer(tq).send(s.createTextMessage("temp"));
        assertThat(((TextMessage) mustReceive(s.createConsumer(tq))).getText()).isEqualTo("temp");
    }

    @Test
    void temporaryTopicCarriesMessages() throws Exception {
        Session s = session();
        TemporaryTopic tt = s.createTemporaryTopic();
        assertThat(tt.getTopicName()).isNotBlank();
        MessageConsumer a = s.createConsumer(tt);
        MessageConsumer b = s.createConsumer(tt);
        s.createProducer(tt).send(s.createTextMessage("temp"));
        assertThat(mustReceive(a)).isNotNull();
        assertThat(mustReceive(b)).isNotNull();
    }

    @Test
    void temporaryDestinationsAreUnique() throws Exception {
        Session s = session();
        assertThat(s.createTemporaryQueue().getQueueName())
                .isNotEqualTo(s.createTemporaryQueue().getQueueName());
        assertThat(s.createTemporaryTopic().getTopicName())
                .isNotEqualTo(s.createTemporaryTopic().getTopicName());
    }

    @Test
    void anySessionOfTheConnectionMayConsume() throws Exception {
        Connection c = connection();
        Session s1 = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session s2 = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue tq = s1.createTemporaryQueue();
        s1.createProducer(tq).send(s1.createMessage());
        assertThat(mustReceive(s2.createConsumer(tq))).isNotNull();
    }

    @Test
    void requestReplyThroughJmsReplyTo() throws Exception {
        Queue requests = queue("Requests");
        Session client = session();
        TemporaryQueue replies = client.createTemporaryQueue();
        MessageConsumer replyConsumer = client.createConsumer(replies);
        Message request = client.createTextMessage("ping");
        request.setJMSReplyTo(replies);
        client.createProducer(requests).send(request);

        Session server = session();
        Message received = mustReceive(server.createConsumer(requests));
        Message reply = server.createTextMessage("pong");
        reply.setJMSCorrelationID(received.getJMSMessageID());
        server.createProducer(received.getJMSReplyTo()).send(reply);

        Message answer = mustReceive(replyConsumer);
        assertThat(((TextMessage) answer).getText()).isEqualTo("pong");
        assertThat(answer.getJMSCorrelationID()).isEqualTo(request.getJMSMessageID());
    }

    @Test
    void otherConnectionsCannotConsumeFromATemporaryQueue() throws Exception {
        TemporaryQueue tq = session().createTemporaryQueue();
        Session other = session();
        // Only the creating connection may create consumers (TemporaryQueue javadoc).
        assertThatThrownBy(() -> other.createConsumer(tq)).isInstanceOf(JMSException.class);
    }

    @Test
    void otherConnectionsCannotConsumeFromATemporaryTopic() throws Exception {
        TemporaryTopic tt = session().createTemporaryTopic();
        Session other = session();
        assertThatThrownBy(() -> other.createConsumer(tt)).isInstanceOf(JMSException.class);
    }

    @Test
    void deleteWithAnOpenConsumerFails() throws Exception {
        Session s = session();
        TemporaryQueue tq = s.createTemporaryQueue();
        MessageConsumer consumer = s.createConsumer(tq);
        assertThatThrownBy(tq::delete).isInstanceOf(JMSException.class);
        consumer.close();
        tq.delete();
        TemporaryTopic tt = s.createTemporaryTopic();
        MessageConsumer topicConsumer = s.createConsumer(tt);
        assertThatThrownBy(tt::delete).isInstanceOf(JMSException.class);
        topicConsumer.close();
        tt.delete();
    }

    @Test
    void deletedTemporaryQueueCannotBeConsumed() throws Exception {
        Session s = session();
        TemporaryQueue tq = s.createTemporaryQueue();
        tq.delete();
        assertThatThrownBy(() -> s.createConsumer(tq)).isInstanceOf(JMSException.class);
    }

    @Test
    void temporaryQueueEndsWithItsConnection() throws Exception {
        Connection owner = cf().createConnection();
        TemporaryQueue tq = owner.createSession(false, Session.AUTO_ACKNOWLEDGE).createTemporaryQueue();
        owner.close();
        Session other = session();
        // Once its connection is closed the temporary queue no longer exists (section 6.2.2).
        assertThatThrownBy(() -> other.createConsumer(tq)).isInstanceOf(JMSException.class);
    }

    @Test
    void queueRequestorUsesATemporaryQueueForTheReply() throws Exception {
        jakarta.jms.QueueConnection qc = track(((jakarta.jms.QueueConnectionFactory) cf()).createQueueConnection());
        qc.start();
        Queue service = queue("Service");
        Session server = session();
        jakarta.jms.MessageProducer replier = server.createProducer(null);
        server.createConsumer(service).setMessageListener(m -> {
            try {
                replier.send(m.getJMSReplyTo(), server.createTextMessage("re: " + ((TextMessage) m).getText()));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        jakarta.jms.QueueSession qs = qc.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
        jakarta.jms.QueueRequestor requestor = new jakarta.jms.QueueRequestor(qs, service);
        Message reply = requestor.request(qs.createTextMessage("hello"));
        assertThat(((TextMessage) reply).getText()).isEqualTo("re: hello");
        requestor.close();
    }

    @Test
    void topicRequestorUsesATemporaryTopicForTheReply() throws Exception {
        jakarta.jms.TopicConnection tc = track(((jakarta.jms.TopicConnectionFactory) cf()).createTopicConnection());
        tc.start();
        jakarta.jms.Topic service = topic("Service");
        Session server = session();
        jakarta.jms.MessageProducer replier = server.createProducer(null);
        server.createConsumer(service).setMessageListener(m -> {
            try {
                replier.send(m.getJMSReplyTo(), server.createTextMessage("re: " + ((TextMessage) m).getText()));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        jakarta.jms.TopicSession ts = tc.createTopicSession(false, Session.AUTO_ACKNOWLEDGE);
        jakarta.jms.TopicRequestor requestor = new jakarta.jms.TopicRequestor(ts, service);
        Message reply = requestor.request(ts.createTextMessage("hello"));
        assertThat(((TextMessage) reply).getText()).isEqualTo("re: hello");
        requestor.close();
    }
}
