package io.pub.jms;

import io.pub.Heartbeat;
import io.pub.Pub;
import io.pub.spi.Controller;
import io.pub.spi.Settings;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
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
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A JMS connection: a hold on the shared engine of its store, a heartbeat that owns its temporary
 * destinations and non-durable subscriptions (so a dead JVM's leftovers are reaped), its client ID
 * claim and the claims of its active consumers, renewed together while it lives.
 */
public final class PubConnection implements Connection, QueueConnection, TopicConnection, TemporaryDestinationOwner {
    private final String id = "conn-" + UUID.randomUUID();
    private final ProviderOptions options;
    private final SharedStores.Ref store;
    private final Pub pub;
    private final Heartbeat heartbeat;
    /** Claims this connection holds (key -> owner), renewed with the heartbeat. */
    private final Map<String, String> claims = new ConcurrentHashMap<>();

    private final Set<String> sharedClaims = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> renewal;
    private final List<PubSession> sessions = new CopyOnWriteArrayList<>();
    private final Set<String> temporaries = ConcurrentHashMap.newKeySet();
    private final Object lifecycle = new Object();

    private volatile String clientId;
    private final boolean clientIdFixed;
    private volatile boolean used;
    private volatile boolean started;
    private volatile boolean closing;
    private volatile boolean closed;
    private volatile ExceptionListener exceptionListener;

    PubConnection(ProviderOptions options, Settings settings, Clock clock) throws JMSException {
        this.options = options;
        try {
            this.store = SharedStores.acquire(options.storeUrl(), settings, clock);
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e);
        }
        this.pub = store.pub();
        Heartbeat hb = null;
        try {
            hb = pub.heartbeat("hb:" + id, options.heartbeatTtl());
            if (options.clientId() != null) {
                claimClientId(options.clientId());
            }
        } catch (JMSException | RuntimeException e) {
            if (hb != null) {
                hb.close();
            }
            store.close();
            throw e instanceof JMSException j ? j : JmsExceptions.toJms(e);
        }
        this.heartbeat = hb;
        this.clientId = options.clientId();
        this.clientIdFixed = options.clientId() != null;
        long period = Math.max(1, options.heartbeatTtl().toMillis() / 3);
        this.renewal = pub.scheduler().scheduleWithFixedDelay(this::renewClaims, period, period, TimeUnit.MILLISECONDS);
    }

    // ---- what sessions use

    String id() {
        return id;
    }

    Pub pub() {
        return pub;
    }

    Controller controller() {
        return pub.controller();
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
        long now = pub.clock().millis();
        if (controller()
                .claim(key, owner, now + options.heartbeatTtl().toMillis(), now)
                .isEmpty()) {
            return false;
        }
        claims.put(key, owner);
        return true;
    }

    /**
     * Renews a claim that every user holds as the same owner (the key itself), such as the liveness of
     * a shared subscription. Never released on close: another JVM may still be renewing it, and
     * releasing it would let housekeeping reap what that JVM uses. It lapses by itself.
     */
    void holdSharedClaim(String key) {
        long now = pub.clock().millis();
        controller().claim(key, key, now + options.heartbeatTtl().toMillis(), now);
        sharedClaims.add(key);
    }

    void releaseClaim(String key, String owner) {
        claims.remove(key, owner);
        controller().releaseClaim(key, owner);
    }

    /** True if the claim {@code key} is held live by anyone. */
    boolean claimLive(String key) {
        return controller()
                .readClaim(key)
                .map(c -> c.isLive(pub.clock().millis()))
                .orElse(false);
    }

    private void renewClaims() {
        if (closed) {
            return;
        }
        long now = pub.clock().millis();
        long until = now + options.heartbeatTtl().toMillis();
        for (Map.Entry<String, String> c : claims.entrySet()) {
            try {
                if (controller().claim(c.getKey(), c.getValue(), until, now).isEmpty()) {
                    claims.remove(c.getKey(), c.getValue());
                    failed(new IllegalStateException("claim " + c.getKey() + " was lost to another owner"
                            + " (this connection did not renew it in time)"));
                }
            } catch (RuntimeException e) {
                failed(e);
            }
        }
        for (String key : sharedClaims) {
            try {
                controller().claim(key, key, until, now);
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    /** Reports a failure of background work to the ExceptionListener, if any. */
    void failed(Throwable t) {
        ExceptionListener l = exceptionListener;
        if (l == null || closed) {
            org.slf4j.LoggerFactory.getLogger(PubConnection.class).warn("connection {}: {}", id, t.toString());
            return;
        }
        try {
            l.onException(JmsExceptions.toJms(t));
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(PubConnection.class)
                    .warn("ExceptionListener of connection {} failed: {}", id, e.toString());
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
            if (controller().topic(d.name()).isEmpty()) {
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
        if (closed) {
            throw new IllegalStateException("the connection is closed");
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
        renewal.cancel(false);
        for (String name : new ArrayList<>(temporaries)) {
            try {
                controller().deleteTopic(name);
            } catch (RuntimeException e) {
                first = first == null ? JmsExceptions.toJms(e) : first; // reaped once the heartbeat lapses
            }
        }
        temporaries.clear();
        for (Map.Entry<String, String> c : new ArrayList<>(claims.entrySet())) {
            try {
                controller().releaseClaim(c.getKey(), c.getValue());
            } catch (RuntimeException e) {
                first = first == null ? JmsExceptions.toJms(e) : first; // lapses by itself
            }
        }
        claims.clear();
        try {
            heartbeat.close();
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
            controller().createTopic(new TopicInfo(name, 1, true, heartbeat.key()));
            if (!topic) {
                controller()
                        .createSubscription(
                                new Subscription(
                                        name,
                                        Pub.QUEUE_SUBSCRIPTION,
                                        Subscription.Kind.QUEUE,
                                        null,
                                        false,
                                        null,
                                        pub.clock().millis()),
                                false);
            }
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
            controller().deleteTopic(destination.name());
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
