package io.pub.jms;

import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.QueueReceiver;
import jakarta.jms.QueueSender;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;
import jakarta.jms.TopicSession;
import jakarta.jms.TopicSubscriber;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.XAQueueSession;
import jakarta.jms.XASession;
import jakarta.jms.XATopicSession;
import java.io.Serializable;
import javax.transaction.xa.XAResource;

/**
 * An XASession: a transacted {@link PubSession} whose transactions a transaction manager runs through
 * {@link #getXAResource()} ({@link PubXAResource}). Inside a branch sends are held and deliveries stay
 * leased until the branch completes; outside one the session acknowledges like AUTO_ACKNOWLEDGE and
 * sends at once. {@code commit} and {@code rollback} belong to the transaction manager and throw
 * TransactionInProgressException here.
 */
final class PubXASession implements XASession, XAQueueSession, XATopicSession, QueueSession, TopicSession {
    private final PubSession session;
    private final PubXAResource resource;

    PubXASession(PubSession session) {
        this.session = session;
        this.resource = new PubXAResource(session);
    }

    /** The underlying session (for an XAJMSContext). */
    PubSession pubSession() {
        return session;
    }

    PubXAResource resource() {
        return resource;
    }

    @Override
    public Session getSession() throws JMSException {
        session.checkOpen();
        return this;
    }

    @Override
    public QueueSession getQueueSession() throws JMSException {
        session.checkOpen();
        return this;
    }

    @Override
    public TopicSession getTopicSession() throws JMSException {
        session.checkOpen();
        return this;
    }

    @Override
    public XAResource getXAResource() {
        return resource;
    }

    @Override
    public boolean getTransacted() throws JMSException {
        session.checkOpen();
        return true;
    }

    @Override
    public void commit() throws JMSException {
        session.checkOpen();
        throw new TransactionInProgressException(
                "an XASession's transactions are committed by the transaction manager through its XAResource");
    }

    @Override
    public void rollback() throws JMSException {
        session.checkOpen();
        throw new TransactionInProgressException(
                "an XASession's transactions are rolled back by the transaction manager through its XAResource");
    }

    /**
     * Closes the session. Work done in a branch still associated goes to that branch, which the
     * transaction manager still completes; prepared branches live in the store and are not touched.
     */
    @Override
    public void close() throws JMSException {
        if (session.isDeliveryThread()) {
            throw new IllegalStateException(
                    "a session must not be closed from its own MessageListener or CompletionListener");
        }
        resource.sessionClosing();
        session.close();
    }

    @Override
    public String toString() {
        return "PubXASession[" + session + "]";
    }

    // ---- everything else is the session's

    @Override
    public BytesMessage createBytesMessage() throws JMSException {
        return session.createBytesMessage();
    }

    @Override
    public MapMessage createMapMessage() throws JMSException {
        return session.createMapMessage();
    }

    @Override
    public Message createMessage() throws JMSException {
        return session.createMessage();
    }

    @Override
    public ObjectMessage createObjectMessage() throws JMSException {
        return session.createObjectMessage();
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable a0) throws JMSException {
        return session.createObjectMessage(a0);
    }

    @Override
    public StreamMessage createStreamMessage() throws JMSException {
        return session.createStreamMessage();
    }

    @Override
    public TextMessage createTextMessage() throws JMSException {
        return session.createTextMessage();
    }

    @Override
    public TextMessage createTextMessage(String a0) throws JMSException {
        return session.createTextMessage(a0);
    }

    @Override
    public int getAcknowledgeMode() throws JMSException {
        return session.getAcknowledgeMode();
    }

    @Override
    public void recover() throws JMSException {
        session.recover();
    }

    @Override
    public MessageListener getMessageListener() throws JMSException {
        return session.getMessageListener();
    }

    @Override
    public void setMessageListener(MessageListener a0) throws JMSException {
        session.setMessageListener(a0);
    }

    @Override
    public void run() {
        session.run();
    }

    @Override
    public MessageProducer createProducer(Destination a0) throws JMSException {
        return session.createProducer(a0);
    }

    @Override
    public MessageConsumer createConsumer(Destination a0) throws JMSException {
        return session.createConsumer(a0);
    }

    @Override
    public MessageConsumer createConsumer(Destination a0, String a1) throws JMSException {
        return session.createConsumer(a0, a1);
    }

    @Override
    public MessageConsumer createConsumer(Destination a0, String a1, boolean a2) throws JMSException {
        return session.createConsumer(a0, a1, a2);
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic a0, String a1) throws JMSException {
        return session.createSharedConsumer(a0, a1);
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic a0, String a1, String a2) throws JMSException {
        return session.createSharedConsumer(a0, a1, a2);
    }

    @Override
    public Queue createQueue(String a0) throws JMSException {
        return session.createQueue(a0);
    }

    @Override
    public Topic createTopic(String a0) throws JMSException {
        return session.createTopic(a0);
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic a0, String a1) throws JMSException {
        return session.createDurableSubscriber(a0, a1);
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic a0, String a1, String a2, boolean a3) throws JMSException {
        return session.createDurableSubscriber(a0, a1, a2, a3);
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic a0, String a1) throws JMSException {
        return session.createDurableConsumer(a0, a1);
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic a0, String a1, String a2, boolean a3) throws JMSException {
        return session.createDurableConsumer(a0, a1, a2, a3);
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic a0, String a1) throws JMSException {
        return session.createSharedDurableConsumer(a0, a1);
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic a0, String a1, String a2) throws JMSException {
        return session.createSharedDurableConsumer(a0, a1, a2);
    }

    @Override
    public QueueBrowser createBrowser(Queue a0) throws JMSException {
        return session.createBrowser(a0);
    }

    @Override
    public QueueBrowser createBrowser(Queue a0, String a1) throws JMSException {
        return session.createBrowser(a0, a1);
    }

    @Override
    public TemporaryQueue createTemporaryQueue() throws JMSException {
        return session.createTemporaryQueue();
    }

    @Override
    public TemporaryTopic createTemporaryTopic() throws JMSException {
        return session.createTemporaryTopic();
    }

    @Override
    public void unsubscribe(String a0) throws JMSException {
        session.unsubscribe(a0);
    }

    @Override
    public QueueReceiver createReceiver(Queue a0) throws JMSException {
        return session.createReceiver(a0);
    }

    @Override
    public QueueReceiver createReceiver(Queue a0, String a1) throws JMSException {
        return session.createReceiver(a0, a1);
    }

    @Override
    public QueueSender createSender(Queue a0) throws JMSException {
        return session.createSender(a0);
    }

    @Override
    public TopicSubscriber createSubscriber(Topic a0) throws JMSException {
        return session.createSubscriber(a0);
    }

    @Override
    public TopicSubscriber createSubscriber(Topic a0, String a1, boolean a2) throws JMSException {
        return session.createSubscriber(a0, a1, a2);
    }

    @Override
    public TopicPublisher createPublisher(Topic a0) throws JMSException {
        return session.createPublisher(a0);
    }
}
