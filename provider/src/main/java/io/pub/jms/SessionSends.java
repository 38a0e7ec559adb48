package io.pub.jms;

import io.pub.Producer;
import jakarta.jms.CompletionListener;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TransactionRolledBackException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sending side of a session: one engine producer for the whole session (JMS orders messages per
 * session and destination, and an engine producer keeps its unkeyed messages in one shard, so every
 * producer of the session, and JMSContext users create one per send, writes to the same shard), the
 * order headers, the sends a transaction holds until commit, and async sends written in order by one
 * sender thread with their CompletionListeners called on the session's delivery thread.
 */
final class SessionSends {
    /** Orders the messages of all sessions of this JVM: the tie-break of equal publish times. */
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final PubSession session;
    private final Producer producer;
    private final Object lock = new Object();
    /** The shard each destination last got from this session. */
    private final Map<String, Integer> lastShard = new HashMap<>();

    private final List<Held> held = new ArrayList<>();
    private ExecutorService sender;
    private int asyncOutstanding;
    /** True on the delivery thread while a CompletionListener runs. */
    private volatile boolean inCompletionListener;

    private record Held(String topic, io.pub.Message stored, Message message, CompletionListener listener) {}

    SessionSends(PubSession session, Producer producer) {
        this.session = session;
        this.producer = producer;
    }

    /**
     * Stamps the order headers: a sequence number, and the shard of the session's previous message to
     * this destination when this one goes to another shard (a JMSXGroupID moved it), so a consumer
     * can fetch that predecessor first ({@link OrderHeaders}).
     */
    private io.pub.Message stamp(String topic, io.pub.Message stored) throws JMSException {
        int shard;
        try {
            shard = producer.shardFor(topic, stored.key());
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e, JmsExceptions.Context.DESTINATION);
        }
        Integer previous;
        synchronized (lock) {
            previous = lastShard.put(topic, shard);
        }
        io.pub.Message.Builder b =
                stored.toBuilder().header(OrderHeaders.SEQUENCE, Long.toString(SEQUENCE.incrementAndGet()));
        if (previous != null && previous != shard) {
            b.header(OrderHeaders.PREVIOUS_SHARD, Integer.toString(previous));
        }
        return b.build();
    }

    /** Sends now, holds for commit ({@code transacted}), or sends asynchronously when given a listener. */
    void send(String topic, io.pub.Message unstamped, Message message, CompletionListener listener, boolean transacted)
            throws JMSException {
        if (transacted) {
            synchronized (lock) {
                session.checkOpen();
                held.add(new Held(topic, stamp(topic, unstamped), message, listener));
            }
            if (listener != null) {
                // Accepted into the transaction: complete as far as the application can tell; whether
                // it is stored is decided by commit (a rollback calls onException).
                session.onDeliveryThread(() -> completion(() -> listener.onCompletion(message)));
            }
            return;
        }
        io.pub.Message stored = stamp(topic, unstamped);
        if (listener == null) {
            publish(topic, List.of(stored));
            return;
        }
        ExecutorService s;
        synchronized (lock) {
            asyncOutstanding++;
            if (sender == null) {
                sender = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "pub-sender");
                    t.setDaemon(true);
                    return t;
                });
            }
            s = sender;
        }
        s.execute(() -> {
            JMSException failure = null;
            try {
                publish(topic, List.of(stored));
            } catch (JMSException e) {
                failure = e;
            }
            JMSException f = failure;
            session.onDeliveryThread(() -> {
                try {
                    completion(() -> {
                        if (f == null) {
                            listener.onCompletion(message);
                        } else {
                            listener.onException(message, f);
                        }
                    });
                } finally {
                    asyncDone();
                }
            });
        });
    }

    private void publish(String topic, List<io.pub.Message> batch) throws JMSException {
        try {
            producer.publish(topic, batch);
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e, JmsExceptions.Context.DESTINATION);
        }
    }

    /** Runs a CompletionListener call, marking it so that the calls section 7.3.8 forbids are refused. */
    private void completion(Runnable call) {
        inCompletionListener = true;
        try {
            call.run();
        } finally {
            inCompletionListener = false;
        }
    }

    boolean inCompletionListener() {
        return inCompletionListener;
    }

    private void asyncDone() {
        synchronized (lock) {
            asyncOutstanding--;
            lock.notifyAll();
        }
    }

    /** Waits until every async send has completed and its listener was called. */
    void awaitAsync() throws JMSException {
        synchronized (lock) {
            while (asyncOutstanding > 0) {
                try {
                    lock.wait(100);
                } catch (InterruptedException e) {
                    throw JmsExceptions.toJms(e);
                }
            }
        }
    }

    private List<Held> takeHeld() {
        synchronized (lock) {
            List<Held> all = new ArrayList<>(held);
            held.clear();
            return all;
        }
    }

    /**
     * Commit: writes the held sends, consecutive sends to one destination as one batch (one offset
     * reservation and one store write per shard). On a store failure the listeners of the sends not
     * written hear it, and TransactionRolledBackException is thrown; the caller rolls back the receives.
     */
    void publishHeld() throws TransactionRolledBackException {
        List<Held> sends = takeHeld();
        int sent = 0;
        try {
            while (sent < sends.size()) {
                String topic = sends.get(sent).topic;
                int end = sent;
                List<io.pub.Message> batch = new ArrayList<>();
                while (end < sends.size() && sends.get(end).topic.equals(topic)) {
                    batch.add(sends.get(end++).stored);
                }
                publish(topic, batch);
                sent = end;
            }
        } catch (JMSException e) {
            failHeld(sends.subList(sent, sends.size()), e);
            TransactionRolledBackException t = new TransactionRolledBackException("commit failed and was rolled back"
                    + (sent > 0 ? " (" + sent + " of its " + sends.size() + " sends may already be stored)" : "")
                    + ": " + e.getMessage());
            throw JmsExceptions.withCause(t, e);
        }
    }

    /** Rollback: the held sends are dropped and their listeners told. */
    void discardHeld() {
        failHeld(takeHeld(), new TransactionRolledBackException("the transaction was rolled back"));
    }

    private void failHeld(List<Held> sends, JMSException failure) {
        for (Held h : sends) {
            if (h.listener != null) {
                session.onDeliveryThread(() -> h.listener.onException(h.message, failure));
            }
        }
    }

    void close() {
        synchronized (lock) {
            if (sender != null) {
                sender.shutdown();
            }
        }
    }
}
