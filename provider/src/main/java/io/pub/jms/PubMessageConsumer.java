package io.pub.jms;

import io.pub.Delivery;
import io.pub.Receiver;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.QueueReceiver;
import jakarta.jms.Topic;
import jakarta.jms.TopicSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A JMS consumer over a {@link Receiver}: its share of the one reader its subscription has in this
 * JVM's engine, which leases at most {@code prefetch} messages ahead into its buffer, orders them by
 * priority, then publish order (priority is best effort: only what is buffered is ordered), routes
 * what its selector refuses to the subscription's other local consumers, and renews the leases of
 * buffered and delivered-but-unacknowledged messages for as long as they are held, so only a dead JVM
 * lets them lapse. This class adds JMS: receive with its waits, the listener, and close.
 *
 * <p>Waiting: messages the reader put into this consumer's buffer wake it (a waiting receive or
 * the session's listener thread) at once, and a publish to the destination from this JVM wakes one
 * waiting consumer of the subscription, whose read serves the others ({@link Receiver#onArrival}).
 * Publishes from other JVMs are found by polling with a backoff of 1 to 50 ms;
 * shards found empty are looked at again only after a publish here or {@link #QUIET_RECHECK}, and a
 * shard found consumed again and again after twice as long each time, up to the idlePoll option
 * (250 ms), so an idle consumer costs few store calls.
 */
final class PubMessageConsumer implements MessageConsumer, QueueReceiver, TopicSubscriber {
    private static final long MAX_BACKOFF_MS = 50;
    /**
     * How long a shard found empty is not polled again unless this JVM publishes to it: as long as
     * the longest poll backoff, so a busy consumer finds other JVMs' messages on its quiet shards no
     * later than an idle one does. For a shard found consumed (nothing pending) it doubles with each
     * such poll in a row, up to the idlePoll option ({@link io.pub.Subscriber#poll(int, Duration, Duration)}).
     */
    static final Duration QUIET_RECHECK = Duration.ofMillis(50);

    private final PubSession session;
    private final PubDestination destination;
    private final Receiver receiver;
    private final Subscriptions.Closer onClose;
    private final String selector;
    private final boolean noLocal;
    private final Object signal = new Object();
    /** A publish (or a give-back) happened since the receiving thread last cleared it. */
    private volatile boolean woken;
    /** A receiving thread is (about to be) waiting on {@link #signal}. */
    private volatile boolean waiting;

    private volatile MessageListener listener;
    private volatile boolean closed;
    /** True once the subscription itself is gone: its deliveries need no ack. */
    private volatile boolean subscriptionGone;

    /**
     * How many lease durations a receive that acknowledges before returning holds its message's
     * lease for: a JVM pause during that acknowledgement shorter than this cannot let another
     * consumer take the message; a JVM killed during it has the message redelivered after this long.
     */
    static final int ACK_HOLD_LEASES = 10;

    private final Duration ackHold;

    PubMessageConsumer(
            PubSession session,
            PubDestination destination,
            Receiver receiver,
            Subscriptions.Closer onClose,
            String selector,
            boolean noLocal,
            Duration leaseDuration) {
        this.session = session;
        this.destination = destination;
        this.receiver = receiver;
        this.onClose = onClose;
        this.selector = selector;
        this.noLocal = noLocal;
        this.ackHold = leaseDuration.multipliedBy(ACK_HOLD_LEASES);
        receiver.onArrival(this::published);
    }

    /** How a JMS consumer takes from its receiver: priority order, a sender's order across shards. */
    static Receiver.Options receiverOptions(int prefetch, PubConnection connection) {
        return new Receiver.Options(
                prefetch,
                OrderHeaders.ORDER,
                OrderHeaders::previousShard,
                QUIET_RECHECK,
                connection.options().idlePoll(),
                connection::failed);
    }

    /**
     * When a message may have arrived (a publish here, deliveries put into this consumer's buffer),
     * quickly: marks it, and with {@code notify} ends a receive's wait or wakes the session's listener
     * thread. True if it did either (see {@link Receiver.Wakeup}).
     */
    private boolean published(boolean notify) {
        woken = true;
        if (!notify) {
            return false;
        }
        if (listener != null) {
            session.wake();
            return true;
        }
        if (waiting) {
            synchronized (signal) {
                signal.notifyAll();
            }
            return true;
        }
        return false;
    }

    PubDestination destination() {
        return destination;
    }

    /** This consumer's receiver: acknowledging, releasing and forgetting its deliveries go through it. */
    Receiver subscriber() {
        return receiver;
    }

    boolean subscriptionGone() {
        return subscriptionGone;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Called when deliveries of this consumer were acked or released: once it is closed and its
     * subscription is gone, what it delivered needs no settling and its receiver leaves (its
     * reader closes with the last one). A receiver leaves by itself once what it delivered is settled.
     */
    void settled() {
        if (closed && subscriptionGone) {
            receiver.abandon();
        }
    }

    // ---- taking messages

    /** The next buffered or newly leased delivery, without waiting; null if none. */
    Delivery tryNext() {
        return closed ? null : receiver.take();
    }

    /** Puts back a delivery taken but not handed to the application (delivery was stopped meanwhile). */
    void putBack(Delivery d) {
        receiver.putBack(d);
    }

    /** Waits up to {@code timeoutMs} (0 = forever, negative = not at all) for a delivery. */
    private Delivery next(long timeoutMs, Duration hold) throws JMSException {
        // a timeout too long to count in nanoseconds (receive(Long.MAX_VALUE)) waits as long as 0 does
        long deadline = timeoutMs == 0 || timeoutMs > Long.MAX_VALUE / 2_000_000
                ? Long.MAX_VALUE
                : System.nanoTime() + timeoutMs * 1_000_000;
        long backoff = 1;
        while (true) {
            if (closed || session.isClosed()) {
                return null;
            }
            if (session.connection().isStarted()) {
                woken = false; // before polling: a publish from now on ends the wait below
                try {
                    Delivery d = closed ? null : receiver.take(hold);
                    if (d != null) {
                        return d;
                    }
                } catch (RuntimeException e) {
                    throw JmsExceptions.toJms(e);
                }
                session.idle();
            }
            long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : (deadline - System.nanoTime()) / 1_000_000;
            if (timeoutMs < 0 || left <= 0) {
                return null;
            }
            synchronized (signal) {
                waiting = true;
                try {
                    if (!woken && !closed) {
                        signal.wait(Math.max(1, Math.min(backoff, left)));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw JmsExceptions.toJms(e);
                } finally {
                    waiting = false;
                }
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    private Message receive0(long timeoutMs) throws JMSException {
        checkOpen();
        if (listener != null) {
            throw new IllegalStateException("this consumer has a MessageListener; receive cannot be used with it");
        }
        // an AUTO_ACKNOWLEDGE receive writes its acknowledgement before it returns: the
        // message's lease is held through that call for longer than a JVM pause is expected to last
        Delivery d = next(timeoutMs, session.acksBeforeHandOut() ? ackHold : Duration.ZERO);
        if (d == null) {
            return null;
        }
        // a synchronous receive hands the message over and returns: its process span marks that
        io.pub.PubTracing.TraceSpan span =
                session.connection().pub().metrics().tracing().startProcess(receiver.subscription(), d);
        try (io.pub.PubTracing.TraceScope scope = span.makeCurrent()) {
            return session.deliver(this, d, false);
        } finally {
            span.end();
        }
    }

    @Override
    public Message receive() throws JMSException {
        return receive0(0);
    }

    @Override
    public Message receive(long timeout) throws JMSException {
        if (timeout < 0) {
            throw new JMSException("timeout must be >= 0 (0 = wait forever), was " + timeout);
        }
        return receive0(timeout);
    }

    @Override
    public Message receiveNoWait() throws JMSException {
        return receive0(-1);
    }

    // ---- listener

    @Override
    public MessageListener getMessageListener() throws JMSException {
        checkOpen();
        return listener;
    }

    @Override
    public void setMessageListener(MessageListener listener) throws JMSException {
        checkOpen();
        this.listener = listener;
        session.listenerChanged();
    }

    MessageListener listener() {
        return closed ? null : listener;
    }

    // ---- the rest

    @Override
    public String getMessageSelector() throws JMSException {
        checkOpen();
        return selector;
    }

    @Override
    public Queue getQueue() throws JMSException {
        checkOpen();
        if (destination instanceof Queue q) {
            return q;
        }
        throw new IllegalStateException("this consumer consumes from a topic");
    }

    @Override
    public Topic getTopic() throws JMSException {
        checkOpen();
        if (destination instanceof Topic t) {
            return t;
        }
        throw new IllegalStateException("this consumer consumes from a queue");
    }

    @Override
    public boolean getNoLocal() throws JMSException {
        checkOpen();
        return noLocal;
    }

    private void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("the message consumer is closed");
        }
        session.checkOpen();
    }

    /**
     * Closes the consumer: waits for its listener unless called from it, gives what it buffered but
     * never delivered to the subscription's other consumers here (or back to the store), and ends its subscription where the mapping says so. Deliveries the session
     * has not acknowledged yet stay leased (and renewed) until the session acknowledges, recovers or
     * closes.
     */
    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        session.awaitListenerIdle();
        closeInternal();
        session.consumerClosed(this);
    }

    /**
     * Every step runs even if one before it failed, so that what the consumer registered goes in any
     * case: a failed release must not keep a non-durable subscription in the store. The first failure
     * is thrown at the end.
     */
    void closeInternal() throws JMSException {
        if (closed) {
            return;
        }
        closed = true;
        List<Exception> failures = new ArrayList<>();
        synchronized (signal) {
            signal.notifyAll();
        }
        try {
            receiver.close(); // what it buffered goes to the subscription's other consumers here
        } catch (RuntimeException e) {
            failures.add(e);
        }
        try {
            subscriptionGone = onClose.close(failures);
        } catch (RuntimeException e) {
            failures.add(e);
        }
        settled();
        if (!failures.isEmpty()) {
            Exception first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw JmsExceptions.toJms(first);
        }
    }

    /** Gives back buffered deliveries (recover, rollback): later ones must not overtake the recovered ones. */
    void releaseHeld() {
        receiver.releaseBuffered();
    }

    @Override
    public String toString() {
        return "PubMessageConsumer[" + destination + ", subscription="
                + receiver.subscription().id() + "]";
    }
}
