package io.pub.ra;

import io.pub.jms.PubJMSContext;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.SecurityException;
import java.io.Serializable;
import javax.naming.Reference;

/**
 * The connection factory an application looks up or injects ({@code @Resource}): connections whose
 * sessions come from the server's pool, enlisted in the caller's JTA transaction. JMSContexts are
 * Pub's own context over such a connection.
 */
public final class PubRaConnectionFactory
        implements ConnectionFactory,
                QueueConnectionFactory,
                TopicConnectionFactory,
                Serializable,
                jakarta.resource.Referenceable {
    private static final long serialVersionUID = 1L;

    private final PubManagedConnectionFactory mcf;
    private final ConnectionManager manager;
    private Reference reference;

    PubRaConnectionFactory(PubManagedConnectionFactory mcf, ConnectionManager manager) {
        this.mcf = mcf;
        this.manager = manager;
    }

    PubManagedConnectionFactory managedFactory() {
        return mcf;
    }

    RaSession allocate(Credentials credentials, int mode) throws JMSException {
        try {
            return (RaSession) manager.allocateConnection(mcf, new SessionRequest(credentials, mode));
        } catch (SecurityException e) {
            throw (JMSException) new jakarta.jms.JMSSecurityException(e.getMessage()).initCause(e);
        } catch (ResourceException e) {
            if (e.getCause() instanceof JMSException j) {
                throw j;
            }
            throw Errors.jms("could not get a pooled Pub connection", e);
        }
    }

    @Override
    public Connection createConnection() throws JMSException {
        return new RaConnection(this, new Credentials(null, null));
    }

    @Override
    public Connection createConnection(String userName, String password) throws JMSException {
        return new RaConnection(this, new Credentials(userName, password));
    }

    @Override
    public QueueConnection createQueueConnection() throws JMSException {
        return new RaConnection(this, new Credentials(null, null));
    }

    @Override
    public QueueConnection createQueueConnection(String userName, String password) throws JMSException {
        return new RaConnection(this, new Credentials(userName, password));
    }

    @Override
    public TopicConnection createTopicConnection() throws JMSException {
        return new RaConnection(this, new Credentials(null, null));
    }

    @Override
    public TopicConnection createTopicConnection(String userName, String password) throws JMSException {
        return new RaConnection(this, new Credentials(userName, password));
    }

    @Override
    public JMSContext createContext() {
        return createContext(null, null, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(String userName, String password) {
        return createContext(userName, password, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        return createContext(null, null, sessionMode);
    }

    @Override
    public JMSContext createContext(String userName, String password, int sessionMode) {
        RaConnection connection = new RaConnection(this, new Credentials(userName, password));
        return new PubJMSContext(connection, sessionMode);
    }

    static ConnectionMetaData metaData() {
        return new ConnectionMetaData() {
            @Override
            public String getJMSVersion() {
                return "3.1";
            }

            @Override
            public int getJMSMajorVersion() {
                return 3;
            }

            @Override
            public int getJMSMinorVersion() {
                return 1;
            }

            @Override
            public String getJMSProviderName() {
                return "Pub";
            }

            @Override
            public String getProviderVersion() {
                String v = PubRaConnectionFactory.class.getPackage().getImplementationVersion();
                return v == null ? "unknown" : v;
            }

            @Override
            public int getProviderMajorVersion() {
                return 0;
            }

            @Override
            public int getProviderMinorVersion() {
                return 1;
            }

            @Override
            public java.util.Enumeration<String> getJMSXPropertyNames() {
                return java.util.Collections.enumeration(
                        java.util.List.of("JMSXDeliveryCount", "JMSXGroupID", "JMSXGroupSeq"));
            }
        };
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }

    @Override
    public String toString() {
        return "PubRaConnectionFactory[" + (mcf.getConnectionUrl() == null ? "default store" : "configured") + "]";
    }
}
