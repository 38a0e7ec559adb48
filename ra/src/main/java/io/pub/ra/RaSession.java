package io.pub.ra;

import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.QueueReceiver;
import jakarta.jms.QueueSender;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;
import jakarta.jms.TopicSession;
import jakarta.jms.TopicSubscriber;
import jakarta.jms.TransactionInProgressException;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The session handle an application holds: the connection handle's {@code createSession} allocates
 * one from the server's pool. Every call works on the physical session the pooled connection picks
 * for the current transaction context; closing the handle closes what it created and gives the
 * connection back to the pool.
 *
 * <p>Inside a JTA transaction, commit and rollback belong to the transaction manager and throw
 * TransactionInProgressException. The application-server facilities a Jakarta EE component must not
 * use (setMessageListener, run) throw.
 */
final class RaSession implements Session, QueueSession, TopicSession {
    private final int acknowledgeMode;
    private final List<AutoCloseable> children = new CopyOnWriteArrayList<>();
    private volatile PubManagedConnection mc;
    private volatile boolean closed;
    private volatile RaConnection owner;

    RaSession(PubManagedConnection mc, int acknowledgeMode) {
        this.mc = mc;
        this.acknowledgeMode = acknowledgeMode;
    }

    void owner(RaConnection owner) {
        this.owner = owner;
    }

    /** The server moved this handle to another pooled connection (connection sharing). */
    void associate(PubManagedConnection next) {
        PubManagedConnection previous = mc;
        if (previous != null && previous != next) {
            previous.detach(this);
        }
        mc = next;
        next.attach(this);
    }

    /** The pooled connection was cleaned up or destroyed: this handle is dead. */
    void invalidate() {
        closeChildren();
        closed = true;
        mc = null;
    }

    private Session physical() throws JMSException {
        PubManagedConnection m = mc;
        if (closed || m == null) {
            throw new IllegalStateException("the session is closed");
        }
        return m.session(acknowledgeMode);
    }

    private <T extends AutoCloseable> T track(T child) {
        children.add(child);
        return child;
    }

    private void closeChildren() {
        for (AutoCloseable c : children) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing what the application left open; the session goes back to the pool regardless
            }
        }
        children.clear();
    }

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        closed = true;
        closeChildren();
        RaConnection o = owner;
        if (o != null) {
            o.forget(this);
        }
        PubManagedConnection m = mc;
        mc = null;
        if (m != null) {
            m.closed(this);
        }
    }

    // ---- transactions ------------------------------------------------------------------------

    @Override
    public boolean getTransacted() throws JMSException {
        check();
        return mc.inTransaction();
    }

    @Override
    public int getAcknowledgeMode() throws JMSException {
        check();
        return mc.inTransaction() ? SESSION_TRANSACTED : acknowledgeMode;
    }

    @Override
    public void commit() throws JMSException {
        check();
        if (mc.inTransaction()) {
            throw new TransactionInProgressException(
                    "the session is in a JTA transaction: the transaction manager commits it");
        }
        throw new IllegalStateException("the session is not transacted (outside a JTA transaction)");
    }

    @Override
    public void rollback() throws JMSException {
        check();
        if (mc.inTransaction()) {
            throw new TransactionInProgressException(
                    "the session is in a JTA transaction: roll the transaction back instead");
        }
        throw new IllegalStateException("the session is not transacted (outside a JTA transaction)");
    }

    @Override
    public void recover() throws JMSException {
        physical().recover();
    }

    private void check() throws JMSException {
        if (closed || mc == null) {
            throw new IllegalStateException("the session is closed");
        }
    }

    // ---- not for Jakarta EE components -------------------------------------------------------

    @Override
    public MessageListener getMessageListener() throws JMSException {
        throw new IllegalStateException("getMessageListener is not allowed in a Jakarta EE component");
    }

    @Override
    public void setMessageListener(MessageListener listener) throws JMSException {
        throw new IllegalStateException(
                "setMessageListener is not allowed in a Jakarta EE component; use a message-driven bean");
    }

    @Override
    public void run() {
        throw new UnsupportedOperationException("Session.run is not allowed in a Jakarta EE component");
    }

    // ---- messages ----------------------------------------------------------------------------

    @Override
    public BytesMessage createBytesMessage() throws JMSException {
        return physical().createBytesMessage();
    }

    @Override
    public MapMessage createMapMessage() throws JMSException {
        return physical().createMapMessage();
    }

    @Override
    public Message createMessage() throws JMSException {
        return physical().createMessage();
    }

    @Override
    public ObjectMessage createObjectMessage() throws JMSException {
        return physical().createObjectMessage();
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) throws JMSException {
        return physical().createObjectMessage(object);
    }

    @Override
    public StreamMessage createStreamMessage() throws JMSException {
        return physical().createStreamMessage();
    }

    @Override
    public TextMessage createTextMessage() throws JMSException {
        return physical().createTextMessage();
    }

    @Override
    public TextMessage createTextMessage(String text) throws JMSException {
        return physical().createTextMessage(text);
    }

    // ---- producers, consumers, browsers ------------------------------------------------------

    @Override
    public MessageProducer createProducer(Destination destination) throws JMSException {
        return track(physical().createProducer(destination));
    }

    @Override
    public MessageConsumer createConsumer(Destination destination) throws JMSException {
        return track(physical().createConsumer(destination));
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String selector) throws JMSException {
        return track(physical().createConsumer(destination, selector));
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String selector, boolean noLocal)
            throws JMSException {
        return track(physical().createConsumer(destination, selector, noLocal));
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String name) throws JMSException {
        return track(physical().createSharedConsumer(topic, name));
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String name, String selector) throws JMSException {
        return track(physical().createSharedConsumer(topic, name, selector));
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name) throws JMSException {
        return track(physical().createDurableSubscriber(topic, name));
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name, String selector, boolean noLocal)
            throws JMSException {
        return track(physical().createDurableSubscriber(topic, name, selector, noLocal));
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name) throws JMSException {
        return track(physical().createDurableConsumer(topic, name));
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name, String selector, boolean noLocal)
            throws JMSException {
        return track(physical().createDurableConsumer(topic, name, selector, noLocal));
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name) throws JMSException {
        return track(physical().createSharedDurableConsumer(topic, name));
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name, String selector) throws JMSException {
        return track(physical().createSharedDurableConsumer(topic, name, selector));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) throws JMSException {
        return track(physical().createBrowser(queue));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String selector) throws JMSException {
        return track(physical().createBrowser(queue, selector));
    }

    @Override
    public void unsubscribe(String name) throws JMSException {
        physical().unsubscribe(name);
    }

    // ---- destinations ------------------------------------------------------------------------

    @Override
    public Queue createQueue(String name) throws JMSException {
        return physical().createQueue(name);
    }

    @Override
    public Topic createTopic(String name) throws JMSException {
        return physical().createTopic(name);
    }

    @Override
    public TemporaryQueue createTemporaryQueue() throws JMSException {
        return physical().createTemporaryQueue();
    }

    @Override
    public TemporaryTopic createTemporaryTopic() throws JMSException {
        return physical().createTemporaryTopic();
    }

    // ---- the queue and topic domains ---------------------------------------------------------

    @Override
    public QueueReceiver createReceiver(Queue queue) throws JMSException {
        return track(((QueueSession) physical()).createReceiver(queue));
    }

    @Override
    public QueueReceiver createReceiver(Queue queue, String selector) throws JMSException {
        return track(((QueueSession) physical()).createReceiver(queue, selector));
    }

    @Override
    public QueueSender createSender(Queue queue) throws JMSException {
        return track(((QueueSession) physical()).createSender(queue));
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic) throws JMSException {
        return track(((TopicSession) physical()).createSubscriber(topic));
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic, String selector, boolean noLocal) throws JMSException {
        return track(((TopicSession) physical()).createSubscriber(topic, selector, noLocal));
    }

    @Override
    public TopicPublisher createPublisher(Topic topic) throws JMSException {
        return track(((TopicSession) physical()).createPublisher(topic));
    }
}
