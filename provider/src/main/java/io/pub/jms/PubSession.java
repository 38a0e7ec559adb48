package io.pub.jms;

import io.pub.Delivery;
import io.pub.Receiver;
import io.pub.Subscriber.FilterMode;
import io.pub.Subscriber.SubscriberOptions;
import io.pub.Subscriptions.Registration;
import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
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
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A JMS session: creates messages, producers, consumers and browsers, runs the delivery thread of its
 * listeners ({@link SessionWorker}), and hands acknowledgement and transactions to the strategy of
 * its mode ({@link AckStrategy}): {@link AutoAcknowledge}, {@link DupsOkAcknowledge},
 * {@link ClientAcknowledge}, {@link TransactedAcknowledge}, or {@link XaAcknowledge} for an
 * XASession's. Rollback, recover and a listener's RuntimeException (AUTO, DUPS_OK) release leases for
 * redelivery after the configured redelivery delay, backed off per delivery. A JMSContext's session
 * is one of these in the context's own mode, so both APIs behave alike.
 *
 * <p>Async sends: written in order by one sender thread per session; the CompletionListener runs on
 * the session's delivery thread once the message is stored, never at the same time as a
 * MessageListener of the session. In a transacted session it runs at commit (onException at rollback).
 */
final class PubSession implements Session, QueueSession, TopicSession {
    private final PubConnection connection;
    private final int mode;
    private final Subscriptions subscriptions;
    private final List<PubMessageConsumer> consumers = new CopyOnWriteArrayList<>();
    private final List<PubMessageProducer> producers = new CopyOnWriteArrayList<>();
    private final List<PubQueueBrowser> browsers = new CopyOnWriteArrayList<>();
    /** What the session delivered and has not settled; the store work of acknowledging and releasing. */
    private final SessionAcks acks = new SessionAcks(this);
    /** What the acknowledgement mode does; replaced once by {@link #xa} for an XASession's session. */
    private volatile AckStrategy strategy;

    private final Object lock = new Object();
    private final SessionSends sends;

    private volatile SessionWorker worker;
    private volatile boolean closing;
    private volatile boolean closed;
    /** AUTO/DUPS_OK listener: recover() was called from onMessage, so the current message goes back. */
    private boolean recoverCurrent;
    /** Set on the delivery thread around a MessageListener's onMessage. */
    private volatile boolean inMessageListener;
    /** A JMSContext's receiveBody: the thread whose receive keeps its receipt for the context to take. */
    private volatile Thread deferringReceipt;

    /** Which legacy domain the session was created for: a QueueSession offers no topic methods and back. */
    enum Domain {
        ANY,
        QUEUE,
        TOPIC
    }

    private final Domain domain;

    PubSession(PubConnection connection, int mode) {
        this(connection, mode, Domain.ANY);
    }

    PubSession(PubConnection connection, int mode, Domain domain) {
        this.connection = connection;
        this.mode = mode;
        this.domain = domain;
        this.subscriptions = new Subscriptions(connection);
        this.sends = new SessionSends(
                this, connection.pub().producer(), connection.options().sendWindow());
        this.strategy = AckStrategy.forMode(mode, this, acks, sends);
    }

    static boolean validMode(int mode) {
        return mode == SESSION_TRANSACTED
                || mode == AUTO_ACKNOWLEDGE
                || mode == CLIENT_ACKNOWLEDGE
                || mode == DUPS_OK_ACKNOWLEDGE;
    }

    PubConnection connection() {
        return connection;
    }

    /** Makes this (SESSION_TRANSACTED) session an XASession's: see {@link PubXAResource}. */
    void xa(XaAssociation association) {
        this.strategy = new XaAcknowledge(
                association, acks, strategy, AckStrategy.forMode(AUTO_ACKNOWLEDGE, this, acks, sends));
    }

    /**
     * XA: a transaction branch that starts on this session inside a MessageListener (a resource
     * adapter's beforeDelivery) takes over the message being processed: it is acknowledged or given
     * back with the branch, not when onMessage returns. Delivery thread only.
     */
    void enlistListenerDelivery() {
        if (strategy instanceof XaAcknowledge x && isInMessageListener()) {
            x.enlistListenerDelivery();
        }
    }

    /**
     * XA: takes the work done in the branch so far (held sends, unacknowledged deliveries) out of
     * the session, for the transaction branch to prepare, commit or roll back.
     */
    XaWork detachWork() {
        List<XaWork.Received> received = new ArrayList<>();
        acks.takeHeld().forEach(d -> received.add(new XaWork.Received(d.consumer(), d.delivery())));
        return new XaWork(sends.takeHeldForBranch(), received);
    }

    /** The open consumers (recover and rollback give back what they prefetched). */
    List<PubMessageConsumer> consumers() {
        return consumers;
    }

    boolean isClosed() {
        return closed;
    }

    void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("the session is closed");
        }
        connection.checkOpen();
    }

    private void checkDomain(Domain wanted) throws IllegalStateException {
        if (domain != Domain.ANY && domain != wanted) {
            throw new IllegalStateException("this is a " + (domain == Domain.QUEUE ? "QueueSession" : "TopicSession")
                    + "; " + (wanted == Domain.QUEUE ? "queue" : "topic") + " methods are not available on it");
        }
    }

    boolean isDeliveryThread() {
        SessionWorker w = worker;
        return w != null && w.isCurrentThread();
    }

    /** True on this session's delivery thread while it runs a MessageListener (not a CompletionListener). */
    boolean isInMessageListener() {
        return inMessageListener && isDeliveryThread();
    }

    // ---- messages

    @Override
    public BytesMessage createBytesMessage() throws JMSException {
        checkOpen();
        return new PubBytesMessage();
    }

    @Override
    public MapMessage createMapMessage() throws JMSException {
        checkOpen();
        return new PubMapMessage();
    }

    @Override
    public Message createMessage() throws JMSException {
        checkOpen();
        return new PubMessage();
    }

    @Override
    public ObjectMessage createObjectMessage() throws JMSException {
        checkOpen();
        return new PubObjectMessage();
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) throws JMSException {
        checkOpen();
        PubObjectMessage m = new PubObjectMessage();
        m.setObject(object);
        return m;
    }

    @Override
    public StreamMessage createStreamMessage() throws JMSException {
        checkOpen();
        return new PubStreamMessage();
    }

    @Override
    public TextMessage createTextMessage() throws JMSException {
        checkOpen();
        return new PubTextMessage();
    }

    @Override
    public TextMessage createTextMessage(String text) throws JMSException {
        checkOpen();
        return new PubTextMessage(text);
    }

    // ---- destinations

    @Override
    public Queue createQueue(String queueName) throws JMSException {
        checkDomain(Domain.QUEUE);
        checkOpen();
        PubQueue q = new PubQueue(queueName);
        PubDestination.of(q); // checks the name
        return q;
    }

    @Override
    public Topic createTopic(String topicName) throws JMSException {
        checkDomain(Domain.TOPIC);
        checkOpen();
        PubTopic t = new PubTopic(topicName);
        PubDestination.of(t);
        return t;
    }

    @Override
    public TemporaryQueue createTemporaryQueue() throws JMSException {
        checkDomain(Domain.QUEUE);
        checkOpen();
        return (TemporaryQueue) connection.createTemporary(false);
    }

    @Override
    public TemporaryTopic createTemporaryTopic() throws JMSException {
        checkDomain(Domain.TOPIC);
        checkOpen();
        return (TemporaryTopic) connection.createTemporary(true);
    }

    // ---- producers

    @Override
    public MessageProducer createProducer(Destination destination) throws JMSException {
        checkOpen();
        PubDestination d = destination == null ? null : PubDestination.of(destination);
        if (d != null && d.isTemporary()) {
            connection.ensure(d);
        }
        PubMessageProducer p = new PubMessageProducer(this, d);
        producers.add(p);
        return p;
    }

    @Override
    public QueueSender createSender(Queue queue) throws JMSException {
        checkDomain(Domain.QUEUE);
        return (QueueSender) createProducer(queue);
    }

    @Override
    public TopicPublisher createPublisher(Topic topic) throws JMSException {
        checkDomain(Domain.TOPIC);
        return (TopicPublisher) createProducer(topic);
    }

    void producerClosed(PubMessageProducer p) {
        producers.remove(p);
    }

    // ---- consumers

    @Override
    public MessageConsumer createConsumer(Destination destination) throws JMSException {
        return createConsumer(destination, null, false);
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String messageSelector) throws JMSException {
        return createConsumer(destination, messageSelector, false);
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String messageSelector, boolean noLocal)
            throws JMSException {
        checkOpen();
        PubDestination d = PubDestination.of(destination);
        Selector selector = Selector.parse(messageSelector);
        checkConsumable(d);
        try {
            if (d.isTopic()) {
                Registration o = subscriptions.nonDurable(d, text(selector), noLocal);
                return open(d, o, selector, noLocal, FilterMode.DONE, messageSelector);
            }
            return open(d, subscriptions.queue(d), selector, false, FilterMode.SKIP, messageSelector);
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e);
        }
    }

    @Override
    public QueueReceiver createReceiver(Queue queue) throws JMSException {
        return createReceiver(queue, null);
    }

    @Override
    public QueueReceiver createReceiver(Queue queue, String messageSelector) throws JMSException {
        checkDomain(Domain.QUEUE);
        if (queue == null) {
            throw new InvalidDestinationException("queue must not be null");
        }
        return (QueueReceiver) createConsumer(queue, messageSelector, false);
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic) throws JMSException {
        return createSubscriber(topic, null, false);
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic, String messageSelector, boolean noLocal) throws JMSException {
        checkDomain(Domain.TOPIC);
        if (topic == null) {
            throw new InvalidDestinationException("topic must not be null");
        }
        return (TopicSubscriber) createConsumer(topic, messageSelector, noLocal);
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName) throws JMSException {
        return createSharedConsumer(topic, sharedSubscriptionName, null);
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName, String messageSelector)
            throws JMSException {
        checkDomain(Domain.TOPIC);
        checkOpen();
        PubDestination d = topic(topic);
        checkName(sharedSubscriptionName);
        Selector selector = Selector.parse(messageSelector);
        checkConsumable(d);
        try {
            Registration o = subscriptions.shared(d, sharedSubscriptionName, text(selector));
            return open(d, o, selector, false, FilterMode.DONE, messageSelector);
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e);
        }
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name) throws JMSException {
        return createDurableSubscriber(topic, name, null, false);
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name, String messageSelector, boolean noLocal)
            throws JMSException {
        return (TopicSubscriber) createDurableConsumer(topic, name, messageSelector, noLocal);
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name) throws JMSException {
        return createDurableConsumer(topic, name, null, false);
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name, String messageSelector, boolean noLocal)
            throws JMSException {
        return durable(topic, name, messageSelector, noLocal, false);
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name) throws JMSException {
        return createSharedDurableConsumer(topic, name, null);
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name, String messageSelector)
            throws JMSException {
        return durable(topic, name, messageSelector, false, true);
    }

    private MessageConsumer durable(Topic topic, String name, String messageSelector, boolean noLocal, boolean shared)
            throws JMSException {
        checkDomain(Domain.TOPIC);
        checkOpen();
        PubDestination d = topic(topic);
        checkName(name);
        Selector selector = Selector.parse(messageSelector);
        if (d.isTemporary()) {
            throw new InvalidDestinationException("a durable subscription cannot be made on temporary topic " + d);
        }
        try {
            Registration o = subscriptions.durable(d, name, text(selector), noLocal, shared);
            return open(d, o, selector, noLocal, FilterMode.DONE, messageSelector);
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e);
        }
    }

    private static PubDestination topic(Topic topic) throws JMSException {
        if (topic == null) {
            throw new InvalidDestinationException("topic must not be null");
        }
        PubDestination d = PubDestination.of(topic);
        if (!d.isTopic()) {
            throw new InvalidDestinationException(d + " is not a topic");
        }
        return d;
    }

    private static void checkName(String name) throws JMSException {
        if (name == null || name.isEmpty()) {
            throw new JMSException("subscription name must not be null or empty");
        }
    }

    private static String text(Selector s) {
        return s == null ? null : s.text();
    }

    private void checkConsumable(PubDestination d) throws JMSException {
        if (d.isTemporary() && !connection.ownsTemporary(d)) {
            throw new InvalidDestinationException(
                    "temporary destination " + d + " can only be consumed by the connection that created it");
        }
    }

    private PubMessageConsumer open(
            PubDestination d,
            Registration opened,
            Selector selector,
            boolean noLocal,
            FilterMode filterMode,
            String selectorText)
            throws JMSException {
        ProviderOptions o = connection.options();
        SubscriberOptions base = connection.pub().subscriberOptions();
        SubscriberOptions options = o.redelivery() // dead-lettering as the native Consumer does it
                .applyTo(new SubscriberOptions(
                        base.owner(),
                        o.leaseDuration(),
                        base.publishTimeout(),
                        base.rescanInterval(),
                        base.readWindow(),
                        base.maxWindowsPerPoll(),
                        base.maxDeliveries(),
                        base.deadLetterQueue(),
                        null,
                        filterMode,
                        base.leaseAhead()))
                .withFilter(filter(selector, noLocal), filterMode);
        Receiver receiver;
        try {
            receiver = connection
                    .pub()
                    .receiver(
                            opened.subscription(),
                            options,
                            PubMessageConsumer.receiverOptions(o.prefetch(), connection));
        } catch (RuntimeException e) {
            List<Exception> failures = new ArrayList<>();
            try {
                opened.close(failures);
            } catch (RuntimeException again) {
                failures.add(again);
            }
            failures.forEach(e::addSuppressed);
            throw JmsExceptions.toJms(e, JmsExceptions.Context.DESTINATION);
        }
        PubMessageConsumer c =
                new PubMessageConsumer(this, d, receiver, opened::close, selectorText, noLocal, o.leaseDuration());
        consumers.add(c);
        if (closed) {
            c.closeInternal();
            throw new IllegalStateException("the session is closed");
        }
        return c;
    }

    private Predicate<io.pub.Message> filter(Selector selector, boolean noLocal) {
        Predicate<io.pub.Message> f = selector;
        if (noLocal) {
            String origin = connection.id();
            Predicate<io.pub.Message> notLocal = m -> !origin.equals(m.headers().get(JmsHeaders.ORIGIN));
            f = f == null ? notLocal : f.and(notLocal);
        }
        return f;
    }

    boolean hasConsumerOn(PubDestination d) {
        for (PubMessageConsumer c : consumers) {
            if (!c.isClosed() && c.destination().equals(d)) {
                return true;
            }
        }
        return false;
    }

    void consumerClosed(PubMessageConsumer c) {
        consumers.remove(c);
        if (c.subscriptionGone()) {
            acks.forget(c); // the subscription went with the consumer
        }
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) throws JMSException {
        return createBrowser(queue, null);
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String messageSelector) throws JMSException {
        checkDomain(Domain.QUEUE);
        checkOpen();
        if (queue == null) {
            throw new InvalidDestinationException("queue must not be null");
        }
        PubDestination d = PubDestination.of(queue);
        Selector selector = Selector.parse(messageSelector);
        checkConsumable(d);
        connection.ensure(d);
        PubQueueBrowser b = new PubQueueBrowser(this, d, selector, messageSelector);
        browsers.add(b);
        return b;
    }

    void browserClosed(PubQueueBrowser b) {
        browsers.remove(b);
    }

    @Override
    public void unsubscribe(String name) throws JMSException {
        checkDomain(Domain.TOPIC);
        checkOpen();
        String id = SubscriptionIds.durable(connection.clientIdForUse(), name == null ? "" : name);
        if (connection.hasOpenConsumer(id)) {
            throw new IllegalStateException(
                    "durable subscription '" + name + "' has an open consumer in this connection; close it first");
        }
        if (acks.holdsFor(id)) {
            throw new IllegalStateException("durable subscription '" + name + "' has messages this session"
                    + " has not acknowledged or committed yet");
        }
        try {
            subscriptions.unsubscribe(name);
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e);
        }
    }

    /**
     * The subscriptions of open consumers that go with their consumers (non-durable, shared) and that
     * are gone from the store (reaped after the connection's heartbeat lapsed), described.
     */
    List<String> missingTransientSubscriptions() {
        List<String> out = new ArrayList<>();
        for (PubMessageConsumer c : consumers) {
            if (!c.isClosed()
                    && connection.pub().subscriptions().reaped(c.subscriber().subscription())) {
                out.add("subscription " + c.subscriber().subscription().id() + " of topic "
                        + c.subscriber().subscription().topic());
            }
        }
        return out;
    }

    boolean hasOpenConsumer(String subscriptionId) {
        for (PubMessageConsumer c : consumers) {
            if (!c.isClosed() && c.subscriber().subscription().id().equals(subscriptionId)) {
                return true;
            }
        }
        return false;
    }

    // ---- delivery and acknowledgement

    /**
     * True if a receive writes its acknowledgement before it returns: AUTO_ACKNOWLEDGE with
     * blockOnAcknowledge. Otherwise the acknowledgement is only queued and the receive makes no store
     * call between confirming the lease and handing the message out; DUPS_OK collects its
     * acknowledgements and allows duplicates.
     */
    boolean acksBeforeHandOut() {
        return strategy.acksBeforeHandOut();
    }

    /**
     * Turns a leased delivery into the application's message and does what the acknowledgement mode
     * says on delivery. For a listener ({@code listener} true) AUTO and DUPS_OK ack after onMessage.
     * A receive inside {@link #receiveKeepingReceipt} keeps its receipt for the caller instead.
     */
    Message deliver(PubMessageConsumer consumer, Delivery d, boolean listener) throws JMSException {
        PubMessage m = PubMessage.fromStored(d.message(), consumer.destination(), d.deliveryCount());
        if (!listener && deferringReceipt == Thread.currentThread()) {
            acks.defer(m, consumer, d);
        } else {
            strategy.delivered(consumer, d, m, listener);
        }
        return m;
    }

    /** A receive whose message is not settled yet: {@link #takeReceipt} settles it. */
    interface Receive {
        Message receive() throws JMSException;
    }

    /**
     * For a JMSContext's receiveBody: runs {@code receive} so that the message it returns is handed
     * out but not yet acknowledged (AUTO, DUPS_OK), until {@link #takeReceipt}. A message whose body
     * does not fit stays unacknowledged, to be handed out again; recover and close give it back.
     */
    Message receiveKeepingReceipt(Receive receive) throws JMSException {
        deferringReceipt = Thread.currentThread();
        try {
            return receive.receive();
        } finally {
            deferringReceipt = null;
        }
    }

    /** The application took {@code m} (from {@link #receiveKeepingReceipt}): settle it as a receive. */
    void takeReceipt(Message m) throws JMSException {
        SessionAcks.Delivered d = acks.undefer(m);
        if (d != null) {
            strategy.delivered(d.consumer(), d.delivery(), (PubMessage) m, false);
        }
    }

    /** Delivery went idle: DUPS_OK writes the acknowledgements it collected. */
    void idle() {
        try {
            strategy.idle();
        } catch (JMSException e) {
            connection.failed(e);
        }
    }

    // ---- listeners and the delivery thread

    @Override
    public MessageListener getMessageListener() throws JMSException {
        checkOpen();
        return null;
    }

    /**
     * Only null is accepted: a session's own listener feeds {@link #run} for an application server's
     * ServerSessionPool, which Pub does not offer. Pools (pooled-jms, for one) reset every session they
     * take back with {@code setMessageListener(null)}; that has nothing to undo here.
     */
    @Override
    public void setMessageListener(MessageListener listener) throws JMSException {
        checkOpen();
        if (listener != null) {
            throw new JMSException("Session.setMessageListener (an optional application-server facility) is not"
                    + " supported by Pub; set the listener on a MessageConsumer");
        }
    }

    @Override
    public void run() {
        throw new UnsupportedOperationException(
                "Session.run (an optional application-server facility) is not supported by Pub");
    }

    void listenerChanged() {
        worker().wake();
    }

    /** Ends the listener thread's wait; called on publishers' threads, so it takes no lock. */
    void wake() {
        SessionWorker w = worker;
        if (w != null) {
            w.wake();
        }
    }

    private SessionWorker worker() {
        synchronized (lock) {
            if (worker == null) {
                // started once assigned: its first deliverOne uses this field (a worker started in
                // its constructor could take a delivery, then fail on the field still null and
                // leave the message held by nobody)
                worker = new SessionWorker(this::deliverOne, this::idle, connection::failed);
                worker.start();
            }
            return worker;
        }
    }

    /** Returns once a listener running on this session's thread has returned (not when called from it). */
    void awaitListenerIdle() {
        SessionWorker w;
        synchronized (lock) {
            w = worker;
        }
        if (w != null) {
            w.awaitIdle();
        }
    }

    private int nextConsumer;

    /** Called on the worker: delivers one message to one consumer's listener, if any is ready. */
    private boolean deliverOne() {
        if (closing || !connection.isStarted()) {
            return false;
        }
        List<PubMessageConsumer> all = consumers;
        int n = all.size();
        for (int i = 0; i < n; i++) {
            PubMessageConsumer c = all.get(Math.floorMod(nextConsumer + i, n));
            if (c.listener() == null) {
                continue;
            }
            Delivery d;
            try {
                d = c.tryNext();
            } catch (RuntimeException e) {
                connection.failed(e);
                return false;
            }
            if (d == null) {
                continue;
            }
            nextConsumer = Math.floorMod(nextConsumer + i + 1, n);
            SessionWorker w = worker;
            w.runningLock().lock();
            try {
                MessageListener l = c.listener();
                if (closing || !connection.isStarted() || l == null) {
                    c.putBack(d);
                    return false;
                }
                onMessage(c, d, l);
            } finally {
                w.runningLock().unlock();
            }
            return true;
        }
        return false;
    }

    /**
     * Runs the listener on one delivery. Whatever it throws, an Error such as an AssertionError
     * included, counts as the RuntimeException the specification calls a programming error: it is
     * logged, AUTO and DUPS_OK give the message back for redelivery, CLIENT and TRANSACTED keep it
     * unacknowledged, and the delivery thread goes on with the next message. Nothing is rethrown, not
     * even a VirtualMachineError: the thread that runs this session's listeners and completions must
     * survive, or its CompletionListeners would never be called and its close would never return.
     */
    private void onMessage(PubMessageConsumer c, Delivery d, MessageListener l) {
        Message m;
        try {
            m = deliver(c, d, true);
        } catch (JMSException | RuntimeException e) {
            connection.failed(e);
            acks.releaseQuietly(c, d); // not handed to the application: it goes back as it was
            return;
        }
        recoverCurrent = false;
        AckStrategy mode = strategy;
        boolean threw = false;
        long started = System.nanoTime();
        io.pub.PubTracing.TraceSpan span =
                connection.pub().metrics().tracing().startProcess(c.subscriber().subscription(), d);
        inMessageListener = true;
        try (io.pub.PubTracing.TraceScope scope = span.makeCurrent()) {
            l.onMessage(m);
        } catch (Throwable e) {
            threw = true;
            span.failed(e);
            org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PubSession.class);
            String text = "MessageListener of {} threw {}; the message will be redelivered"
                    + (mode.settlesOnListenerReturn() ? "" : " after recover or rollback");
            if (e instanceof Error) {
                log.error(text, c, e.toString(), e);
            } else {
                log.warn(text, c, e.toString());
            }
        } finally {
            inMessageListener = false;
            span.end();
        }
        connection.pub().metrics().recordProcessing(c.subscriber().subscription(), System.nanoTime() - started, !threw);
        try {
            mode.listened(c, d, threw || recoverCurrent);
        } catch (JMSException | RuntimeException e) {
            connection.failed(e);
        }
    }

    // ---- sending (used by producers)

    /** Sends now, holds for commit, or sends asynchronously, as the session and the caller say. */
    void send(String topic, io.pub.Message unstamped, Message message, CompletionListener listener)
            throws JMSException {
        sends.send(topic, unstamped, message, listener, strategy.holdsSends());
    }

    /** Runs application callback code on the delivery thread; directly once that thread has ended. */
    void onDeliveryThread(Runnable call) {
        if (closing) {
            call.run();
        } else {
            worker().submit(call);
        }
    }

    /** Refuses what a CompletionListener may not do to its own session, producer or connection. */
    void checkNotInCompletionListener(String what) throws IllegalStateException {
        if (sends.inCompletionListener() && isDeliveryThread()) {
            throw new IllegalStateException(what + " must not be called from a CompletionListener of this session");
        }
    }

    /** Waits until every async send of this session has completed and its listener was called. */
    void awaitAsyncSends() throws JMSException {
        if (!isDeliveryThread()) { // a listener cannot wait for the thread it runs on
            sends.awaitAsync();
        }
    }

    // ---- transactions

    @Override
    public boolean getTransacted() throws JMSException {
        checkOpen();
        return mode == SESSION_TRANSACTED;
    }

    @Override
    public int getAcknowledgeMode() throws JMSException {
        checkOpen();
        return mode;
    }

    @Override
    public void commit() throws JMSException {
        checkOpen();
        checkNotInCompletionListener("Session.commit");
        strategy.commit();
    }

    @Override
    public void rollback() throws JMSException {
        checkOpen();
        checkNotInCompletionListener("Session.rollback");
        strategy.rollback();
    }

    @Override
    public void recover() throws JMSException {
        checkOpen();
        if (mode != SESSION_TRANSACTED && isDeliveryThread()) {
            recoverCurrent = true; // AUTO/DUPS_OK: the message being processed comes back too
        }
        strategy.recover();
    }

    // ---- closing

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        if (isDeliveryThread()) {
            throw new IllegalStateException(
                    "a session must not be closed from its own MessageListener or" + " CompletionListener");
        }
        awaitAsyncSends();
        closing = true;
        SessionWorker w;
        synchronized (lock) {
            w = worker;
        }
        if (w != null) {
            w.shutdown(); // runs pending CompletionListeners, waits for a running MessageListener
        }
        JMSException failure = null;
        acks.close(); // before the mode settles what is held: a receive racing this close holds nothing after it
        try {
            strategy.close();
        } catch (JMSException e) {
            failure = e;
        }
        closed = true;
        for (PubMessageConsumer c : consumers) {
            try {
                c.closeInternal();
            } catch (JMSException e) {
                failure = failure == null ? e : failure;
            }
        }
        consumers.clear();
        producers.forEach(PubMessageProducer::markClosed);
        producers.clear();
        browsers.forEach(PubQueueBrowser::markClosed);
        browsers.clear();
        sends.close();
        connection.sessionClosed(this);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "PubSession[mode=" + mode + ", " + connection + "]";
    }
}
