package io.pub.chaos;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One consumer of a {@link Workload.Role}. Journals each message it gets (DELIVER, with
 * JMSRedelivered and JMSXDeliveryCount) and what became of it: ACK (acknowledge or commit returned),
 * RELEASE (recover, rollback, or a listener that threw: the provider redelivers it), ACKFAIL (the
 * acknowledge or commit failed: the outcome is unknown), CLOSE (its connection was closed: whatever
 * it held goes back). After any failure it closes its connection and opens a new one, as an
 * application's listener container does; each connection is a new consumer id ({@code #n}).
 */
final class Consumers implements Runnable {
    private static final long RECEIVE_MS = 200;

    private final Worker w;
    private final String baseId;
    private final Workload.Role role;
    private final String sub;
    private final SplittableRandom random = new SplittableRandom();
    private int incarnation;
    private String id;

    private Connection connection;
    private Session session;
    private MessageConsumer consumer;
    /** Delivered and not yet acknowledged, committed or given back (CLIENT_ACKNOWLEDGE, transacted). */
    private final List<String> unacked = new ArrayList<>();
    /** The listener's delivery thread and the message it runs for, for an ack failure reported later. */
    private volatile Thread listenerThread;

    private volatile String listenerCid;

    /** This consumer's thread, and whether it is inside an AUTO_ACKNOWLEDGE receive. */
    private Thread thread;

    private volatile boolean receiving;
    private volatile boolean ackFailed;

    Consumers(Worker w, String id, Workload.Role role) {
        this.w = w;
        this.baseId = id;
        this.role = role;
        this.sub = Workload.subscriptionOf(role);
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            while (!w.exiting()) {
                if (connection == null && !open()) {
                    Worker.sleep(500);
                    continue;
                }
                try {
                    step();
                } catch (JMSException | RuntimeException e) {
                    w.journal.log("ERROR", id, role, Journal.text(e));
                    if (!unacked.isEmpty()) {
                        w.journal.log("ACKFAIL", id, sub, String.join(",", unacked));
                        unacked.clear();
                    }
                    closeConnection();
                }
            }
        } finally {
            closeConnection();
        }
    }

    private boolean open() {
        id = baseId + "#" + incarnation++;
        try {
            connection = w.factory.createConnection();
            connection.setExceptionListener(this::connectionFailed);
            int mode =
                    switch (role) {
                        case Q_CLIENT, T_ALL_CLIENT -> Session.CLIENT_ACKNOWLEDGE;
                        case Q_TX, T_ALL_TX -> Session.SESSION_TRANSACTED;
                        default -> Session.AUTO_ACKNOWLEDGE;
                    };
            session = connection.createSession(mode == Session.SESSION_TRANSACTED, mode);
            Topic topic = session.createTopic(Workload.TOPIC);
            consumer = switch (role) {
                case Q_AUTO, Q_CLIENT, Q_TX -> session.createConsumer(session.createQueue(Workload.QUEUE));
                case Q_LISTENER -> session.createConsumer(session.createQueue(Workload.QUEUE), Workload.EVEN_SELECTOR);
                case T_ALL_CLIENT, T_ALL_TX -> session.createSharedDurableConsumer(topic, Workload.ALL);
                case T_ODD_AUTO -> session.createSharedDurableConsumer(topic, Workload.ODD, Workload.ODD_SELECTOR);
                default -> throw new IllegalStateException("not a consumer role: " + role);
            };
            if (role == Workload.Role.Q_LISTENER) {
                consumer.setMessageListener(this::onMessage);
            }
            connection.start();
            w.journal.log("OPEN", id, sub);
            return true;
        } catch (JMSException | RuntimeException e) {
            w.journal.log("ERROR", id, "open", Journal.text(e));
            closeConnection();
            return false;
        }
    }

    private void closeConnection() {
        if (connection == null) {
            unacked.clear();
            return;
        }
        w.journal.log("CLOSE", id, sub); // before: what it held may go to others while it closes
        Closer.close(connection, w.journal, id);
        connection = null;
        unacked.clear();
    }

    /**
     * Background failures. A listener's own ack runs on its delivery thread right after onMessage
     * returns and reports its failure here, on that thread: that ack failed. So does the ack inside an
     * AUTO_ACKNOWLEDGE receive, on the receiving thread.
     */
    private void connectionFailed(JMSException e) {
        if (Thread.currentThread() == thread && receiving) {
            // an AUTO_ACKNOWLEDGE receive reports the failure of its own acknowledgement here, on the
            // receiving thread, and hands the message out all the same
            ackFailed = true;
        }
        String cid = listenerCid;
        if (Thread.currentThread() == listenerThread && cid != null) {
            // the first failure after onMessage is its ack's, or a later poll's: journaled as a failed
            // ack either way (it only ever excuses a redelivery of that one message)
            listenerCid = null;
            w.journal.log("ACKFAIL", id, sub, cid);
        }
        w.journal.log("CONNERR", id, Journal.text(e));
    }

    private void delivered(Message m, boolean acked) throws JMSException {
        String cid = m.getStringProperty("cid");
        w.journal.log(
                "DELIVER",
                id,
                sub,
                cid,
                m.getJMSRedelivered() ? 1 : 0,
                m.getIntProperty("JMSXDeliveryCount"),
                acked ? 1 : 0,
                m.getIntProperty("parity"));
        if (!acked && role != Workload.Role.Q_LISTENER) {
            unacked.add(cid);
        }
    }

    private void step() throws JMSException {
        switch (role) {
            case Q_AUTO, T_ODD_AUTO -> {
                ackFailed = false;
                receiving = true;
                Message m;
                try {
                    m = consumer.receive(RECEIVE_MS);
                } finally {
                    receiving = false;
                }
                if (m != null) {
                    // acknowledged before receive returned, unless the ExceptionListener heard otherwise
                    delivered(m, !ackFailed);
                    if (ackFailed) {
                        w.journal.log("ACKFAIL", id, sub, m.getStringProperty("cid"));
                    }
                }
            }
            case Q_LISTENER -> Worker.sleep(RECEIVE_MS);
            default -> batch();
        }
    }

    /** CLIENT_ACKNOWLEDGE or transacted: a few receives, then settle them one way or the other. */
    private void batch() throws JMSException {
        int k = 1 + random.nextInt(5);
        Message last = null;
        for (int i = 0; i < k; i++) {
            Message m = consumer.receive(RECEIVE_MS);
            if (m == null) {
                break;
            }
            delivered(m, false);
            last = m;
        }
        if (last == null) {
            return;
        }
        boolean giveBack = random.nextInt(100) < 10;
        settle(last, giveBack);
    }

    private void settle(Message last, boolean giveBack) throws JMSException {
        String cids = String.join(",", unacked);
        boolean transacted = role == Workload.Role.Q_TX || role == Workload.Role.T_ALL_TX;
        if (giveBack) {
            // journaled before the call: another consumer may get the messages before it returns
            w.journal.log("RELEASE", id, sub, cids);
            if (transacted) {
                session.rollback();
            } else {
                session.recover();
            }
        } else {
            if (transacted) {
                session.commit();
            } else {
                last.acknowledge();
            }
            w.journal.log("ACK", id, sub, cids);
        }
        unacked.clear();
    }

    private void onMessage(Message m) {
        listenerThread = Thread.currentThread();
        try {
            listenerCid = m.getStringProperty("cid");
            delivered(m, false);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
        if (random.nextInt(100) < 5) {
            // a failing listener: the provider gives the message back for redelivery
            w.journal.log("RELEASE", id, sub, listenerCid);
            throw new IllegalStateException("chaos: listener failure");
        }
    }
}
