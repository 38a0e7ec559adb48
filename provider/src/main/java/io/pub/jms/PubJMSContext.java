package io.pub.jms;

import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.io.Serializable;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simplified API: one Connection (shared with the contexts made by {@link #createContext(int)},
 * closed with the last of them) and one Session, created on first use so that {@link #setClientID}
 * can still be called right after the context was made.
 *
 * <p>Everything goes through the standard Connection/Session/MessageProducer/MessageConsumer
 * interfaces, so the context works over any provider's Connection. Checked JMSExceptions become
 * their runtime twins through {@link JmsExceptions#toRuntime}.
 *
 * <p>Over Pub's own connection the session runs in the context's mode, so acknowledgement is the
 * session's ({@link AckStrategy}), the same code as in the classic API: a MessageListener that throws
 * in AUTO_ACKNOWLEDGE or DUPS_OK_ACKNOWLEDGE gets its message back at once, flagged as redelivered,
 * and what the consumer prefetched stays with it. {@link JMSConsumer#receiveBody} receives through
 * {@link PubSession#receiveKeepingReceipt}, so that a message whose body has the wrong type stays
 * unacknowledged and is handed out again, as the specification requires.
 *
 * <p>Over another Connection (the resource adapter's handles, another provider's connection) the
 * context cannot reach the session's acknowledgement: AUTO and DUPS_OK run on a CLIENT_ACKNOWLEDGE
 * session that the context acknowledges itself (AUTO after each delivery, DUPS_OK in batches), and a
 * failing listener's message comes back through {@link Session#recover}, with what was prefetched.
 */
public final class PubJMSContext implements JMSContext {
    private static final Logger LOG = LoggerFactory.getLogger(PubJMSContext.class);

    /** The context whose MessageListener runs on this thread, if any. */
    private static final ThreadLocal<PubJMSContext> IN_LISTENER = new ThreadLocal<>();
    /** The context whose CompletionListener runs on this thread, if any. */
    private static final ThreadLocal<PubJMSContext> IN_COMPLETION = new ThreadLocal<>();

    private final SharedConnection shared;
    private final int sessionMode;
    /** True when the session is a PubSession in this context's mode, which acknowledges by itself. */
    private final boolean sessionAcknowledges;
    /** Opens the context's session on first use: the connection's, or an XASession's (PubXAJMSContext). */
    private final SessionOpener opener;

    private final Object lock = new Object();
    private final Object sendLock = new Object();
    private Session session; // guarded by lock
    private MessageProducer producer; // guarded by sendLock
    private volatile boolean autoStart = true;
    private volatile boolean closed;
    /** The last message this context delivered: acknowledging it acknowledges the session's. */
    private volatile Message lastDelivered;
    /** DUPS_OK: deliveries by receive not acknowledged yet. */
    private int dupsOkPending; // guarded by lock

    /** DUPS_OK over another Connection acknowledges in batches of this many receives, like a PubSession. */
    static final int DUPS_OK_BATCH = DupsOkAcknowledge.BATCH;

    /**
     * A context that owns {@code connection}: it is closed when this context and every context made
     * from it by {@link #createContext(int)} are closed.
     *
     * @param sessionMode one of the JMSContext session modes
     */
    public PubJMSContext(jakarta.jms.Connection connection, int sessionMode) {
        Objects.requireNonNull(connection, "connection");
        if (!validMode(sessionMode)) {
            closeQuietly(connection);
            throw invalidMode(sessionMode);
        }
        this.shared = new SharedConnection(connection);
        this.sessionMode = sessionMode;
        this.sessionAcknowledges = connection instanceof PubConnection;
        this.opener = connection::createSession;
    }

    /** A context over a session {@code opener} gives (an XASession's, for PubXAJMSContext). */
    PubJMSContext(jakarta.jms.Connection connection, int sessionMode, SessionOpener opener) {
        this.shared = new SharedConnection(Objects.requireNonNull(connection, "connection"));
        this.sessionMode = sessionMode;
        this.sessionAcknowledges = true; // an XASession's PubSession
        this.opener = opener;
    }

    private PubJMSContext(SharedConnection shared, int sessionMode) {
        this.shared = shared;
        this.sessionMode = sessionMode;
        this.sessionAcknowledges = shared.connection instanceof PubConnection;
        this.opener = shared.connection::createSession;
    }

    interface SessionOpener {
        Session open(int mode) throws JMSException;
    }

    // ---- lifecycle and connection ------------------------------------------------------------

    @Override
    public JMSContext createContext(int sessionMode) {
        checkOpen();
        if (!validMode(sessionMode)) {
            throw invalidMode(sessionMode);
        }
        shared.retain();
        return new PubJMSContext(shared, sessionMode);
    }

    @Override
    public String getClientID() {
        checkOpen();
        try {
            return shared.connection.getClientID();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public void setClientID(String clientID) {
        checkOpen();
        try {
            shared.connection.setClientID(clientID);
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public ConnectionMetaData getMetaData() {
        checkOpen();
        try {
            return shared.connection.getMetaData();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public ExceptionListener getExceptionListener() {
        checkOpen();
        try {
            return shared.connection.getExceptionListener();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) {
        checkOpen();
        try {
            shared.connection.setExceptionListener(listener);
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public void start() {
        checkOpen();
        try {
            shared.connection.start();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public void stop() {
        checkOpen();
        PubJMSContext listening = IN_LISTENER.get();
        if (listening != null && listening.shared == shared) {
            // Stopping waits for running listeners: from inside one it would wait for itself.
            throw new IllegalStateRuntimeException("a MessageListener must not stop its own JMSContext");
        }
        try {
            shared.connection.stop();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public void setAutoStart(boolean autoStart) {
        checkOpen();
        this.autoStart = autoStart;
    }

    @Override
    public boolean getAutoStart() {
        checkOpen();
        return autoStart;
    }

    /**
     * Closes the session and, with the last context on it, the connection. Idempotent. Waits for
     * running listeners and incomplete asynchronous sends (the session's close does).
     */
    @Override
    public void close() {
        if (IN_LISTENER.get() == this) {
            throw new IllegalStateRuntimeException("a MessageListener must not close its own JMSContext");
        }
        if (IN_COMPLETION.get() == this) {
            throw new IllegalStateRuntimeException("a CompletionListener must not close its own JMSContext");
        }
        Session s;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            s = session;
        }
        JMSException failure = null;
        if (s != null) {
            try {
                flushDupsOk(); // what DUPS_OK delivered is done: do not hand it out again
            } catch (JMSException e) {
                failure = e;
            }
            try {
                s.close();
            } catch (JMSException e) {
                failure = e;
            }
        }
        if (shared.release()) {
            try {
                shared.connection.close();
            } catch (JMSException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw JmsExceptions.toRuntime(failure);
        }
    }

    // ---- messages ------------------------------------------------------------------------

    @Override
    public BytesMessage createBytesMessage() {
        try {
            return session().createBytesMessage();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public MapMessage createMapMessage() {
        try {
            return session().createMapMessage();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public Message createMessage() {
        try {
            return session().createMessage();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public ObjectMessage createObjectMessage() {
        try {
            return session().createObjectMessage();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) {
        try {
            return session().createObjectMessage(object);
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public StreamMessage createStreamMessage() {
        try {
            return session().createStreamMessage();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public TextMessage createTextMessage() {
        try {
            return session().createTextMessage();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public TextMessage createTextMessage(String text) {
        try {
            return session().createTextMessage(text);
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    // ---- session modes and transactions -----------------------------------------------------

    @Override
    public boolean getTransacted() {
        checkOpen();
        return sessionMode == SESSION_TRANSACTED;
    }

    @Override
    public int getSessionMode() {
        checkOpen();
        return sessionMode;
    }

    @Override
    public void commit() {
        checkTransactionCall("commit");
        try {
            session().commit();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public void rollback() {
        checkTransactionCall("rollback");
        try {
            session().rollback();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public void recover() {
        checkOpen();
        if (sessionMode == SESSION_TRANSACTED) {
            throw new IllegalStateRuntimeException("recover is not allowed on a transacted JMSContext");
        }
        try {
            session().recover();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public void acknowledge() {
        checkOpen();
        if (sessionMode != CLIENT_ACKNOWLEDGE) {
            return; // the specification: no effect in the other modes
        }
        Message last = lastDelivered;
        if (last != null) {
            try {
                last.acknowledge();
            } catch (JMSException e) {
                throw JmsExceptions.toRuntime(e);
            }
        }
    }

    private void checkTransactionCall(String what) {
        checkOpen();
        if (sessionMode != SESSION_TRANSACTED) {
            throw new IllegalStateRuntimeException(what + " is only allowed on a transacted JMSContext (session mode "
                    + sessionMode + " is not SESSION_TRANSACTED)");
        }
        if (IN_COMPLETION.get() == this) {
            throw new IllegalStateRuntimeException(
                    "a CompletionListener must not call " + what + " on its own JMSContext");
        }
    }

    // ---- producers and consumers ----------------------------------------------------------

    @Override
    public JMSProducer createProducer() {
        checkOpen();
        return new PubJMSProducer(this);
    }

    @Override
    public JMSConsumer createConsumer(Destination destination) {
        return createConsumer(destination, null, false);
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String messageSelector) {
        return createConsumer(destination, messageSelector, false);
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String messageSelector, boolean noLocal) {
        try {
            return started(session().createConsumer(destination, messageSelector, noLocal));
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName) {
        try {
            return started(session().createSharedConsumer(topic, sharedSubscriptionName));
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName, String messageSelector) {
        try {
            return started(session().createSharedConsumer(topic, sharedSubscriptionName, messageSelector));
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name) {
        try {
            return started(session().createDurableConsumer(topic, name));
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name, String messageSelector, boolean noLocal) {
        try {
            return started(session().createDurableConsumer(topic, name, messageSelector, noLocal));
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name) {
        try {
            return started(session().createSharedDurableConsumer(topic, name));
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name, String messageSelector) {
        try {
            return started(session().createSharedDurableConsumer(topic, name, messageSelector));
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) {
        return createBrowser(queue, null);
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String messageSelector) {
        try {
            return session().createBrowser(queue, messageSelector);
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public Queue createQueue(String queueName) {
        try {
            return session().createQueue(queueName);
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public Topic createTopic(String topicName) {
        try {
            return session().createTopic(topicName);
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public TemporaryQueue createTemporaryQueue() {
        try {
            return session().createTemporaryQueue();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public TemporaryTopic createTemporaryTopic() {
        try {
            return session().createTemporaryTopic();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public void unsubscribe(String name) {
        try {
            session().unsubscribe(name);
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    // ---- used by PubJMSProducer and PubJMSConsumer ------------------------------------------

    /** Sends with the producer's options on the context's one anonymous MessageProducer. */
    void send(Destination destination, Message message, PubJMSProducer options) throws JMSException {
        Session s = session();
        synchronized (sendLock) {
            if (producer == null) {
                producer = s.createProducer(null);
            }
            producer.setDeliveryDelay(options.deliveryDelay());
            producer.setDisableMessageID(options.getDisableMessageID());
            producer.setDisableMessageTimestamp(options.getDisableMessageTimestamp());
            CompletionListener async = options.getAsync();
            if (async == null) {
                producer.send(
                        destination,
                        message,
                        options.getDeliveryMode(),
                        options.getPriority(),
                        options.getTimeToLive());
            } else {
                producer.send(
                        destination,
                        message,
                        options.getDeliveryMode(),
                        options.getPriority(),
                        options.getTimeToLive(),
                        new CallbackCompletionListener(async));
            }
        }
    }

    /** True in AUTO and DUPS_OK: a receiveBody whose body does not fit leaves its message unacknowledged. */
    boolean acknowledgesEachDelivery() {
        return sessionMode == AUTO_ACKNOWLEDGE || sessionMode == DUPS_OK_ACKNOWLEDGE;
    }

    /** True when this context, not its session, acknowledges (AUTO and DUPS_OK over another Connection). */
    private boolean emulatesAcknowledgement() {
        return acknowledgesEachDelivery() && !sessionAcknowledges;
    }

    /**
     * Runs a receive whose message the application may not take (receiveBody): in AUTO and DUPS_OK
     * over a PubSession its acknowledgement waits for {@link #delivered}.
     */
    Message receiveKeepingReceipt(PubSession.Receive receive) throws JMSException {
        if (acknowledgesEachDelivery() && session() instanceof PubSession pub) {
            return pub.receiveKeepingReceipt(receive);
        }
        return receive.receive();
    }

    /**
     * Records a message that receive handed to the application. A PubSession acknowledges it as its
     * mode says (a receipt kept by {@link #receiveKeepingReceipt} now); otherwise this context does:
     * AUTO at once, DUPS_OK every {@link #DUPS_OK_BATCH} deliveries (and when receive finds nothing,
     * and at close).
     */
    void delivered(Message message) throws JMSException {
        lastDelivered = message;
        if (!emulatesAcknowledgement()) {
            Session s;
            synchronized (lock) {
                s = session; // opened by the receive that returned the message
            }
            if (s instanceof PubSession pub) {
                pub.takeReceipt(message);
            }
            return;
        }
        if (sessionMode == AUTO_ACKNOWLEDGE) {
            message.acknowledge();
        } else {
            boolean flush;
            synchronized (lock) {
                flush = ++dupsOkPending >= DUPS_OK_BATCH;
                if (flush) {
                    dupsOkPending = 0;
                }
            }
            if (flush) {
                message.acknowledge();
            }
        }
    }

    /** DUPS_OK over another Connection: acknowledges what receive delivered and has not acknowledged yet. */
    void flushDupsOk() throws JMSException {
        if (sessionMode != DUPS_OK_ACKNOWLEDGE || !emulatesAcknowledgement()) {
            return;
        }
        synchronized (lock) {
            if (dupsOkPending == 0) {
                return;
            }
            dupsOkPending = 0;
        }
        Message last = lastDelivered;
        if (last != null) {
            last.acknowledge();
        }
    }

    MessageListener listenerFor(MessageListener listener) {
        return new CallbackMessageListener(listener);
    }

    Session session() {
        synchronized (lock) {
            checkOpen();
            if (session == null) {
                int mode = emulatesAcknowledgement() ? CLIENT_ACKNOWLEDGE : sessionMode;
                try {
                    session = opener.open(mode);
                } catch (JMSException e) {
                    throw JmsExceptions.toRuntime(e);
                }
            }
            return session;
        }
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateRuntimeException("the JMSContext is closed");
        }
    }

    private JMSConsumer started(MessageConsumer consumer) throws JMSException {
        PubJMSConsumer result = new PubJMSConsumer(this, consumer);
        if (autoStart) {
            try {
                shared.connection.start();
            } catch (JMSException e) {
                consumer.close();
                throw e;
            }
        }
        return result;
    }

    private static boolean validMode(int mode) {
        return mode == AUTO_ACKNOWLEDGE
                || mode == CLIENT_ACKNOWLEDGE
                || mode == DUPS_OK_ACKNOWLEDGE
                || mode == SESSION_TRANSACTED;
    }

    private static JMSRuntimeException invalidMode(int mode) {
        return new JMSRuntimeException("session mode must be JMSContext.AUTO_ACKNOWLEDGE (1), CLIENT_ACKNOWLEDGE (2),"
                + " DUPS_OK_ACKNOWLEDGE (3) or SESSION_TRANSACTED (0), was " + mode);
    }

    private static void closeQuietly(jakarta.jms.Connection connection) {
        try {
            connection.close();
        } catch (JMSException | RuntimeException e) {
            LOG.debug("closing a connection after a bad session mode failed", e);
        }
    }

    /** The connection and how many open contexts use it. */
    private static final class SharedConnection {
        final jakarta.jms.Connection connection;
        private int users = 1;

        SharedConnection(jakarta.jms.Connection connection) {
            this.connection = connection;
        }

        synchronized void retain() {
            if (users == 0) {
                throw new IllegalStateRuntimeException("the JMSContext's connection is closed");
            }
            users++;
        }

        /** True when the last user released it: the caller closes the connection. */
        synchronized boolean release() {
            return --users == 0;
        }
    }

    /**
     * Marks the thread as running this context's MessageListener; over another Connection it also
     * acknowledges for AUTO and DUPS_OK.
     */
    private final class CallbackMessageListener implements MessageListener {
        private final MessageListener target;

        CallbackMessageListener(MessageListener target) {
            this.target = target;
        }

        @Override
        public void onMessage(Message message) {
            PubJMSContext previous = IN_LISTENER.get();
            IN_LISTENER.set(PubJMSContext.this);
            try {
                lastDelivered = message;
                if (!emulatesAcknowledgement()) {
                    target.onMessage(message); // the session's mode settles the message, also if this throws
                    return;
                }
                try {
                    target.onMessage(message);
                } catch (RuntimeException e) {
                    // AUTO/DUPS_OK: the specification redelivers at once, flagged as redelivered.
                    LOG.warn("MessageListener threw; the message will be redelivered", e);
                    redeliverQuietly();
                    return;
                }
                message.acknowledge();
            } catch (JMSException e) {
                throw JmsExceptions.toRuntime(e);
            } finally {
                IN_LISTENER.set(previous);
            }
        }

        private void redeliverQuietly() {
            try {
                session().recover(); // another Connection's session: what it prefetched comes again too
            } catch (JMSException | RuntimeException e) {
                // The lease is still released when it expires, so the message is not lost.
                LOG.warn("giving back the message of a failed MessageListener failed", e);
            }
        }
    }

    /** Marks the thread as running this context's CompletionListener. */
    private final class CallbackCompletionListener implements CompletionListener {
        private final CompletionListener target;

        CallbackCompletionListener(CompletionListener target) {
            this.target = target;
        }

        @Override
        public void onCompletion(Message message) {
            PubJMSContext previous = IN_COMPLETION.get();
            IN_COMPLETION.set(PubJMSContext.this);
            try {
                target.onCompletion(message);
            } finally {
                IN_COMPLETION.set(previous);
            }
        }

        @Override
        public void onException(Message message, Exception exception) {
            PubJMSContext previous = IN_COMPLETION.get();
            IN_COMPLETION.set(PubJMSContext.this);
            try {
                target.onException(message, exception);
            } finally {
                IN_COMPLETION.set(previous);
            }
        }
    }
}
