package io.pub.bench;

import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/** The JMS client code every workload shares: the message, the consumer loop, completion. */
final class Clients {
    /** Consumers acknowledge (or commit) every this many messages; producers commit as often. */
    static final int BATCH = 100;

    static final String SEQ = "seq";
    static final String SENT_NANOS = "sentNanos";

    private Clients() {}

    /** A 1 KiB persistent BytesMessage carrying its sequence id; a new one per send. */
    static BytesMessage message(Session session, int seq, Bodies bodies) throws JMSException {
        BytesMessage m = session.createBytesMessage();
        m.writeBytes(bodies.body(seq));
        m.setIntProperty(SEQ, seq);
        return m;
    }

    static MessageProducer producer(Session session, Destination destination) throws JMSException {
        MessageProducer p = session.createProducer(destination);
        p.setDeliveryMode(DeliveryMode.PERSISTENT);
        return p;
    }

    interface OnDelivery {
        void accept(Message m) throws JMSException;
    }

    /**
     * Receives until {@code stop} is set and nothing more arrives, acknowledging (CLIENT_ACKNOWLEDGE)
     * or committing (transacted session) every {@link #BATCH} messages and once more at the end; an
     * AUTO_ACKNOWLEDGE session acknowledges each message itself.
     */
    static void consume(Session session, MessageConsumer consumer, AtomicBoolean stop, OnDelivery onDelivery)
            throws JMSException {
        boolean settles = session.getTransacted() || session.getAcknowledgeMode() == Session.CLIENT_ACKNOWLEDGE;
        int pending = 0;
        Message last = null;
        while (true) {
            Message m = consumer.receive(50);
            if (m == null) {
                if (stop.get()) {
                    break;
                }
                continue;
            }
            onDelivery.accept(m);
            last = m;
            if (settles && ++pending == BATCH) {
                settle(session, m);
                pending = 0;
            }
        }
        if (pending > 0) {
            settle(session, last);
        }
    }

    static void settle(Session session, Message last) throws JMSException {
        if (session.getTransacted()) {
            session.commit();
        } else {
            last.acknowledge();
        }
    }

    /**
     * Waits until the producers are done and every sent message reached every sink, or a client
     * failed, or nothing moved for {@code stall}; then stops the consumers. Returns why the run is
     * incomplete, or null.
     */
    static String await(Workers producers, Workers consumers, Tally tally, AtomicBoolean stop, Duration stall)
            throws InterruptedException {
        String problem = null;
        long mark = -1;
        long lastMove = System.nanoTime();
        while (true) {
            String error = producers.error() != null ? producers.error() : consumers.error();
            if (error != null) {
                problem = error;
                break;
            }
            if (!producers.alive() && tally.missing() == 0) {
                break;
            }
            long now = System.nanoTime();
            long progress = tally.progress();
            if (progress != mark) {
                mark = progress;
                lastMove = now;
            } else if (now - lastMove > stall.toNanos()) {
                problem = "no progress for " + stall.toSeconds() + " s ("
                        + (producers.alive() ? "producers" : "consumers") + " stuck)";
                break;
            }
            LockSupport.parkNanos(2_000_000);
        }
        stop.set(true);
        if (!producers.join(Duration.ofSeconds(10)) || !consumers.join(Duration.ofSeconds(10))) {
            problem = (problem == null ? "" : problem + "; ") + "client threads did not finish within 10 s";
        }
        if (problem == null) {
            problem = producers.error() != null ? producers.error() : consumers.error();
        }
        return problem;
    }

    /** Closes on a daemon thread so a hanging close costs at most {@code timeout}. */
    static void closeQuietly(AutoCloseable c, Duration timeout) {
        if (c == null) {
            return;
        }
        Workers w = new Workers();
        w.start("close", c::close);
        try {
            w.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static double perSecond(long count, long nanos) {
        return nanos <= 0 ? 0 : count * 1e9 / nanos;
    }
}
