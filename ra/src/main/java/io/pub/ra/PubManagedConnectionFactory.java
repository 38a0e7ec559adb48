package io.pub.ra;

import io.pub.jms.PubConnectionFactory;
import io.pub.jms.PubXAConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.XAConnectionFactory;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import jakarta.resource.spi.ValidatingManagedConnectionFactory;
import jakarta.resource.spi.security.PasswordCredential;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.Subject;

/**
 * The outbound connection definition: what an application's {@code @Resource ConnectionFactory}
 * stands for. Its config-properties name the store ({@code ConnectionUrl}, a factory URL with Pub's
 * options, as for {@link PubConnectionFactory}; unset: PUB_STORE_URL, else the embedded default), the
 * default credentials and client ID, and the common provider options.
 *
 * <p>Each managed connection is one physical Pub XAConnection; the server pools them and enlists them
 * in its transactions, as XA resources (Pub's XAResource, whose prepare is durable in the store) or
 * local transactions.
 */
public class PubManagedConnectionFactory
        implements ManagedConnectionFactory, ResourceAdapterAssociation, ValidatingManagedConnectionFactory {
    private static final long serialVersionUID = 1L;

    private static final String PROPERTIES = "the Pub connection definition's properties (ConnectionUrl, ClientId,"
            + " MaxDeliveries, DeadLetterQueue, RedeliveryDelay, LeaseDuration): ";

    private String connectionUrl;
    private String userName;
    private String password;
    private String clientId;
    private Integer maxDeliveries;
    private String deadLetterQueue;
    private String redeliveryDelay;
    private String leaseDuration;
    private transient ResourceAdapter resourceAdapter;
    private transient PrintWriter logWriter;
    private transient volatile ConnectionFactory physical;
    /** Which ways into JTA this definition's connections took; logged once each. */
    private final transient java.util.Set<String> joined = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public Object createConnectionFactory(ConnectionManager manager) throws ResourceException {
        return new PubRaConnectionFactory(this, manager);
    }

    /** Outside a server: connections without pooling, as JCA asks of every adapter. */
    @Override
    public Object createConnectionFactory() throws ResourceException {
        return new PubRaConnectionFactory(this, new UnpooledConnectionManager());
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info)
            throws ResourceException {
        Credentials credentials = credentials(subject, info);
        try {
            return new PubManagedConnection(this, credentials, open(credentials));
        } catch (JMSException e) {
            throw Errors.resource("could not connect to the Pub store " + describeUrl(), e);
        }
    }

    /** A physical connection: an XAConnection where the provider has one. */
    private Connection open(Credentials credentials) throws JMSException {
        ConnectionFactory factory = physical();
        Connection connection = factory instanceof XAConnectionFactory xa
                ? xa.createXAConnection(credentials.user(), credentials.password())
                : factory.createConnection(credentials.user(), credentials.password());
        return connection;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ManagedConnection matchManagedConnections(Set candidates, Subject subject, ConnectionRequestInfo info)
            throws ResourceException {
        Credentials wanted = credentials(subject, info);
        for (Object candidate : candidates) {
            if (candidate instanceof PubManagedConnection mc
                    && mc.factory() == this
                    && mc.credentials().equals(wanted)
                    && mc.isUsable()) {
                return mc;
            }
        }
        return null;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Set getInvalidConnections(Set connections) throws ResourceException {
        Set invalid = new HashSet<>();
        for (Object c : connections) {
            if (c instanceof PubManagedConnection mc && !mc.isUsable()) {
                invalid.add(mc);
            }
        }
        return invalid;
    }

    /** Container-managed sign-on (a Subject) wins over the application's credentials, then the defaults. */
    private Credentials credentials(Subject subject, ConnectionRequestInfo info) {
        if (subject != null) {
            for (PasswordCredential pc : subject.getPrivateCredentials(PasswordCredential.class)) {
                if (this.equals(pc.getManagedConnectionFactory())) {
                    return new Credentials(pc.getUserName(), new String(pc.getPassword()));
                }
            }
        }
        if (info instanceof Credentials given && given.user() != null) {
            return given;
        }
        return new Credentials(userName, password);
    }

    /** The provider's factory, made once from the config-properties. */
    ConnectionFactory physical() throws JMSException {
        ConnectionFactory f = physical;
        if (f == null) {
            synchronized (this) {
                if (physical == null) {
                    try {
                        physical = build();
                    } catch (IllegalArgumentException e) {
                        JMSException j = new JMSException(PROPERTIES + e.getMessage());
                        j.initCause(e);
                        throw j;
                    }
                }
                f = physical;
            }
        }
        return f;
    }

    /** An XA factory: its connections serve local and XA transactions alike. */
    private PubConnectionFactory build() {
        PubConnectionFactory f = connectionUrl == null || connectionUrl.isBlank()
                ? new PubXAConnectionFactory()
                : new PubXAConnectionFactory(connectionUrl.trim());
        if (clientId != null && !clientId.isBlank()) {
            f.setClientID(clientId.trim());
        }
        if (maxDeliveries != null) {
            f.setMaxDeliveries(maxDeliveries);
        }
        if (deadLetterQueue != null && !deadLetterQueue.isBlank()) {
            f.setDeadLetterQueue(deadLetterQueue.trim());
        }
        if (redeliveryDelay != null && !redeliveryDelay.isBlank()) {
            f.setRedeliveryDelay(redeliveryDelay.trim());
        }
        if (leaseDuration != null && !leaseDuration.isBlank()) {
            f.setLeaseDuration(leaseDuration.trim());
        }
        return f;
    }

    /** Checks the config-properties now, so a bad one fails the pool's creation, naming the property. */
    void validate() throws InvalidPropertyException {
        try {
            build();
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException(PROPERTIES + e.getMessage());
        }
    }

    /** Logs, once per definition, how its connections join transactions (XA, emulated XA, local). */
    void joined(String how) {
        if (joined.add(how)) {
            java.util.logging.Logger.getLogger(PubManagedConnectionFactory.class.getName())
                    .info(() -> "Pub connections of " + this + " join JTA transactions " + how);
        }
    }

    @Override
    public String toString() {
        return "PubManagedConnectionFactory[" + describeUrl() + (clientId == null ? "" : ", clientId " + clientId)
                + "]";
    }

    String clientId() {
        return clientId;
    }

    private String describeUrl() {
        return connectionUrl == null ? "(PUB_STORE_URL or the default)" : io.pub.Stores.redact(connectionUrl);
    }

    // ---- config-properties (JavaBean setters the server calls) --------------------------------

    public String getConnectionUrl() {
        return connectionUrl;
    }

    public void setConnectionUrl(String connectionUrl) {
        this.connectionUrl = connectionUrl;
        this.physical = null;
    }

    /** The name {@code @JMSConnectionFactoryDefinition(properties = "url=...")} reads most naturally. */
    public void setUrl(String url) {
        setConnectionUrl(url);
    }

    public String getUrl() {
        return connectionUrl;
    }

    public String getUserName() {
        return userName;
    }

    public void setUserName(String userName) {
        this.userName = userName;
    }

    /** {@code @JMSConnectionFactoryDefinition(user = ...)} arrives under this name in some servers. */
    public void setUser(String user) {
        this.userName = user;
    }

    public String getUser() {
        return userName;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
        this.physical = null;
    }

    public Integer getMaxDeliveries() {
        return maxDeliveries;
    }

    public void setMaxDeliveries(Integer maxDeliveries) {
        this.maxDeliveries = maxDeliveries;
        this.physical = null;
    }

    public String getDeadLetterQueue() {
        return deadLetterQueue;
    }

    public void setDeadLetterQueue(String deadLetterQueue) {
        this.deadLetterQueue = deadLetterQueue;
        this.physical = null;
    }

    public String getRedeliveryDelay() {
        return redeliveryDelay;
    }

    public void setRedeliveryDelay(String redeliveryDelay) {
        this.redeliveryDelay = redeliveryDelay;
        this.physical = null;
    }

    public String getLeaseDuration() {
        return leaseDuration;
    }

    public void setLeaseDuration(String leaseDuration) {
        this.leaseDuration = leaseDuration;
        this.physical = null;
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        this.resourceAdapter = ra;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    /** JCA asks for equality by configuration: the server keeps one pool per distinct definition. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PubManagedConnectionFactory f
                && Objects.equals(connectionUrl, f.connectionUrl)
                && Objects.equals(userName, f.userName)
                && Objects.equals(password, f.password)
                && Objects.equals(clientId, f.clientId)
                && Objects.equals(maxDeliveries, f.maxDeliveries)
                && Objects.equals(deadLetterQueue, f.deadLetterQueue)
                && Objects.equals(redeliveryDelay, f.redeliveryDelay)
                && Objects.equals(leaseDuration, f.leaseDuration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connectionUrl, userName, clientId, maxDeliveries, deadLetterQueue);
    }
}
