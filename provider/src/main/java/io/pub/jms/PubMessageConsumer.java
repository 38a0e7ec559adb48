package io.pub.jms;

import io.pub.Delivery;
import io.pub.Subscriber;
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
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A consumer over one {@link Subscriber}. It leases at most {@code prefetch} messages ahead and hands
 * out the highest priority first among those it holds, then the oldest (priority is best effort:
 * only what this consumer holds is ordered). Leases of held and delivered-but-unacknowledged messages are renewed
 * in the background for as long as the consumer (or its session's unacknowledged work) lives, so
 * only a dead JVM lets them lapse.
 *
 * <p>Waiting: a publish to the destination from this JVM wakes waiting receivers and the session's
 * listener thread at once ({@link Subscriber#onPublish}). Publishes from other JVMs are found by
 * polling with a backoff of 1 to 50 ms; shards found empty are looked at again only after a publish
 * here or {@link #QUIET_RECHECK}, so an idle consumer costs few store calls.
 */
final class PubMessageConsumer implements MessageConsumer, QueueReceiver, TopicSubscriber {
    private static final long MAX_BACKOFF_MS = 50;
    /** How long a shard found empty is not polled again unless this JVM publishes to it. */
    static final Duration QUIET_RECHECK = Duration.ofMillis(20);

    private final PubSession session;
    private final PubDestination destination;
    private final Subscriber subscriber;
    private final Subscriptions.Closer onClose;
    private final String selector;
    private final boolean noLocal;
    private final int prefetch;
    private final PriorityQueue<Held> held = new PriorityQueue<>(
            Comparator.comparing((Held h) -> h.delivery, OrderHeaders.ORDER).thenComparingLong(h -> h.seq));
    private final Object signal = new Object();
    private final ScheduledFuture<?> renewal;
    private final AutoCloseable wakeups;
    /** A publish (or a give-back) happened since the receiving thread last cleared it. */
    private volatile boolean woken;
    /** A receiving thread is (about to be) waiting on {@link #signal}. */
    private volatile boolean waiting;

    private long seq;
    private volatile MessageListener listener;
    private volatile boolean closed;
    /** True once the subscription itself is gone: its deliveries need no ack. */
    private volatile boolean subscriptionGone;

    private record Held(Delivery delivery, long seq) {}

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
            Subscriber subscriber,
            Subscriptions.Closer onClose,
            String selector,
            boolean noLocal,
            int prefetch,
            Duration leaseDuration) {
        this.session = session;
        this.destination = destination;
        this.subscriber = subscriber;
        this.onClose = onClose;
        this.selector = selector;
        this.noLocal = noLocal;
        this.prefetch = prefetch;
        this.ackHold = leaseDuration.multipliedBy(ACK_HOLD_LEASES);
        long period = Math.max(10, leaseDuration.toMillis() / 4);
        Duration margin = leaseDuration.dividedBy(2);
        this.renewal = session.connection()
                .pub()
                .scheduler()
                .scheduleWithFixedDelay(() -> renew(margin), period, period, TimeUnit.MILLISECONDS);
        this.wakeups = subscriber.onPublish(this::published);
    }

    /** On the publisher's thread, after a publish to the destination: ends waits, quickly. */
    private void published() {
        woken = true;
        if (waiting) {
            synchronized (signal) {
                signal.notifyAll();
            }
        }
        if (listener != null) {
            session.wake();
        }
    }

    PubDestination destination() {
        return destination;
    }

    Subscriber subscriber() {
        return subscriber;
    }

    boolean subscriptionGone() {
        return subscriptionGone;
    }

    boolean isClosed() {
        return closed;
    }

    private void renew(Duration margin) {
        try {
            subscriber.renew(margin);
            settled();
        } catch (RuntimeException e) {
            session.connection().failed(e);
        }
    }

    /**
     * Called when deliveries of this consumer were acked or released: once it is closed and its
     * session holds none of its deliveries any more, its renewal stops and its subscriber closes
     * (meters, wake-up and claim entries go).
     */
    void settled() {
        if (closed && (subscriptionGone || subscriber.outstanding().isEmpty())) {
            renewal.cancel(false);
            try {
                subscriber.close();
            } catch (RuntimeException e) {
                session.connection().failed(e); // what it still held lapses by itself
            }
        }
    }

    // ---- taking messages

    /** The next held or newly leased delivery, without waiting; null if none. */
    Delivery tryNext() {
        return tryNext(Duration.ZERO);
    }

    /**
     * The next held or newly leased delivery, its lease left with more than {@code hold} to run
     * ({@link io.pub.Subscriber#confirm(Delivery, Duration)}); null if none.
     */
    private Delivery tryNext(Duration hold) {
        if (closed) {
            return null;
        }
        synchronized (held) {
            while (true) {
                if (held.isEmpty()) {
                    for (Delivery d : subscriber.poll(prefetch, QUIET_RECHECK)) {
                        held.add(new Held(d, seq++));
                    }
                    if (held.isEmpty()) {
                        return null;
                    }
                }
                fetchPredecessors();
                // a store failure while confirming leaves it held (and renewed) for the next receive
                Optional<Delivery> confirmed = subscriber.confirm(held.peek().delivery, hold);
                held.poll();
                if (confirmed.isEmpty()) {
                    // its lease lapsed while it was held (this JVM paused, or renewals failed) and
                    // another consumer has it now: not handed out here
                    continue;
                }
                Delivery d = confirmed.get();
                if (d.message().isExpired(session.connection().pub().clock().millis())) {
                    // expired while held: done, never delivered
                    subscriber.ack(List.of(subscriber.current(d)));
                    continue;
                }
                return d;
            }
        }
    }

    /**
     * Before handing out the first held message: if its sender's previous message went to another
     * shard from which nothing is held, lease what waits there first, so the sender's order holds
     * ({@link OrderHeaders}). Each shard is asked at most once per call.
     */
    private void fetchPredecessors() {
        boolean[] asked = new boolean[subscriber.shardCount()];
        while (true) {
            Delivery first = held.peek().delivery;
            int previous = OrderHeaders.previousShard(first);
            if (previous < 0
                    || previous >= asked.length
                    || asked[previous]
                    || previous == first.shard().shard()) {
                return;
            }
            asked[previous] = true;
            boolean holding = false;
            for (Held h : held) {
                holding |= h.delivery.shard().shard() == previous;
            }
            if (holding) {
                return;
            }
            for (Delivery d : subscriber.poll(previous, 1)) {
                held.add(new Held(d, seq++));
            }
        }
    }

    /** Puts back a delivery taken but not handed to the application (delivery was stopped meanwhile). */
    void putBack(Delivery d) {
        synchronized (held) {
            held.add(new Held(d, -1));
        }
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
                    Delivery d = tryNext(hold);
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
        io.pub.PubTracing.TraceSpan span = session.connection()
                .pub()
                .metrics()
                .tracing()
                .startProcess(subscriber().subscription(), d);
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
     * Closes the consumer: waits for its listener unless called from it, gives back what it holds but
     * never delivered, and ends its subscription where the mapping says so. Deliveries the session
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
        try {
            wakeups.close();
        } catch (Exception e) {
            failures.add(e);
        }
        synchronized (signal) {
            signal.notifyAll();
        }
        List<Delivery> back = new ArrayList<>();
        synchronized (held) {
            held.forEach(h -> back.add(subscriber.current(h.delivery)));
            held.clear();
        }
        if (!back.isEmpty()) {
            try {
                subscriber.release(back, Duration.ZERO);
            } catch (RuntimeException e) {
                failures.add(e);
                subscriber.forget(back); // their leases lapse by themselves
            }
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

    /** Gives back held deliveries (recover, rollback): later ones must not overtake the recovered ones. */
    void releaseHeld() {
        List<Delivery> back = new ArrayList<>();
        synchronized (held) {
            held.forEach(h -> back.add(subscriber.current(h.delivery)));
            held.clear();
        }
        if (!back.isEmpty()) {
            subscriber.release(back, Duration.ZERO);
        }
    }

    @Override
    public String toString() {
        return "PubMessageConsumer[" + destination + ", subscription="
                + subscriber.subscription().id() + "]";
    }
}
