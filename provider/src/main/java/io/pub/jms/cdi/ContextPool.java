package io.pub.jms.cdi;

import io.pub.jms.PubConnectionFactory;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection factories and connections behind injected JMSContexts. Injected contexts with the
 * same factory and credentials share one connection (a context per session is cheap, a connection
 * is not); the connection closes at container shutdown, after every context on it.
 */
final class ContextPool {
    private static final Logger LOG = LoggerFactory.getLogger(ContextPool.class);

    /** Connections this pool holds open, in every container of the JVM (tests check for leaks). */
    static final AtomicInteger OPEN_CONNECTIONS = new AtomicInteger();
    /** Injected contexts open, in every container of the JVM. */
    static final AtomicInteger OPEN_CONTEXTS = new AtomicInteger();

    private final CdiConfig config;
    private final Map<String, ConnectionFactory> factories = new ConcurrentHashMap<>();
    private final Map<ContextKey, JMSContext> connections = new HashMap<>(); // guarded by this
    /** Factories and credentials already checked, so many injection points cost one check. */
    private final Map<ContextKey, Boolean> checked = new ConcurrentHashMap<>();

    private boolean shutDown; // guarded by this

    ContextPool(CdiConfig config) {
        this.config = config;
    }

    CdiConfig config() {
        return config;
    }

    /** The named factory; an IllegalArgumentException naming the setting when it is missing or bad. */
    ConnectionFactory factory(String name) {
        return factories.computeIfAbsent(name, n -> {
            String url = config.factoryUrl(n);
            PubConnectionFactory f;
            try {
                f = new PubConnectionFactory(url);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "connection factory '" + n + "' has a bad URL (pub.connectionFactory." + n + ".url): "
                                + e.getMessage(),
                        e);
            }
            config.factoryClientId(n).ifPresent(f::setClientID);
            return f;
        });
    }

    /**
     * Opens and closes a connection of the named factory with these credentials, so that an unknown
     * scheme, an unreachable store or wrong credentials fail at container start rather than at first use.
     */
    void check(String factoryName, String userName, String password) {
        ContextKey key = new ContextKey(factoryName, userName, password, JMSContext.AUTO_ACKNOWLEDGE);
        if (checked.containsKey(key)) {
            return;
        }
        ConnectionFactory f = factory(factoryName);
        try {
            f.createConnection(userName, password).close();
        } catch (JMSException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "connection factory '" + factoryName + "' cannot connect (pub.connectionFactory." + factoryName
                            + ".url): " + e.getMessage(),
                    e);
        }
        checked.put(key, true);
    }

    /** A new context for {@code key}, on the shared connection of its factory and credentials. */
    synchronized JMSContext open(ContextKey key) {
        if (shutDown) {
            throw new IllegalStateRuntimeException("the CDI container is shutting down; no JMSContext for " + key);
        }
        ContextKey connectionKey = key.connectionKey();
        JMSContext root = connections.get(connectionKey);
        if (root == null) {
            // The factory turns connection failures into their runtime twins (JMSSecurityRuntimeException...).
            root = factory(key.factory()).createContext(key.userName(), key.password(), JMSContext.AUTO_ACKNOWLEDGE);
            connections.put(connectionKey, root);
            OPEN_CONNECTIONS.incrementAndGet();
        }
        JMSContext context = root.createContext(key.sessionMode());
        OPEN_CONTEXTS.incrementAndGet();
        return context;
    }

    /** Closes a context {@link #open} returned; call once per context. */
    void close(JMSContext context) {
        try {
            context.close();
        } catch (RuntimeException e) {
            LOG.warn("closing an injected JMSContext failed", e);
        } finally {
            OPEN_CONTEXTS.decrementAndGet();
        }
    }

    /** Closes the shared connections: each really closes when its last context has closed. */
    void shutDown() {
        List<JMSContext> roots;
        synchronized (this) {
            shutDown = true;
            roots = new ArrayList<>(connections.values());
            connections.clear();
        }
        for (JMSContext root : roots) {
            try {
                root.close();
            } catch (RuntimeException e) {
                LOG.warn("closing a JMS connection at container shutdown failed", e);
            } finally {
                OPEN_CONNECTIONS.decrementAndGet();
            }
        }
    }
}
