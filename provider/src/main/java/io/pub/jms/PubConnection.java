package io.pub.jms;

import io.pub.Heartbeat;
import io.pub.Pub;
import io.pub.Settings;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionConsumer;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueSession;
import jakarta.jms.ServerSessionPool;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicSession;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A JMS connection: a hold on the shared engine of its store, a heartbeat that owns its temporary
 * destinations and non-durable subscriptions (so a dead JVM's leftovers are reaped), its client ID
 * claim and the claims of its active consumers, renewed together while it lives (on the engine's
 * liveness thread, which never waits behind housekeeping).
 *
 * <p>A lapsed heartbeat: if a renewal finds that the heartbeat's claim expired before it was renewed
 * (this JVM paused, or the store or the renewal was too slow), is gone or another owner's, or that
 * another connection took one of its claims (client ID, durable consumer slot), then another JVM may
 * meanwhile have reaped what this connection owned. The connection tells its ExceptionListener (a
 * JMSException with error code {@value #HEARTBEAT_LAPSED}, naming what was lost) and then checks: if
 * nothing was lost (its temporary destinations and its consumers' non-durable subscriptions all
 * exist, and it holds all its claims again), it goes on; otherwise it closes itself, on a thread of
 * its own, since what it lost cannot be given back and carrying on would lose messages silently:
 * later calls fail with IllegalStateException saying why, and the application (or its pool, which
 * the ExceptionListener call prompts) opens a new connection.
 */
public final class PubConnection implements Connection, QueueConnection, TopicConnection, TemporaryDestinationOwner {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PubConnection.class);
    private final String id = "conn-" + UUID.randomUUID();
    private final ProviderOptions options;
    private final SharedStores.Ref store;
    private final Pub pub;
    /** Error code of the JMSException that tells the ExceptionListener that the heartbeat lapsed. */
    public static final String HEARTBEAT_LAPSED = "PUB-HEARTBEAT-LAPSED";

    /** Renewed with its claims on the liveness thread. */
    private final Heartbeat heartbeat;

    private final List<PubSession> sessions = new CopyOnWriteArrayList<>();
    private final Set<String> temporaries = ConcurrentHashMap.newKeySet();
    private final Object lifecycle = new Object();

    private volatile String clientId;
    private final boolean clientIdFixed;
    private volatile boolean used;
    private volatile boolean started;
    private volatile boolean closing;
    private volatile boolean closed;
    /** Why the connection closed itself, for the message of later calls; null if it did not. */
    private volatile String closedBecause;

    private volatile ExceptionListener exceptionListener;

    PubConnection(ProviderOptions options, Settings settings, Clock clock) throws JMSException {
        this.options = options;
        try {
            this.store = SharedStores.acquire(options.storeUrl(), settings, clock);
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e);
        }
        this.pub = store.pub();
        try {
            this.heartbeat = pub.heartbeat("hb:" + id, options.heartbeatTtl(), this::lapsed);
        } catch (RuntimeException e) {
            store.close();
            throw JmsExceptions.toJms(e);
        }
        try {
            if (options.clientId() != null) {
                claimClientId(options.clientId());
            }
        } catch (JMSException | RuntimeException e) {
            try {
                heartbeat.close();
            } catch (RuntimeException ignored) {
                // the claim lapses by itself; the client ID's failure is the one to report
            }
            store.close();
            throw e instanceof JMSException j ? j : JmsExceptions.toJms(e);
        }
        this.clientId = options.clientId();
        this.clientIdFixed = options.clientId() != null;
    }

    // ---- what sessions use

    String id() {
        return id;
    }

    Pub pub() {
        return pub;
    }

    /** Renews the claims of this connection's consumers and owns its temporary destinations. */
    Heartbeat heartbeat() {
        return heartbeat;
    }

    ProviderOptions options() {
        return options;
    }

    String heartbeatKey() {
        return heartbeat.key();
    }

    boolean isStarted() {
        return started && !closed;
    }

    boolean isClosed() {
        return closed;
    }

    /** Takes a claim for the life of the connection (or until released); false if another holds it. */
    boolean holdClaim(String key, String owner) {
        return heartbeat.hold(key, owner);
    }

    /**
     * Liveness thread: a renewal found the heartbeat lapsed or a claim lost. Tells the
     * ExceptionListener, and closes the connection if anything it owned is gone (see the class comment).
     */
    private void lapsed(Heartbeat.Lapse lapse) {
        if (closed || closing) {
            return;
        }
        List<String> lost = new ArrayList<>();
        for (String claim : lapse.lostClaims()) {
            lost.add("claim " + claim + " (taken by another connection)");
        }
        if (!lapse.retaken()) {
            lost.add("its heartbeat claim " + lapse.key() + " (taken by another owner)");
        }
        try {
            lost.addAll(missingResources());
        } catch (RuntimeException e) {
            lost.add("what it owns could not be checked (" + e + ")");
        }
        String what = lapse.heartbeatLapsed()
                ? "the heartbeat of connection " + id + " lapsed: " + lapse.reason() + " (heartbeat "
                        + Settings.format(options.heartbeatTtl()) + "; the JVM paused, or the store or"
                        + " the renewal was too slow), so other JVMs may have reaped what it owned"
                : "connection " + id + " lost claims it held";
        String outcome = lost.isEmpty()
                ? "; nothing it owned was removed and its claims are renewed again, so it goes on"
                : "; lost: " + String.join(", ", lost) + ". The connection is closed: open a new one";
        JMSException e = new JMSException(what + outcome, HEARTBEAT_LAPSED);
        LOG.warn("{}", e.getMessage());
        report(e);
        if (!lost.isEmpty()) {
            closeBecause(e.getMessage());
        }
    }

    /** Temporary destinations and non-durable subscriptions of this connection that are gone. */
    private List<String> missingResources() {
        List<String> missing = new ArrayList<>();
        for (String name : temporaries) {
            if (!pub.subscriptions().topicExists(name)) {
                missing.add("temporary destination " + name);
            }
        }
        for (PubSession s : sessions) {
            missing.addAll(s.missingTransientSubscriptions());
        }
        return missing;
    }

    /**
     * Closes the connection on a thread of its own: close waits for listeners and async sends, which
     * the liveness thread that found the lapse must not do.
     */
    private void closeBecause(String reason) {
        closedBecause = reason;
        Thread t = new Thread(
                () -> {
                    try {
                        close();
                    } catch (JMSException | RuntimeException e) {
                        LOG.warn("closing connection {} after its heartbeat lapsed failed: {}", id, e.toString());
                    }
                },
                "pub-connection-close");
        t.setDaemon(true);
        t.start();
    }

    /** Reports a failure of background work to the ExceptionListener, if any. */
    void failed(Throwable t) {
        report(JmsExceptions.ofBackground(t));
    }

    /** Hands {@code e} to the ExceptionListener; logs it when there is none (or the connection closed). */
    void report(JMSException e) {
        ExceptionListener l = exceptionListener;
        if (l == null || closed) {
            LOG.warn("connection {}: {}", id, e.toString());
            return;
        }
        try {
            l.onException(e);
        } catch (Throwable t) {
            LOG.warn("ExceptionListener of connection {} failed: {}", id, t.toString());
        }
    }

    /** Makes sure the queue exists (its topic and its one subscription). */
    void ensureQueue(String name) throws JMSException {
        if (store.entry().knownQueues.contains(name)) {
            return;
        }
        try {
            pub.createQueue(name);
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e, JmsExceptions.Context.DESTINATION);
        }
        store.entry().knownQueues.add(name);
    }

    void ensureTopic(String name) throws JMSException {
        if (store.entry().knownTopics.contains(name)) {
            return;
        }
        try {
            pub.createTopic(name);
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e, JmsExceptions.Context.DESTINATION);
        }
        store.entry().knownTopics.add(name);
    }

    /** Makes sure {@code d} can be sent to or consumed from: creates permanent ones, checks temporary ones. */
    void ensure(PubDestination d) throws JMSException {
        if (d.isTemporary()) {
            if (!pub.subscriptions().topicExists(d.name())) {
                throw new InvalidDestinationException("temporary destination " + d + " was deleted");
            }
        } else if (d.isTopic()) {
            ensureTopic(d.name());
        } else {
            ensureQueue(d.name());
        }
    }

    boolean ownsTemporary(PubDestination d) {
        return temporaries.contains(d.name());
    }

    /** The client ID subscriptions are keyed by, or null; the first use fixes it. */
    String clientIdForUse() {
        used = true;
        return clientId;
    }

    /** Calls the specification forbids from a MessageListener or CompletionListener of this connection. */
    void checkNotOnListenerThread(String what) throws IllegalStateException {
        for (PubSession s : sessions) {
            if (s.isDeliveryThread()) {
                throw new IllegalStateException(what + " must not be called from a MessageListener or "
                        + "CompletionListener of this connection");
            }
        }
    }

    /**
     * Stop waits for running MessageListeners, so one of this connection's own cannot call it. A
     * CompletionListener may (section 7.3.8 forbids it only close, commit and rollback).
     */
    private void checkNotInMessageListener(String what) throws IllegalStateException {
        for (PubSession s : sessions) {
            if (s.isInMessageListener()) {
                throw new IllegalStateException(what + " must not be called from a MessageListener of this connection");
            }
        }
    }

    void checkOpen() throws IllegalStateException {
        if (closed || closedBecause != null) {
            String why = closedBecause;
            throw new IllegalStateException("the connection is closed" + (why == null ? "" : " (" + why + ")"));
        }
    }

    boolean hasOpenConsumer(String subscriptionId) {
        for (PubSession s : sessions) {
            if (s.hasOpenConsumer(subscriptionId)) {
                return true;
            }
        }
        return false;
    }

    void sessionClosed(PubSession s) {
        sessions.remove(s);
    }

    // ---- Connection

    @Override
    public Session createSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return newSession(checkedMode(transacted, acknowledgeMode), PubSession.Domain.ANY);
    }

    private static int checkedMode(boolean transacted, int acknowledgeMode) throws JMSException {
        int mode = transacted ? Session.SESSION_TRANSACTED : acknowledgeMode;
        if (!transacted && !PubSession.validMode(acknowledgeMode)
                || acknowledgeMode == Session.SESSION_TRANSACTED && !transacted) {
            throw new JMSException("acknowledgeMode must be Session.AUTO_ACKNOWLEDGE (1), CLIENT_ACKNOWLEDGE (2) or "
                    + "DUPS_OK_ACKNOWLEDGE (3) for a session that is not transacted, was " + acknowledgeMode);
        }
        return mode;
    }

    @Override
    public Session createSession(int sessionMode) throws JMSException {
        if (!PubSession.validMode(sessionMode)) {
            throw new JMSException("sessionMode must be Session.AUTO_ACKNOWLEDGE (1), CLIENT_ACKNOWLEDGE (2), "
                    + "DUPS_OK_ACKNOWLEDGE (3) or SESSION_TRANSACTED (0), was " + sessionMode);
        }
        return newSession(sessionMode);
    }

    @Override
    public Session createSession() throws JMSException {
        return newSession(Session.AUTO_ACKNOWLEDGE);
    }

    PubSession newSession(int mode) throws JMSException {
        return newSession(mode, PubSession.Domain.ANY);
    }

    private PubSession newSession(int mode, PubSession.Domain domain) throws JMSException {
        synchronized (lifecycle) {
            checkOpen();
            if (closing) {
                throw new IllegalStateException("the connection is closing");
            }
            used = true;
            PubSession s = new PubSession(this, mode, domain);
            sessions.add(s);
            return s;
        }
    }

    /** The session of an XASession: transacted, its transactions run by an XAResource. */
    PubXASession newXaSession(PubSession.Domain domain) throws JMSException {
        return new PubXASession(newSession(Session.SESSION_TRANSACTED, domain));
    }

    @Override
    public QueueSession createQueueSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return newSession(checkedMode(transacted, acknowledgeMode), PubSession.Domain.QUEUE);
    }

    @Override
    public TopicSession createTopicSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return newSession(checkedMode(transacted, acknowledgeMode), PubSession.Domain.TOPIC);
    }

    @Override
    public String getClientID() throws JMSException {
        checkOpen();
        return clientId;
    }

    @Override
    public void setClientID(String newClientId) throws JMSException {
        synchronized (lifecycle) {
            checkOpen();
            if (clientIdFixed) {
                throw new IllegalStateException(
                        "the client ID was set by the connection factory ('" + clientId + "') and cannot be changed");
            }
            if (clientId != null) {
                throw new IllegalStateException("the client ID is already set to '" + clientId + "'");
            }
            if (used) {
                throw new IllegalStateException("setClientID must be called before any other action on the connection");
            }
            if (newClientId == null || newClientId.isBlank()) {
                throw new InvalidClientIDException("clientID must not be null or empty");
            }
            claimClientId(newClientId);
            clientId = newClientId;
            used = true;
        }
    }

    private void claimClientId(String cid) throws JMSException {
        try {
            if (!holdClaim(SubscriptionIds.clientIdClaim(cid), id)) {
                throw new InvalidClientIDException("client ID '" + cid + "' is in use by another connection");
            }
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e, JmsExceptions.Context.CLIENT_ID);
        }
    }

    @Override
    public ConnectionMetaData getMetaData() throws JMSException {
        checkOpen();
        return new PubConnectionMetaData();
    }

    @Override
    public ExceptionListener getExceptionListener() throws JMSException {
        checkOpen();
        return exceptionListener;
    }

    /**
     * Like the metadata and the listener's getter, this does not count as using the connection, so the
     * client ID can still be set afterwards: pools set their own ExceptionListener on every connection
     * they make before the application sees it (ActiveMQ, Artemis and Qpid JMS agree).
     */
    @Override
    public void setExceptionListener(ExceptionListener listener) throws JMSException {
        checkOpen();
        this.exceptionListener = listener;
    }

    @Override
    public void start() throws JMSException {
        synchronized (lifecycle) {
            checkOpen();
            used = true;
            started = true;
        }
        for (PubSession s : sessions) {
            s.wake();
        }
    }

    /**
     * Pauses delivery; returns once every running MessageListener has returned. Called from a
     * CompletionListener it does not wait for that listener's own thread (nor for other sessions'
     * CompletionListeners, which stop need not wait for: so two of them stopping at once cannot wait
     * for each other).
     */
    @Override
    public void stop() throws JMSException {
        checkOpen();
        checkNotInMessageListener("Connection.stop");
        synchronized (lifecycle) {
            used = true;
            started = false;
        }
        for (PubSession s : sessions) {
            s.awaitListenerIdle();
        }
    }

    @Override
    public void close() throws JMSException {
        if (closed || closing) {
            return;
        }
        checkNotOnListenerThread("Connection.close");
        synchronized (lifecycle) {
            if (closing) {
                return;
            }
            closing = true;
            started = false;
        }
        // Outside the lock: closing sessions waits for running listeners, which may still use this connection.
        JMSException first = null;
        for (PubSession s : new ArrayList<>(sessions)) {
            try {
                s.close();
            } catch (JMSException e) {
                first = first == null ? e : first;
            }
        }
        closed = true;
        for (String name : new ArrayList<>(temporaries)) {
            try {
                pub.deleteTopic(name);
            } catch (RuntimeException e) {
                first = first == null ? JmsExceptions.toJms(e) : first; // reaped once the heartbeat lapses
            }
        }
        temporaries.clear();
        try {
            heartbeat.close(); // releases its claims too; what fails to go lapses by itself
        } catch (RuntimeException e) {
            first = first == null ? JmsExceptions.toJms(e) : first;
        }
        store.close();
        if (first != null) {
            throw first;
        }
    }

    // ---- temporary destinations

    PubDestination createTemporary(boolean topic) throws JMSException {
        checkOpen();
        String name = (topic ? "tmp-t-" : "tmp-q-") + UUID.randomUUID();
        try {
            pub.subscriptions().createTemporary(name, !topic, heartbeat);
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e);
        }
        temporaries.add(name);
        return topic ? new PubTemporaryTopic(name, this) : new PubTemporaryQueue(name, this);
    }

    @Override
    public void deleteTemporary(PubDestination destination) throws JMSException {
        checkOpen();
        if (!temporaries.contains(destination.name())) {
            throw new InvalidDestinationException(destination + " does not exist (already deleted)");
        }
        for (PubSession s : sessions) {
            if (s.hasConsumerOn(destination)) {
                throw new IllegalStateException(
                        "temporary destination " + destination + " still has an open consumer; close it first");
            }
        }
        try {
            pub.deleteTopic(destination.name());
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e);
        }
        temporaries.remove(destination.name());
    }

    // ---- connection consumers: an application-server facility Pub does not offer

    @Override
    public ConnectionConsumer createConnectionConsumer(
            Destination destination, String messageSelector, ServerSessionPool sessionPool, int maxMessages)
            throws JMSException {
        throw unsupportedConnectionConsumer();
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(
            Queue queue, String messageSelector, ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        throw unsupportedConnectionConsumer();
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(
            Topic topic, String messageSelector, ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        throw unsupportedConnectionConsumer();
    }

    @Override
    public ConnectionConsumer createSharedConnectionConsumer(
            Topic topic,
            String subscriptionName,
            String messageSelector,
            ServerSessionPool sessionPool,
            int maxMessages)
            throws JMSException {
        throw unsupportedConnectionConsumer();
    }

    @Override
    public ConnectionConsumer createDurableConnectionConsumer(
            Topic topic,
            String subscriptionName,
            String messageSelector,
            ServerSessionPool sessionPool,
            int maxMessages)
            throws JMSException {
        throw unsupportedConnectionConsumer();
    }

    @Override
    public ConnectionConsumer createSharedDurableConnectionConsumer(
            Topic topic,
            String subscriptionName,
            String messageSelector,
            ServerSessionPool sessionPool,
            int maxMessages)
            throws JMSException {
        throw unsupportedConnectionConsumer();
    }

    private JMSException unsupportedConnectionConsumer() throws JMSException {
        checkOpen();
        return new JMSException("connection consumers (ServerSessionPool, an optional application-server "
                + "facility) are not supported by Pub; use a MessageListener");
    }

    @Override
    public String toString() {
        return "PubConnection[" + id + (clientId == null ? "" : ", clientID=" + clientId) + "]";
    }
}
