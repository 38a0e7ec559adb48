package io.pub.jms;

import jakarta.jms.ConnectionConsumer;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.QueueSession;
import jakarta.jms.ServerSessionPool;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicSession;
import jakarta.jms.XAConnection;
import jakarta.jms.XAQueueConnection;
import jakarta.jms.XAQueueSession;
import jakarta.jms.XASession;
import jakarta.jms.XATopicConnection;
import jakarta.jms.XATopicSession;

/**
 * An XAConnection from {@link PubXAConnectionFactory}: a {@link PubConnection} that also makes
 * XASessions. Its plain sessions ({@code createSession}) are ordinary sessions, as the specification
 * says.
 */
final class PubXAConnection implements XAConnection, XAQueueConnection, XATopicConnection {
    private final PubConnection connection;

    PubXAConnection(PubConnection connection) {
        this.connection = connection;
    }

    @Override
    public XASession createXASession() throws JMSException {
        return connection.newXaSession(PubSession.Domain.ANY);
    }

    @Override
    public XAQueueSession createXAQueueSession() throws JMSException {
        return connection.newXaSession(PubSession.Domain.QUEUE);
    }

    @Override
    public XATopicSession createXATopicSession() throws JMSException {
        return connection.newXaSession(PubSession.Domain.TOPIC);
    }

    @Override
    public String toString() {
        return "PubXAConnection[" + connection + "]";
    }

    // ---- everything else is the connection's

    @Override
    public Session createSession(boolean a0, int a1) throws JMSException {
        return connection.createSession(a0, a1);
    }

    @Override
    public Session createSession(int a0) throws JMSException {
        return connection.createSession(a0);
    }

    @Override
    public Session createSession() throws JMSException {
        return connection.createSession();
    }

    @Override
    public String getClientID() throws JMSException {
        return connection.getClientID();
    }

    @Override
    public void setClientID(String a0) throws JMSException {
        connection.setClientID(a0);
    }

    @Override
    public ConnectionMetaData getMetaData() throws JMSException {
        return connection.getMetaData();
    }

    @Override
    public ExceptionListener getExceptionListener() throws JMSException {
        return connection.getExceptionListener();
    }

    @Override
    public void setExceptionListener(ExceptionListener a0) throws JMSException {
        connection.setExceptionListener(a0);
    }

    @Override
    public void start() throws JMSException {
        connection.start();
    }

    @Override
    public void stop() throws JMSException {
        connection.stop();
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Destination a0, String a1, ServerSessionPool a2, int a3)
            throws JMSException {
        return connection.createConnectionConsumer(a0, a1, a2, a3);
    }

    @Override
    public ConnectionConsumer createSharedConnectionConsumer(
            Topic a0, String a1, String a2, ServerSessionPool a3, int a4) throws JMSException {
        return connection.createSharedConnectionConsumer(a0, a1, a2, a3, a4);
    }

    @Override
    public ConnectionConsumer createDurableConnectionConsumer(
            Topic a0, String a1, String a2, ServerSessionPool a3, int a4) throws JMSException {
        return connection.createDurableConnectionConsumer(a0, a1, a2, a3, a4);
    }

    @Override
    public ConnectionConsumer createSharedDurableConnectionConsumer(
            Topic a0, String a1, String a2, ServerSessionPool a3, int a4) throws JMSException {
        return connection.createSharedDurableConnectionConsumer(a0, a1, a2, a3, a4);
    }

    @Override
    public QueueSession createQueueSession(boolean a0, int a1) throws JMSException {
        return connection.createQueueSession(a0, a1);
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Queue a0, String a1, ServerSessionPool a2, int a3)
            throws JMSException {
        return connection.createConnectionConsumer(a0, a1, a2, a3);
    }

    @Override
    public TopicSession createTopicSession(boolean a0, int a1) throws JMSException {
        return connection.createTopicSession(a0, a1);
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Topic a0, String a1, ServerSessionPool a2, int a3)
            throws JMSException {
        return connection.createConnectionConsumer(a0, a1, a2, a3);
    }
}
