package io.pub.ra;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;

/**
 * One physical Pub connection, pooled by the server. Its session handles ({@link RaSession}) work on
 * one of its physical sessions, chosen by the transaction context at the time of each call:
 *
 * <ul>
 *   <li>in a JTA transaction the server enlisted this connection in: between XA start and end its
 *       XASession, whose XAResource the server holds; between a local transaction's begin and
 *       commit/rollback, a transacted session the server commits;
 *   <li>otherwise a non-transacted session in the application's acknowledgement mode (a transacted
 *       session asked for outside a transaction is auto-acknowledged, as Jakarta Messaging recommends
 *       for the Jakarta EE containers).
 * </ul>
 *
 * A producer or consumer belongs to the session that was current when it was created.
 */
final class PubManagedConnection implements ManagedConnection {
    private static final Logger LOG = Logger.getLogger(PubManagedConnection.class.getName());

    private final PubManagedConnectionFactory factory;
    private final Credentials credentials;
    private final Connection connection;
    private final Set<RaSession> handles = new CopyOnWriteArraySet<>();
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final Map<Integer, Session> plain = new HashMap<>(); // guarded by lock
    private Session localTx; // guarded by lock
    private XASession xaSession; // guarded by lock
    private XAResource xaResource; // guarded by lock
    /** The kind of transaction this connection is enlisted in, or null. */
    private volatile TxKind tx;

    private volatile boolean broken;
    private volatile boolean destroyed;
    private PrintWriter logWriter;

    enum TxKind {
        LOCAL,
        XA
    }

    PubManagedConnection(PubManagedConnectionFactory factory, Credentials credentials, Connection connection)
            throws JMSException {
        this.factory = factory;
        this.credentials = credentials;
        this.connection = connection;
        try {
            connection.setExceptionListener(e -> failed(e));
            connection.start(); // handles cannot start or stop it: the platform forbids that
        } catch (JMSException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    PubManagedConnectionFactory factory() {
        return factory;
    }

    Credentials credentials() {
        return credentials;
    }

    boolean isUsable() {
        return !broken && !destroyed;
    }

    /** The physical session a handle's call works on now (see the class comment). */
    Session session(int acknowledgeMode) throws JMSException {
        if (destroyed) {
            throw new jakarta.jms.IllegalStateException("the pooled connection was destroyed");
        }
        TxKind kind = tx;
        synchronized (lock) {
            if (kind == TxKind.XA) {
                return xaSession;
            }
            if (kind == TxKind.LOCAL) {
                return localTransacted();
            }
            Session s = plain.get(acknowledgeMode);
            if (s == null) {
                s = connection.createSession(false, acknowledgeMode);
                plain.put(acknowledgeMode, s);
            }
            return s;
        }
    }

    boolean inTransaction() {
        return tx != null;
    }

    void enlisted(TxKind kind) {
        tx = kind;
    }

    void delisted() {
        tx = null;
    }

    /** The transacted session of local transactions. */
    Session localTransacted() throws JMSException {
        synchronized (lock) {
            if (localTx == null) {
                localTx = connection.createSession(true, Session.SESSION_TRANSACTED);
            }
            return localTx;
        }
    }

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        if (!isUsable()) {
            throw new jakarta.resource.spi.IllegalStateException("the pooled Pub connection is no longer usable");
        }
        int mode = info instanceof SessionRequest r ? r.acknowledgeMode() : Session.AUTO_ACKNOWLEDGE;
        RaSession handle = new RaSession(this, mode);
        handles.add(handle);
        return handle;
    }

    @Override
    public void associateConnection(Object handle) throws ResourceException {
        if (!(handle instanceof RaSession session)) {
            throw new jakarta.resource.spi.IllegalStateException("not a Pub session handle: " + handle);
        }
        session.associate(this);
    }

    void attach(RaSession handle) {
        handles.add(handle);
    }

    void detach(RaSession handle) {
        handles.remove(handle);
    }

    /** A handle was closed by the application: the server may take this connection back. */
    void closed(RaSession handle) {
        handles.remove(handle);
        fire(new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED), handle);
    }

    private void failed(Exception e) {
        broken = true;
        LOG.log(Level.WARNING, "a pooled Pub connection failed; the server discards it", e);
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_ERROR_OCCURRED, e);
        fire(event, null);
    }

    private void fire(ConnectionEvent event, Object handle) {
        if (handle != null) {
            event.setConnectionHandle(handle);
        }
        for (ConnectionEventListener l : listeners) {
            switch (event.getId()) {
                case ConnectionEvent.CONNECTION_CLOSED -> l.connectionClosed(event);
                case ConnectionEvent.CONNECTION_ERROR_OCCURRED -> l.connectionErrorOccurred(event);
                case ConnectionEvent.LOCAL_TRANSACTION_STARTED -> l.localTransactionStarted(event);
                case ConnectionEvent.LOCAL_TRANSACTION_COMMITTED -> l.localTransactionCommitted(event);
                case ConnectionEvent.LOCAL_TRANSACTION_ROLLEDBACK -> l.localTransactionRolledback(event);
                default -> {}
            }
        }
    }

    /** Back to the pool: every handle is invalidated, and what they left open is closed. */
    @Override
    public void cleanup() throws ResourceException {
        for (RaSession h : handles) {
            h.invalidate();
        }
        handles.clear();
        tx = null;
        synchronized (lock) {
            for (Session s : plain.values()) {
                try {
                    if (s.getAcknowledgeMode() == Session.CLIENT_ACKNOWLEDGE) {
                        s.recover(); // unacknowledged messages go back, as when a session closes
                    }
                } catch (JMSException e) {
                    broken = true;
                }
            }
        }
    }

    @Override
    public void destroy() throws ResourceException {
        destroyed = true;
        for (RaSession h : handles) {
            h.invalidate();
        }
        handles.clear();
        try {
            connection.close();
        } catch (JMSException e) {
            throw Errors.resource("closing a pooled Pub connection failed", e);
        }
    }

    @Override
    public XAResource getXAResource() throws ResourceException {
        synchronized (lock) {
            if (xaResource == null) {
                if (!(connection instanceof XAConnection xa)) {
                    throw new jakarta.resource.NotSupportedException(
                            "this Pub connection is not an XAConnection: XA transactions are not available");
                }
                try {
                    xaSession = xa.createXASession();
                } catch (JMSException e) {
                    throw Errors.resource("could not open the XA session of a pooled Pub connection", e);
                }
                xaResource = new EnlistingXAResource(this, xaSession.getXAResource());
                factory.joined("as XA resources (prepare is durable in the store)");
            }
            return xaResource;
        }
    }

    @Override
    public LocalTransaction getLocalTransaction() throws ResourceException {
        factory.joined("as local transactions");
        return new RaLocalTransaction(this);
    }

    void localEvent(int id) {
        fire(new ConnectionEvent(this, id), null);
    }

    @Override
    public ManagedConnectionMetaData getMetaData() throws ResourceException {
        return new ManagedConnectionMetaData() {
            @Override
            public String getEISProductName() {
                return "Pub";
            }

            @Override
            public String getEISProductVersion() {
                try {
                    return connection.getMetaData().getProviderVersion();
                } catch (JMSException e) {
                    return "unknown";
                }
            }

            @Override
            public int getMaxConnections() {
                return 0; // no limit
            }

            @Override
            public String getUserName() {
                return credentials.user();
            }
        };
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    String clientId() {
        try {
            return connection.getClientID();
        } catch (JMSException e) {
            return null;
        }
    }

    jakarta.jms.ConnectionMetaData metaData() throws JMSException {
        return connection.getMetaData();
    }

    static NotSupportedException notSupported(String what) {
        return new NotSupportedException(what);
    }
}
