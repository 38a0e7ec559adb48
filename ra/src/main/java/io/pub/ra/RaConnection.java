package io.pub.ra;

import jakarta.jms.ConnectionConsumer;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueSession;
import jakarta.jms.ServerSessionPool;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicSession;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The connection handle an application gets from {@code createConnection}. It holds no physical
 * connection itself: each session it creates is a pooled connection taken from the server, given
 * back when the session (or this connection) closes.
 *
 * <p>The methods Jakarta Messaging forbids in Jakarta EE web and EJB components (setClientID,
 * setExceptionListener, stop, connection consumers) throw; start does nothing, the pooled connections
 * being started already.
 */
final class RaConnection implements QueueConnection, TopicConnection {
    private final PubRaConnectionFactory factory;
    private final Credentials credentials;
    private final List<RaSession> sessions = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    RaConnection(PubRaConnectionFactory factory, Credentials credentials) {
        this.factory = factory;
        this.credentials = credentials;
    }

    @Override
    public Session createSession(boolean transacted, int acknowledgeMode) throws JMSException {
        // outside a JTA transaction a transacted session is an auto-acknowledged one (the
        // specification's recommendation for Jakarta EE containers); inside one, the modes are ignored
        return createSession(transacted ? Session.SESSION_TRANSACTED : acknowledgeMode);
    }

    @Override
    public Session createSession(int sessionMode) throws JMSException {
        if (closed) {
            throw new IllegalStateException("the connection is closed");
        }
        int mode =
                switch (sessionMode) {
                    case Session.SESSION_TRANSACTED, Session.AUTO_ACKNOWLEDGE -> Session.AUTO_ACKNOWLEDGE;
                    case Session.CLIENT_ACKNOWLEDGE, Session.DUPS_OK_ACKNOWLEDGE -> sessionMode;
                    default ->
                        throw new JMSException("sessionMode must be AUTO_ACKNOWLEDGE (1), CLIENT_ACKNOWLEDGE (2),"
                                + " DUPS_OK_ACKNOWLEDGE (3) or SESSION_TRANSACTED (0), was " + sessionMode);
                };
        RaSession session = factory.allocate(credentials, mode);
        session.owner(this);
        sessions.add(session);
        return session;
    }

    @Override
    public Session createSession() throws JMSException {
        return createSession(Session.AUTO_ACKNOWLEDGE);
    }

    void forget(RaSession session) {
        sessions.remove(session);
    }

    @Override
    public QueueSession createQueueSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return (QueueSession) createSession(transacted, acknowledgeMode);
    }

    @Override
    public TopicSession createTopicSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return (TopicSession) createSession(transacted, acknowledgeMode);
    }

    @Override
    public void close() throws JMSException {
        closed = true;
        JMSException first = null;
        for (RaSession s : sessions) {
            try {
                s.close();
            } catch (JMSException e) {
                first = first == null ? e : first;
            }
        }
        sessions.clear();
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String getClientID() throws JMSException {
        check();
        return factory.managedFactory().clientId();
    }

    @Override
    public void setClientID(String clientID) throws JMSException {
        throw new IllegalStateException("setClientID is not allowed in a Jakarta EE component: set ClientId on"
                + " the connection factory definition");
    }

    @Override
    public ConnectionMetaData getMetaData() throws JMSException {
        check();
        return PubRaConnectionFactory.metaData();
    }

    @Override
    public ExceptionListener getExceptionListener() throws JMSException {
        check();
        return null;
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) throws JMSException {
        throw new IllegalStateException("setExceptionListener is not allowed in a Jakarta EE component");
    }

    @Override
    public void start() throws JMSException {
        check();
    }

    @Override
    public void stop() throws JMSException {
        throw new IllegalStateException("stop is not allowed in a Jakarta EE component");
    }

    private void check() throws JMSException {
        if (closed) {
            throw new IllegalStateException("the connection is closed");
        }
    }

    private static JMSException noConnectionConsumers() {
        return new IllegalStateException(
                "connection consumers are not allowed in a Jakarta EE component; use a message-driven bean");
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(
            Destination destination, String selector, ServerSessionPool pool, int maxMessages) throws JMSException {
        throw noConnectionConsumers();
    }

    @Override
    public ConnectionConsumer createSharedConnectionConsumer(
            Topic topic, String name, String selector, ServerSessionPool pool, int maxMessages) throws JMSException {
        throw noConnectionConsumers();
    }

    @Override
    public ConnectionConsumer createDurableConnectionConsumer(
            Topic topic, String name, String selector, ServerSessionPool pool, int maxMessages) throws JMSException {
        throw noConnectionConsumers();
    }

    @Override
    public ConnectionConsumer createSharedDurableConnectionConsumer(
            Topic topic, String name, String selector, ServerSessionPool pool, int maxMessages) throws JMSException {
        throw noConnectionConsumers();
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(
            Queue queue, String selector, ServerSessionPool pool, int maxMessages) throws JMSException {
        throw noConnectionConsumers();
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(
            Topic topic, String selector, ServerSessionPool pool, int maxMessages) throws JMSException {
        throw noConnectionConsumers();
    }
}
