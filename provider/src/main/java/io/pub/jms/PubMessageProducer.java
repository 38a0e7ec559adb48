package io.pub.jms;

import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueSender;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A producer. Each send sets the header fields on the application's message (as the specification
 * requires), converts it (a foreign message is copied) and stores it through its session's engine
 * producer, which keeps the session's messages to a destination in one shard, hence in order; a
 * message with JMSXGroupID goes to the shard of its group instead.
 *
 * <p>NON_PERSISTENT messages are stored exactly like PERSISTENT ones (the store has one durability);
 * JMSDeliveryMode still reads NON_PERSISTENT on receipt.
 */
final class PubMessageProducer implements MessageProducer, QueueSender, TopicPublisher {
    /**
     * Message ids: a random prefix per JVM and a counter, unique like a UUID per message but without
     * a SecureRandom call (a lock shared by every sending thread) per send.
     */
    private static final String MESSAGE_ID_PREFIX = "ID:" + UUID.randomUUID() + "-";

    private static final AtomicLong MESSAGE_IDS = new AtomicLong();

    private final PubSession session;
    private final PubDestination destination;
    private volatile boolean closed;
    private boolean disableMessageId;
    private boolean disableTimestamp;
    private int deliveryMode = DeliveryMode.PERSISTENT;
    private int priority = Message.DEFAULT_PRIORITY;
    private long timeToLive;
    private long deliveryDelay;

    PubMessageProducer(PubSession session, PubDestination destination) {
        this.session = session;
        this.destination = destination;
    }

    private void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("the message producer is closed");
        }
        session.checkOpen();
    }

    void markClosed() {
        closed = true;
    }

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        session.checkNotInCompletionListener("MessageProducer.close");
        session.awaitAsyncSends();
        closed = true;
        session.producerClosed(this);
    }

    // ---- properties

    @Override
    public void setDisableMessageID(boolean value) throws JMSException {
        checkOpen();
        disableMessageId = value;
    }

    @Override
    public boolean getDisableMessageID() throws JMSException {
        checkOpen();
        return disableMessageId;
    }

    @Override
    public void setDisableMessageTimestamp(boolean value) throws JMSException {
        checkOpen();
        disableTimestamp = value;
    }

    @Override
    public boolean getDisableMessageTimestamp() throws JMSException {
        checkOpen();
        return disableTimestamp;
    }

    @Override
    public void setDeliveryMode(int deliveryMode) throws JMSException {
        checkOpen();
        checkDeliveryMode(deliveryMode);
        this.deliveryMode = deliveryMode;
    }

    @Override
    public int getDeliveryMode() throws JMSException {
        checkOpen();
        return deliveryMode;
    }

    @Override
    public void setPriority(int priority) throws JMSException {
        checkOpen();
        checkPriority(priority);
        this.priority = priority;
    }

    @Override
    public int getPriority() throws JMSException {
        checkOpen();
        return priority;
    }

    @Override
    public void setTimeToLive(long timeToLive) throws JMSException {
        checkOpen();
        checkTimeToLive(timeToLive);
        this.timeToLive = timeToLive;
    }

    @Override
    public long getTimeToLive() throws JMSException {
        checkOpen();
        return timeToLive;
    }

    @Override
    public void setDeliveryDelay(long deliveryDelay) throws JMSException {
        checkOpen();
        if (deliveryDelay < 0) {
            throw new JMSException("deliveryDelay must be >= 0 ms (0 = none), was " + deliveryDelay);
        }
        this.deliveryDelay = deliveryDelay;
    }

    @Override
    public long getDeliveryDelay() throws JMSException {
        checkOpen();
        return deliveryDelay;
    }

    @Override
    public Destination getDestination() throws JMSException {
        checkOpen();
        return destination;
    }

    @Override
    public Queue getQueue() throws JMSException {
        checkOpen();
        return destination instanceof Queue q ? q : null;
    }

    @Override
    public Topic getTopic() throws JMSException {
        checkOpen();
        return destination instanceof Topic t ? t : null;
    }

    private static void checkDeliveryMode(int mode) throws JMSException {
        if (mode != DeliveryMode.PERSISTENT && mode != DeliveryMode.NON_PERSISTENT) {
            throw new JMSException(
                    "deliveryMode must be DeliveryMode.PERSISTENT (2) or NON_PERSISTENT (1), was " + mode);
        }
    }

    private static void checkPriority(int priority) throws JMSException {
        if (priority < 0 || priority > 9) {
            throw new JMSException("priority must be between 0 and 9, was " + priority);
        }
    }

    // ---- sending

    @Override
    public void send(Message message) throws JMSException {
        send(message, deliveryMode, priority, timeToLive);
    }

    @Override
    public void send(Message message, int deliveryMode, int priority, long timeToLive) throws JMSException {
        sendToOwn(message, deliveryMode, priority, timeToLive, null);
    }

    @Override
    public void send(Destination destination, Message message) throws JMSException {
        send(destination, message, deliveryMode, priority, timeToLive);
    }

    @Override
    public void send(Destination destination, Message message, int deliveryMode, int priority, long timeToLive)
            throws JMSException {
        sendTo(destination, message, deliveryMode, priority, timeToLive, null);
    }

    @Override
    public void send(Message message, CompletionListener completionListener) throws JMSException {
        send(message, deliveryMode, priority, timeToLive, completionListener);
    }

    @Override
    public void send(
            Message message, int deliveryMode, int priority, long timeToLive, CompletionListener completionListener)
            throws JMSException {
        sendToOwn(message, deliveryMode, priority, timeToLive, requireListener(completionListener));
    }

    @Override
    public void send(Destination destination, Message message, CompletionListener completionListener)
            throws JMSException {
        send(destination, message, deliveryMode, priority, timeToLive, completionListener);
    }

    @Override
    public void send(
            Destination destination,
            Message message,
            int deliveryMode,
            int priority,
            long timeToLive,
            CompletionListener completionListener)
            throws JMSException {
        sendTo(destination, message, deliveryMode, priority, timeToLive, requireListener(completionListener));
    }

    @Override
    public void send(Queue queue, Message message) throws JMSException {
        send((Destination) queue, message);
    }

    @Override
    public void send(Queue queue, Message message, int deliveryMode, int priority, long timeToLive)
            throws JMSException {
        send((Destination) queue, message, deliveryMode, priority, timeToLive);
    }

    @Override
    public void publish(Message message) throws JMSException {
        send(message);
    }

    @Override
    public void publish(Message message, int deliveryMode, int priority, long timeToLive) throws JMSException {
        send(message, deliveryMode, priority, timeToLive);
    }

    @Override
    public void publish(Topic topic, Message message) throws JMSException {
        send(topic, message);
    }

    @Override
    public void publish(Topic topic, Message message, int deliveryMode, int priority, long timeToLive)
            throws JMSException {
        send(topic, message, deliveryMode, priority, timeToLive);
    }

    private static CompletionListener requireListener(CompletionListener l) {
        if (l == null) {
            throw new IllegalArgumentException("completionListener must not be null");
        }
        return l;
    }

    private void sendToOwn(Message message, int mode, int prio, long ttl, CompletionListener listener)
            throws JMSException {
        checkOpen();
        if (destination == null) {
            throw new UnsupportedOperationException(
                    "this producer was created without a destination; use a send method that takes one");
        }
        doSend(destination, message, mode, prio, ttl, listener);
    }

    private void sendTo(Destination to, Message message, int mode, int prio, long ttl, CompletionListener listener)
            throws JMSException {
        checkOpen();
        if (destination != null) {
            throw new UnsupportedOperationException("this producer was created with destination " + destination
                    + "; use a send method without a destination");
        }
        if (to == null) {
            throw new InvalidDestinationException("destination must not be null for a producer without one");
        }
        doSend(PubDestination.of(to), message, mode, prio, ttl, listener);
    }

    private void doSend(PubDestination to, Message message, int mode, int prio, long ttl, CompletionListener listener)
            throws JMSException {
        if (message == null) {
            throw new MessageFormatException("message must not be null");
        }
        checkDeliveryMode(mode);
        checkPriority(prio);
        checkTimeToLive(ttl);
        PubConnection connection = session.connection();
        connection.ensure(to);
        long now = connection.pub().clock().millis();
        message.setJMSDestination(to);
        message.setJMSDeliveryMode(mode);
        message.setJMSPriority(prio);
        // saturating: a time to live or delay of Long.MAX_VALUE means "never" / "far future", not overflow
        message.setJMSExpiration(ttl > 0 ? plus(now, ttl) : 0);
        message.setJMSDeliveryTime(plus(now, deliveryDelay));
        message.setJMSTimestamp(disableTimestamp ? 0 : now);
        message.setJMSMessageID(disableMessageId ? null : MESSAGE_ID_PREFIX + MESSAGE_IDS.incrementAndGet());
        PubMessage pm = message instanceof PubMessage p ? p : PubMessage.copyOf(message);
        io.pub.Message stored;
        try {
            stored = MessageMapping.storedBuilder(pm, now)
                    .deliveryTime(deliveryDelay > 0 ? plus(now, deliveryDelay) : 0)
                    .header(JmsHeaders.ORIGIN, connection.id())
                    .build();
        } catch (IllegalArgumentException e) {
            throw JmsExceptions.withCause(new MessageFormatException(e.getMessage()), e);
        }
        session.send(to.name(), stored, message, listener);
    }

    static long plus(long epochMillis, long millis) {
        long sum = epochMillis + millis;
        return millis > 0 && sum < epochMillis ? Long.MAX_VALUE : sum;
    }

    static void checkTimeToLive(long timeToLive) throws JMSException {
        if (timeToLive < 0) {
            throw new JMSException("timeToLive must be >= 0 ms (0 = unlimited), was " + timeToLive);
        }
    }

    @Override
    public String toString() {
        return "PubMessageProducer[" + (destination == null ? "anonymous" : destination) + "]";
    }
}
