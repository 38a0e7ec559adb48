package io.pub.jms;

import io.pub.Delivery;
import io.pub.Receiver;
import io.pub.RedeliveryPolicy;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deliveries a session holds and the store work to settle them: acknowledging and giving back
 * for redelivery. The acknowledgement modes ({@link AckStrategy}) decide when; this class does it,
 * the same way for all of them.
 *
 * <p>It holds two kinds of deliveries. Held ones are delivered and not settled yet: CLIENT's not
 * acknowledged, a transaction's, DUPS_OK's acknowledgements still to write. Deferred ones are
 * receipts a JMSContext's receiveBody has not taken yet (a body of the wrong type leaves its
 * message unacknowledged, to be handed out again); they are given back, never acknowledged, unless
 * taken.
 */
final class SessionAcks {
    record Delivered(PubMessageConsumer consumer, Delivery delivery) {}

    private final PubSession session;
    private final Object lock = new Object();
    private final List<Delivered> held = new ArrayList<>(); // guarded by lock
    private final Map<Message, Delivered> deferred = new IdentityHashMap<>(); // guarded by lock
    /** The session is closing: what is still handed out goes back at once instead of being held. */
    private boolean closed; // guarded by lock

    SessionAcks(PubSession session) {
        this.session = session;
    }

    private PubConnection connection() {
        return session.connection();
    }

    /**
     * Holds a delivery until the mode settles it; returns how many are held now. Once the session is
     * closing, a delivery a receive on another thread still hands out is given back at once: held,
     * it would stay leased (and renewed) with nobody left to settle it.
     */
    int hold(PubMessageConsumer consumer, Delivery d) {
        synchronized (lock) {
            if (!closed) {
                held.add(new Delivered(consumer, d));
                return held.size();
            }
        }
        releaseQuietly(consumer, d);
        return 0;
    }

    /**
     * The session is closing: from now on nothing more is held (see {@link #hold}); what is held
     * already is for the mode's close to settle.
     */
    void close() {
        synchronized (lock) {
            closed = true;
        }
    }

    /** Takes every held delivery out (an XA branch takes them over). */
    List<Delivered> takeHeld() {
        synchronized (lock) {
            List<Delivered> all = new ArrayList<>(held);
            held.clear();
            return all;
        }
    }

    /** Keeps a received message's receipt until {@link #undefer} takes it or the session gives it back. */
    void defer(Message m, PubMessageConsumer consumer, Delivery d) {
        synchronized (lock) {
            if (!closed) {
                deferred.put(m, new Delivered(consumer, d));
                return;
            }
        }
        releaseQuietly(consumer, d); // the session is closing (see hold)
    }

    /** The deferred receipt of {@code m}, taken out; null if it has none. */
    Delivered undefer(Message m) {
        synchronized (lock) {
            return deferred.remove(m);
        }
    }

    /** True if a delivery of subscription {@code id} is held or deferred. */
    boolean holdsFor(String subscriptionId) {
        synchronized (lock) {
            return held.stream().anyMatch(d -> isOf(d, subscriptionId))
                    || deferred.values().stream().anyMatch(d -> isOf(d, subscriptionId));
        }
    }

    private static boolean isOf(Delivered d, String subscriptionId) {
        return d.consumer().subscriber().subscription().id().equals(subscriptionId);
    }

    /** The consumer closed with its subscription: its deliveries are gone with it. */
    void forget(PubMessageConsumer consumer) {
        synchronized (lock) {
            held.removeIf(x -> x.consumer() == consumer);
            deferred.values().removeIf(x -> x.consumer() == consumer);
        }
    }

    /**
     * Acks deliveries. With {@code sync} (a transacted commit, or blockOnAcknowledge) it returns once
     * the store has them; otherwise the engine writes them in the background with other
     * acknowledgements ({@link Receiver#ackAsync}) and a failure goes to the ExceptionListener. If
     * the write fails the subscriber forgets the deliveries (their leases lapse, and if the ack did
     * not apply they are redelivered): renewing them for ever would keep them from everyone, also
     * after the consumer closed.
     */
    void ack(PubMessageConsumer consumer, List<Delivery> ds, boolean sync) throws JMSException {
        if (consumer.subscriptionGone()) {
            return; // closed with its subscription (e.g. from its own listener): nothing left to ack
        }
        Receiver sub = consumer.subscriber();
        try {
            if (sync) {
                try {
                    sub.ack(ds);
                } catch (RuntimeException e) {
                    throw JmsExceptions.toJms(e);
                }
            } else {
                sub.ackAsync(ds).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        backgroundAckFailed(consumer, ds.size(), failure);
                    }
                });
            }
        } finally {
            consumer.settled();
        }
    }

    /** Tells the ExceptionListener, on the session's thread, that an acknowledgement was not written. */
    private void backgroundAckFailed(PubMessageConsumer consumer, int count, Throwable failure) {
        JMSException cause = JmsExceptions.toJms(failure);
        JMSException report = new JMSException(
                "acknowledging " + count + " message(s) of " + consumer + " failed (" + failure.getMessage()
                        + "); they were handed out all the same and may be delivered again",
                cause.getErrorCode());
        session.onDeliveryThread(() -> connection().report(JmsExceptions.withCause(report, failure)));
    }

    /** Acks every held delivery; the first failure is thrown once all were tried. */
    void ackHeld(boolean sync) throws JMSException {
        JMSException failure = null;
        for (Map.Entry<PubMessageConsumer, List<Delivery>> e :
                byConsumer(takeHeld()).entrySet()) {
            try {
                ack(e.getKey(), e.getValue(), sync);
            } catch (JMSException ex) {
                failure = failure == null ? ex : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    interface Acknowledgement {
        void run() throws JMSException;
    }

    /**
     * The acknowledgement a receive makes before it returns (AUTO, DUPS_OK). When it fails the message
     * is handed out all the same, and the failure goes to the ExceptionListener: the store may have
     * applied it (a reply lost, a timeout after the write), and then throwing would lose a message
     * nobody received; if it did not, the lease lapses and the message comes again, redelivered.
     */
    void ackOnReceive(PubMessage m, Acknowledgement ack) {
        try {
            ack.run();
        } catch (JMSException e) {
            String id = m.getJMSMessageID();
            JMSException report = new JMSException(
                    "acknowledging message " + id + " as it was received failed (" + e.getMessage() + "); it was"
                            + " handed out all the same and may be delivered again",
                    e.getErrorCode());
            connection().report(JmsExceptions.withCause(report, e));
        }
    }

    /** Gives deliveries back for redelivery after the backed-off redelivery delay. */
    void release(PubMessageConsumer consumer, List<Delivery> ds) {
        if (consumer.subscriptionGone()) {
            return;
        }
        Receiver sub = consumer.subscriber();
        RedeliveryPolicy redelivery = connection().options().redelivery();
        Map<Duration, List<Delivery>> byDelay = new LinkedHashMap<>();
        for (Delivery d : ds) {
            byDelay.computeIfAbsent(redelivery.delayBefore(d.deliveryCount()), k -> new ArrayList<>())
                    .add(sub.current(d));
        }
        try {
            byDelay.forEach((delay, list) -> {
                try {
                    sub.release(list, delay);
                } catch (RuntimeException e) {
                    sub.forget(list); // not renewed for ever: their leases lapse, and they come again
                    throw e;
                }
            });
        } finally {
            consumer.settled();
        }
    }

    /**
     * A listener's message to come again (it threw): given back for redelivery, and what its consumer
     * prefetched goes back too, uncounted, so that the failed message comes again before the ones
     * behind it ("immediately", as the specification says).
     */
    void redeliverListened(PubMessageConsumer consumer, Delivery d) {
        release(consumer, List.of(d));
        consumer.releaseHeld();
    }

    /** Gives back one delivery; a failure goes to the ExceptionListener (its lease lapses by itself). */
    void releaseQuietly(PubMessageConsumer c, Delivery d) {
        try {
            release(c, List.of(d));
        } catch (RuntimeException e) {
            connection().failed(e);
        }
    }

    /** Gives back the deferred receipts only (the session closes without releasing the rest). */
    void releaseDeferred() throws JMSException {
        List<Delivered> all;
        synchronized (lock) {
            all = new ArrayList<>(deferred.values());
            deferred.clear();
        }
        releaseEach(all, null);
    }

    /**
     * Gives back what the session delivered and did not settle (held and deferred deliveries), and,
     * with {@code consumers}, what they prefetched: recover, rollback and close.
     */
    void releaseAll(List<PubMessageConsumer> consumers) throws JMSException {
        List<Delivered> all;
        synchronized (lock) {
            all = new ArrayList<>(held);
            all.addAll(deferred.values());
            held.clear();
            deferred.clear();
        }
        releaseEach(all, consumers);
    }

    private void releaseEach(List<Delivered> all, List<PubMessageConsumer> consumers) throws JMSException {
        RuntimeException failure = null;
        if (consumers != null) {
            for (PubMessageConsumer c : consumers) {
                try {
                    c.releaseHeld();
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                }
            }
        }
        for (Map.Entry<PubMessageConsumer, List<Delivery>> e : byConsumer(all).entrySet()) {
            try {
                release(e.getKey(), e.getValue());
            } catch (RuntimeException ex) {
                failure = failure == null ? ex : failure;
            }
        }
        if (failure != null) {
            throw JmsExceptions.toJms(failure);
        }
    }

    private static Map<PubMessageConsumer, List<Delivery>> byConsumer(List<Delivered> all) {
        Map<PubMessageConsumer, List<Delivery>> m = new LinkedHashMap<>();
        for (Delivered d : all) {
            m.computeIfAbsent(d.consumer(), k -> new ArrayList<>()).add(d.delivery());
        }
        return m;
    }
}
