package io.pub.jms;

import io.pub.Settings;
import jakarta.jms.JMSException;
import jakarta.jms.XAConnection;
import jakarta.jms.XAConnectionFactory;
import jakarta.jms.XAJMSContext;
import jakarta.jms.XAQueueConnection;
import jakarta.jms.XAQueueConnectionFactory;
import jakarta.jms.XATopicConnection;
import jakarta.jms.XATopicConnectionFactory;
import java.time.Clock;

/**
 * A connection factory for distributed (XA) transactions: its XAConnections make XASessions, and its
 * XAJMSContexts offer an XAResource, for a transaction manager to enlist. Everything else (URL,
 * options, users, plain connections and contexts) is {@link PubConnectionFactory}'s.
 *
 * <p>A branch's work becomes durable in the store at prepare, as a prepared-transaction record that
 * any JVM on the same store can commit, roll back or list with {@code XAResource.recover}; the leases
 * of the messages it received are held until then and never lapse while it is prepared. Pub makes no
 * heuristic decisions: a prepared branch waits for the transaction manager for ever. See the README's
 * XA section.
 */
public class PubXAConnectionFactory extends PubConnectionFactory
        implements XAConnectionFactory, XAQueueConnectionFactory, XATopicConnectionFactory {
    private static final long serialVersionUID = 1L;

    /** The configured store: PUB_STORE_URL, COUCHBASE_CONNECTION_STRING, else embedded:./pub-data. */
    public PubXAConnectionFactory() {
        super();
    }

    public PubXAConnectionFactory(String url) {
        super(url);
    }

    /** With explicit settings and clock (tests inject a clock they advance and short leases). */
    public PubXAConnectionFactory(String url, Settings settings, Clock clock) {
        super(url, settings, clock);
    }

    @Override
    public XAConnection createXAConnection() throws JMSException {
        return createXAConnection(null, null);
    }

    @Override
    public XAConnection createXAConnection(String userName, String password) throws JMSException {
        return new PubXAConnection(open(userName, password));
    }

    @Override
    public XAQueueConnection createXAQueueConnection() throws JMSException {
        return createXAQueueConnection(null, null);
    }

    @Override
    public XAQueueConnection createXAQueueConnection(String userName, String password) throws JMSException {
        return new PubXAConnection(open(userName, password));
    }

    @Override
    public XATopicConnection createXATopicConnection() throws JMSException {
        return createXATopicConnection(null, null);
    }

    @Override
    public XATopicConnection createXATopicConnection(String userName, String password) throws JMSException {
        return new PubXAConnection(open(userName, password));
    }

    @Override
    public XAJMSContext createXAContext() {
        return createXAContext(null, null);
    }

    @Override
    public XAJMSContext createXAContext(String userName, String password) {
        PubConnection connection;
        try {
            connection = open(userName, password);
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
        try {
            return new PubXAJMSContext(connection);
        } catch (JMSException | RuntimeException e) {
            try {
                connection.close();
            } catch (JMSException ignored) {
                // the context failed to open; its error is the one that matters
            }
            throw e instanceof JMSException j ? JmsExceptions.toRuntime(j) : (RuntimeException) e;
        }
    }

    @Override
    public String toString() {
        return "PubXAConnectionFactory[" + getUrl() + "]";
    }
}
