package io.pub.ra;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.transaction.xa.XAResource;

/**
 * Pub's resource adapter (pub-ra.rar). Its config-property {@code ConnectionUrl} is the store (and
 * provider options) of the message-driven beans that name none; connection definitions have their
 * own. Deliveries run as Work on the server's WorkManager.
 */
public class PubResourceAdapter implements ResourceAdapter, Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(PubResourceAdapter.class.getName());

    private String connectionUrl;
    private String userName;
    private String password;
    private transient BootstrapContext context;
    private final transient Map<Key, Activation> activations = new ConcurrentHashMap<>();
    private final transient java.util.List<jakarta.jms.Connection> recoveryConnections =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** An activation is named by the pair the server passes to both activation and deactivation. */
    private record Key(MessageEndpointFactory factory, ActivationSpec spec) {}

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        this.context = context;
        LOG.info("Pub resource adapter started");
    }

    @Override
    public void stop() {
        for (Activation a : activations.values()) {
            a.stop();
        }
        activations.clear();
        for (jakarta.jms.Connection c : recoveryConnections) {
            try {
                c.close();
            } catch (jakarta.jms.JMSException e) {
                LOG.log(java.util.logging.Level.FINE, "closing a recovery connection failed", e);
            }
        }
        recoveryConnections.clear();
        LOG.info("Pub resource adapter stopped");
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        if (!(spec instanceof PubActivationSpec pubSpec)) {
            throw new NotSupportedException("not a Pub activation spec: " + spec);
        }
        if (context == null) {
            throw new jakarta.resource.spi.IllegalStateException("the Pub resource adapter is not started");
        }
        pubSpec.validate();
        Activation activation = new Activation(this, factory, pubSpec);
        activation.start();
        activations.put(new Key(factory, spec), activation);
    }

    /** Returns once the activation's in-flight deliveries have finished. */
    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        Activation activation = activations.remove(new Key(factory, spec));
        if (activation != null) {
            activation.stop();
        }
    }

    /**
     * For the transaction manager's recovery of message-driven beans' transactions: an XAResource on
     * the store of each distinct activation, whose {@code recover} lists the branches prepared there
     * (by any JVM). Their connections stay open until the adapter stops.
     */
    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) throws ResourceException {
        java.util.List<XAResource> resources = new java.util.ArrayList<>();
        java.util.Set<String> stores = new java.util.HashSet<>();
        for (ActivationSpec spec : specs) {
            if (!(spec instanceof PubActivationSpec pubSpec)) {
                continue;
            }
            String url =
                    !PubActivationSpec.blank(pubSpec.getConnectionUrl()) ? pubSpec.getConnectionUrl() : connectionUrl;
            if (!stores.add(String.valueOf(url))) {
                continue; // one resource per store: they are the same resource manager
            }
            try {
                jakarta.jms.XAConnection c = new Activation(this, null, pubSpec)
                        .connectionFactory()
                        .createXAConnection(
                                pubSpec.getUser() != null ? pubSpec.getUser() : userName,
                                pubSpec.getUser() != null ? pubSpec.getPassword() : password);
                recoveryConnections.add(c);
                resources.add(c.createXASession().getXAResource());
            } catch (jakarta.jms.JMSException e) {
                throw Errors.resource("could not open a Pub store for transaction recovery", e);
            }
        }
        return resources.toArray(new XAResource[0]);
    }

    BootstrapContext context() {
        return context;
    }

    String defaultUrl() {
        return connectionUrl;
    }

    String defaultUser() {
        return userName;
    }

    String defaultPassword() {
        return password;
    }

    public String getConnectionUrl() {
        return connectionUrl;
    }

    public void setConnectionUrl(String connectionUrl) {
        this.connectionUrl = connectionUrl;
    }

    public String getUserName() {
        return userName;
    }

    public void setUserName(String userName) {
        this.userName = userName;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    // JCA: equality of resource adapter beans is identity unless they say otherwise
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
