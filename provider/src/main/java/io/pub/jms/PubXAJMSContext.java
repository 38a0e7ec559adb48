package io.pub.jms;

import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TransactionInProgressRuntimeException;
import jakarta.jms.XAJMSContext;
import java.io.Serializable;
import javax.transaction.xa.XAResource;

/**
 * An XAJMSContext: a SESSION_TRANSACTED {@link PubJMSContext} over the session of a
 * {@link PubXASession}, whose XAResource it offers. {@code commit}, {@code rollback}, {@code recover}
 * and {@code acknowledge} belong to the transaction manager or do not apply, as the specification says.
 */
final class PubXAJMSContext implements XAJMSContext {
    private final PubXASession xa;
    private final PubJMSContext context;

    PubXAJMSContext(PubConnection connection) throws jakarta.jms.JMSException {
        this.xa = connection.newXaSession(PubSession.Domain.ANY);
        this.context = new PubJMSContext(connection, SESSION_TRANSACTED, mode -> xa.pubSession());
    }

    @Override
    public JMSContext getContext() {
        context.checkOpen();
        return this;
    }

    @Override
    public XAResource getXAResource() {
        return xa.getXAResource();
    }

    @Override
    public boolean getTransacted() {
        context.checkOpen();
        return true;
    }

    @Override
    public int getSessionMode() {
        context.checkOpen();
        return SESSION_TRANSACTED;
    }

    @Override
    public void commit() {
        context.checkOpen();
        throw new TransactionInProgressRuntimeException(
                "an XAJMSContext's transactions are committed by the transaction manager through its XAResource");
    }

    @Override
    public void rollback() {
        context.checkOpen();
        throw new TransactionInProgressRuntimeException(
                "an XAJMSContext's transactions are rolled back by the transaction manager through its XAResource");
    }

    @Override
    public void recover() {
        context.checkOpen();
        throw new IllegalStateRuntimeException("recover is not allowed on a transacted JMSContext");
    }

    @Override
    public void acknowledge() {
        context.checkOpen(); // transacted: acknowledgement is the transaction's
    }

    /** Closes the context; work of a branch still associated goes to that branch (see PubXASession#close). */
    @Override
    public void close() {
        xa.resource().sessionClosing();
        context.close();
    }

    @Override
    public String toString() {
        return "PubXAJMSContext[" + xa + "]";
    }

    // ---- everything else is the context's

    @Override
    public JMSContext createContext(int a0) {
        return context.createContext(a0);
    }

    @Override
    public JMSProducer createProducer() {
        return context.createProducer();
    }

    @Override
    public String getClientID() {
        return context.getClientID();
    }

    @Override
    public void setClientID(String a0) {
        context.setClientID(a0);
    }

    @Override
    public ConnectionMetaData getMetaData() {
        return context.getMetaData();
    }

    @Override
    public ExceptionListener getExceptionListener() {
        return context.getExceptionListener();
    }

    @Override
    public void setExceptionListener(ExceptionListener a0) {
        context.setExceptionListener(a0);
    }

    @Override
    public void start() {
        context.start();
    }

    @Override
    public void stop() {
        context.stop();
    }

    @Override
    public void setAutoStart(boolean a0) {
        context.setAutoStart(a0);
    }

    @Override
    public boolean getAutoStart() {
        return context.getAutoStart();
    }

    @Override
    public BytesMessage createBytesMessage() {
        return context.createBytesMessage();
    }

    @Override
    public MapMessage createMapMessage() {
        return context.createMapMessage();
    }

    @Override
    public Message createMessage() {
        return context.createMessage();
    }

    @Override
    public ObjectMessage createObjectMessage() {
        return context.createObjectMessage();
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable a0) {
        return context.createObjectMessage(a0);
    }

    @Override
    public StreamMessage createStreamMessage() {
        return context.createStreamMessage();
    }

    @Override
    public TextMessage createTextMessage() {
        return context.createTextMessage();
    }

    @Override
    public TextMessage createTextMessage(String a0) {
        return context.createTextMessage(a0);
    }

    @Override
    public JMSConsumer createConsumer(Destination a0) {
        return context.createConsumer(a0);
    }

    @Override
    public JMSConsumer createConsumer(Destination a0, String a1) {
        return context.createConsumer(a0, a1);
    }

    @Override
    public JMSConsumer createConsumer(Destination a0, String a1, boolean a2) {
        return context.createConsumer(a0, a1, a2);
    }

    @Override
    public Queue createQueue(String a0) {
        return context.createQueue(a0);
    }

    @Override
    public Topic createTopic(String a0) {
        return context.createTopic(a0);
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic a0, String a1) {
        return context.createDurableConsumer(a0, a1);
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic a0, String a1, String a2, boolean a3) {
        return context.createDurableConsumer(a0, a1, a2, a3);
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic a0, String a1) {
        return context.createSharedDurableConsumer(a0, a1);
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic a0, String a1, String a2) {
        return context.createSharedDurableConsumer(a0, a1, a2);
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic a0, String a1) {
        return context.createSharedConsumer(a0, a1);
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic a0, String a1, String a2) {
        return context.createSharedConsumer(a0, a1, a2);
    }

    @Override
    public QueueBrowser createBrowser(Queue a0) {
        return context.createBrowser(a0);
    }

    @Override
    public QueueBrowser createBrowser(Queue a0, String a1) {
        return context.createBrowser(a0, a1);
    }

    @Override
    public TemporaryQueue createTemporaryQueue() {
        return context.createTemporaryQueue();
    }

    @Override
    public TemporaryTopic createTemporaryTopic() {
        return context.createTemporaryTopic();
    }

    @Override
    public void unsubscribe(String a0) {
        context.unsubscribe(a0);
    }
}
