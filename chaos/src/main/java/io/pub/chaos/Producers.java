package io.pub.chaos;

import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One producer: sends to the queue and the topic at a steady rate, each send synchronous, asynchronous
 * (with a CompletionListener) or in a transaction of a few sends that is committed or rolled back. It
 * journals every attempt (SEND), every send the provider acknowledged (SENT: a sync send returned, an
 * async send's onCompletion ran, a transaction committed), every failure (SENDFAIL: the outcome is
 * unknown, the message may or may not arrive) and every rolled back send (ROLLEDBACK: must never
 * arrive). On repeated failures it closes its connection and opens a new one.
 */
final class Producers implements Runnable {
    /** Async sends in flight at most (the application's own window). */
    private static final int ASYNC_WINDOW = 32;

    private final Worker w;
    private final String id;
    private final SplittableRandom random = new SplittableRandom();
    private final Semaphore window = new Semaphore(ASYNC_WINDOW);
    private final Set<String> pendingAsync = ConcurrentHashMap.newKeySet();
    private long seq;
    private int failuresInARow;

    private Connection connection;
    private Session syncSession;
    private Session asyncSession;
    private Session txSession;
    private MessageProducer sync;
    private MessageProducer async;
    private MessageProducer tx;
    private Destination queue;
    private Destination topic;

    Producers(Worker w, String id) {
        this.w = w;
        this.id = id;
    }

    @Override
    public void run() {
        long interval = (long) (1_000_000_000L / w.rate);
        long next = System.nanoTime();
        try {
            while (!w.exiting()) {
                if (!w.producing()) {
                    Worker.sleep(Control.POLL_MS);
                    next = System.nanoTime();
                    continue;
                }
                if (connection == null && !open()) {
                    Worker.sleep(500);
                    continue;
                }
                int sent = sendSome();
                next += interval * sent;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Worker.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
                } else if (wait < -1_000_000_000L) {
                    next = System.nanoTime(); // fell behind (a pause, slow store): do not make up for it
                }
                if (failuresInARow >= 3) {
                    reconnect("failures");
                }
            }
        } finally {
            awaitAsync();
            Closer.close(connection, w.journal, id);
        }
    }

    private boolean open() {
        try {
            connection = w.factory.createConnection();
            connection.setExceptionListener(e -> w.journal.log("CONNERR", id, Journal.text(e)));
            syncSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            asyncSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            txSession = connection.createSession(true, Session.SESSION_TRANSACTED);
            queue = syncSession.createQueue(Workload.QUEUE);
            topic = syncSession.createTopic(Workload.TOPIC);
            sync = syncSession.createProducer(null);
            async = asyncSession.createProducer(null);
            tx = txSession.createProducer(null);
            failuresInARow = 0;
            return true;
        } catch (JMSException | RuntimeException e) {
            w.journal.log("ERROR", id, "open", Journal.text(e));
            Closer.close(connection, w.journal, id);
            connection = null;
            return false;
        }
    }

    private void reconnect(String why) {
        w.journal.log("RECONNECT", id, why);
        awaitAsync();
        Closer.close(connection, w.journal, id);
        connection = null;
    }

    /** One step: a sync or async send, or a transaction; returns how many messages it tried. */
    private int sendSome() {
        int pick = random.nextInt(10);
        if (pick < 4) {
            sendSync();
            return 1;
        }
        if (pick < 7) {
            sendAsync();
            return 1;
        }
        return transaction();
    }

    private record Out(String cid, Destination destination, String name, int parity) {}

    private Out next() {
        long n = seq++;
        boolean toQueue = random.nextBoolean();
        return new Out(
                id + "-" + n, toQueue ? queue : topic, toQueue ? Workload.QUEUE : Workload.TOPIC, random.nextInt(2));
    }

    private Message message(Session s, Out o) throws JMSException {
        TextMessage m = s.createTextMessage(o.cid);
        m.setStringProperty("cid", o.cid);
        m.setIntProperty("parity", o.parity);
        return m;
    }

    private void sendSync() {
        Out o = next();
        w.journal.log("SEND", o.cid, o.name, o.parity, "sync");
        try {
            sync.send(o.destination, message(syncSession, o));
            w.journal.log("SENT", o.cid);
            failuresInARow = 0;
        } catch (JMSException | RuntimeException e) {
            w.journal.log("SENDFAIL", o.cid, Journal.text(e));
            failuresInARow++;
        }
    }

    private void sendAsync() {
        Out o = next();
        try {
            if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                w.journal.log("HANG", id, "async-window", pendingAsync.size() + "_completions_outstanding_for_30s");
                failuresInARow = 3;
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        w.journal.log("SEND", o.cid, o.name, o.parity, "async");
        pendingAsync.add(o.cid);
        try {
            async.send(o.destination, message(asyncSession, o), new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    if (pendingAsync.remove(o.cid)) {
                        w.journal.log("SENT", o.cid);
                        window.release();
                    } else {
                        w.journal.log("DOUBLE", o.cid, "completion");
                    }
                }

                @Override
                public void onException(Message message, Exception e) {
                    if (pendingAsync.remove(o.cid)) {
                        w.journal.log("SENDFAIL", o.cid, Journal.text(e));
                        window.release();
                    } else {
                        w.journal.log("DOUBLE", o.cid, "exception");
                    }
                }
            });
            failuresInARow = 0;
        } catch (JMSException | RuntimeException e) {
            if (pendingAsync.remove(o.cid)) {
                window.release();
            }
            w.journal.log("SENDFAIL", o.cid, Journal.text(e));
            failuresInARow++;
        }
    }

    private int transaction() {
        int k = 1 + random.nextInt(4);
        List<Out> outs = new ArrayList<>();
        try {
            for (int i = 0; i < k; i++) {
                Out o = next();
                outs.add(o);
                w.journal.log("SEND", o.cid, o.name, o.parity, "tx");
                tx.send(o.destination, message(txSession, o));
            }
            if (random.nextInt(100) < 15) {
                txSession.rollback();
                outs.forEach(o -> w.journal.log("ROLLEDBACK", o.cid));
            } else {
                txSession.commit();
                outs.forEach(o -> w.journal.log("SENT", o.cid));
            }
            failuresInARow = 0;
        } catch (JMSException | RuntimeException e) {
            String why = Journal.text(e);
            outs.forEach(o -> w.journal.log("SENDFAIL", o.cid, why));
            failuresInARow++;
            try {
                txSession.rollback();
            } catch (JMSException | RuntimeException ignored) {
                // the connection is replaced after repeated failures
            }
        }
        return k;
    }

    /** Waits (bounded) for every async send's completion; a completion never called is a hang. */
    private void awaitAsync() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!pendingAsync.isEmpty() && System.nanoTime() < deadline) {
            Worker.sleep(20);
        }
        if (!pendingAsync.isEmpty()) {
            w.journal.log("HANG", id, "completions", String.join(",", pendingAsync));
            pendingAsync.clear();
            window.drainPermits();
            window.release(ASYNC_WINDOW);
        }
    }
}
