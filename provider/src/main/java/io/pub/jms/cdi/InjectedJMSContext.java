package io.pub.jms.cdi;

import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The JMSContext an injection point gets: a Dependent proxy that finds the real context at each
 * call. While a request is active that is the request's context for this injection point's factory,
 * credentials and session mode (shared by the request's injection points, closed when the request
 * ends); otherwise it is this injection point's own context for the calling thread, opened on first
 * use and closed when the bean that holds the injection point is destroyed. A context is therefore
 * never used by two threads at once.
 *
 * <p>The container owns the lifecycle, so the methods the specification forbids on an injected
 * context (12.4.5: setClientID, setExceptionListener, stop, acknowledge, commit, rollback, recover,
 * setAutoStart, start, close) throw IllegalStateRuntimeException. {@link #createContext(int)} is
 * allowed: it gives an application-managed context on the same connection, which the application
 * closes.
 */
final class InjectedJMSContext implements JMSContext {
    private final ContextPool pool;
    private final ContextKey key;
    private final BooleanSupplier requestActive;
    private final RequestJmsContexts request;
    private final Map<Thread, JMSContext> perThread = new ConcurrentHashMap<>();
    private volatile boolean destroyed;

    InjectedJMSContext(ContextPool pool, ContextKey key, BooleanSupplier requestActive, RequestJmsContexts request) {
        this.pool = pool;
        this.key = key;
        this.requestActive = requestActive;
        this.request = request;
    }

    /** The context of the calling thread's request, else of the calling thread. */
    JMSContext delegate() {
        if (destroyed) {
            throw new IllegalStateRuntimeException("this injected JMSContext belongs to a bean that was destroyed");
        }
        if (requestActive.getAsBoolean()) {
            return request.get(key, pool);
        }
        Thread current = Thread.currentThread();
        JMSContext context = perThread.get(current);
        if (context == null) {
            closeContextsOfDeadThreads();
            context = pool.open(key);
            perThread.put(current, context);
            if (destroyed && perThread.remove(current) != null) {
                pool.close(context); // destroyed meanwhile by another thread
                throw new IllegalStateRuntimeException("this injected JMSContext belongs to a bean that was destroyed");
            }
        }
        return context;
    }

    private void closeContextsOfDeadThreads() {
        for (Iterator<Map.Entry<Thread, JMSContext>> it = perThread.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Thread, JMSContext> e = it.next();
            if (!e.getKey().isAlive()) {
                it.remove();
                pool.close(e.getValue());
            }
        }
    }

    /** The bean that holds this injection point is being destroyed: close every context it opened. */
    void destroy() {
        destroyed = true;
        for (Thread t : perThread.keySet()) {
            JMSContext c = perThread.remove(t);
            if (c != null) {
                pool.close(c);
            }
        }
    }

    private static IllegalStateRuntimeException forbidden(String method) {
        return new IllegalStateRuntimeException(method
                + " is not allowed on an injected JMSContext: the container manages it (Jakarta Messaging 12.4.5);"
                + " use createContext(sessionMode) or the injected ConnectionFactory for a context of your own");
    }

    // ---- forbidden on an injected context ----------------------------------------------------

    @Override
    public void setClientID(String clientID) {
        throw forbidden("setClientID");
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) {
        throw forbidden("setExceptionListener");
    }

    @Override
    public void start() {
        throw forbidden("start");
    }

    @Override
    public void stop() {
        throw forbidden("stop");
    }

    @Override
    public void setAutoStart(boolean autoStart) {
        throw forbidden("setAutoStart");
    }

    @Override
    public void close() {
        throw forbidden("close");
    }

    @Override
    public void acknowledge() {
        throw forbidden("acknowledge");
    }

    @Override
    public void commit() {
        throw forbidden("commit");
    }

    @Override
    public void rollback() {
        throw forbidden("rollback");
    }

    @Override
    public void recover() {
        throw forbidden("recover");
    }

    // ---- delegated ------------------------------------------------------------------------

    @Override
    public JMSContext createContext(int sessionMode) {
        return delegate().createContext(sessionMode);
    }

    @Override
    public JMSProducer createProducer() {
        return delegate().createProducer();
    }

    @Override
    public String getClientID() {
        return delegate().getClientID();
    }

    @Override
    public ConnectionMetaData getMetaData() {
        return delegate().getMetaData();
    }

    @Override
    public ExceptionListener getExceptionListener() {
        return delegate().getExceptionListener();
    }

    @Override
    public boolean getAutoStart() {
        return delegate().getAutoStart();
    }

    @Override
    public BytesMessage createBytesMessage() {
        return delegate().createBytesMessage();
    }

    @Override
    public MapMessage createMapMessage() {
        return delegate().createMapMessage();
    }

    @Override
    public Message createMessage() {
        return delegate().createMessage();
    }

    @Override
    public ObjectMessage createObjectMessage() {
        return delegate().createObjectMessage();
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) {
        return delegate().createObjectMessage(object);
    }

    @Override
    public StreamMessage createStreamMessage() {
        return delegate().createStreamMessage();
    }

    @Override
    public TextMessage createTextMessage() {
        return delegate().createTextMessage();
    }

    @Override
    public TextMessage createTextMessage(String text) {
        return delegate().createTextMessage(text);
    }

    @Override
    public boolean getTransacted() {
        return delegate().getTransacted();
    }

    @Override
    public int getSessionMode() {
        return delegate().getSessionMode();
    }

    @Override
    public JMSConsumer createConsumer(Destination destination) {
        return delegate().createConsumer(destination);
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String messageSelector) {
        return delegate().createConsumer(destination, messageSelector);
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String messageSelector, boolean noLocal) {
        return delegate().createConsumer(destination, messageSelector, noLocal);
    }

    @Override
    public Queue createQueue(String queueName) {
        return delegate().createQueue(queueName);
    }

    @Override
    public Topic createTopic(String topicName) {
        return delegate().createTopic(topicName);
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name) {
        return delegate().createDurableConsumer(topic, name);
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name, String messageSelector, boolean noLocal) {
        return delegate().createDurableConsumer(topic, name, messageSelector, noLocal);
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name) {
        return delegate().createSharedDurableConsumer(topic, name);
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name, String messageSelector) {
        return delegate().createSharedDurableConsumer(topic, name, messageSelector);
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName) {
        return delegate().createSharedConsumer(topic, sharedSubscriptionName);
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName, String messageSelector) {
        return delegate().createSharedConsumer(topic, sharedSubscriptionName, messageSelector);
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) {
        return delegate().createBrowser(queue);
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String messageSelector) {
        return delegate().createBrowser(queue, messageSelector);
    }

    @Override
    public TemporaryQueue createTemporaryQueue() {
        return delegate().createTemporaryQueue();
    }

    @Override
    public TemporaryTopic createTemporaryTopic() {
        return delegate().createTemporaryTopic();
    }

    @Override
    public void unsubscribe(String name) {
        delegate().unsubscribe(name);
    }

    @Override
    public String toString() {
        return "injected JMSContext (" + key + ")";
    }
}
