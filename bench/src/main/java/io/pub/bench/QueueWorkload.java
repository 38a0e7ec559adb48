package io.pub.bench;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Producers and consumers on one queue. Plain: synchronous persistent sends, consumers in
 * CLIENT_ACKNOWLEDGE acknowledging every 100. Transacted: both sides commit every 100. The figure is
 * distinct deliveries per second from the first send to the last new delivery.
 */
final class QueueWorkload implements Workload {
    private final int producers;
    private final int consumers;
    private final boolean transacted;

    QueueWorkload(int producers, int consumers, boolean transacted) {
        this.producers = producers;
        this.consumers = consumers;
        this.transacted = transacted;
    }

    @Override
    public Measurement run(ConnectionFactory factory, Destination queue, Plan plan) throws Exception {
        Tally tally = new Tally(1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sendEnd = new AtomicLong();
        int ackMode = transacted ? Session.SESSION_TRANSACTED : Session.CLIENT_ACKNOWLEDGE;
        Connection consuming = factory.createConnection();
        Connection producing = null;
        try {
            producing = factory.createConnection();
            Workers consumerThreads = new Workers();
            for (int i = 0; i < consumers; i++) {
                Session s = consuming.createSession(transacted, ackMode);
                MessageConsumer c = s.createConsumer(queue);
                consumerThreads.start(
                        "consumer-" + i,
                        () -> Clients.consume(s, c, stop, m -> tally.received(0, m.getIntProperty(Clients.SEQ))));
            }
            consuming.start();
            Session[] sessions = new Session[producers];
            MessageProducer[] senders = new MessageProducer[producers];
            for (int p = 0; p < producers; p++) {
                sessions[p] = producing.createSession(transacted, ackMode);
                senders[p] = Clients.producer(sessions[p], queue);
            }
            Workers producerThreads = new Workers();
            long start = System.nanoTime();
            for (int p = 0; p < producers; p++) {
                int id = p;
                producerThreads.start("producer-" + p, () -> {
                    produce(id, sessions[id], senders[id], plan, start, tally, stop);
                    sendEnd.accumulateAndGet(System.nanoTime(), Math::max);
                });
            }
            String problem = Clients.await(producerThreads, consumerThreads, tally, stop, plan.stall());
            long elapsed = Math.max(0, tally.lastNewNanos() - start);
            return Measurement.of(
                    tally,
                    elapsed / 1e9,
                    Clients.perSecond(tally.distinct(), elapsed),
                    Clients.perSecond(tally.sentCount(), sendEnd.get() - start),
                    producers + " producer(s), " + consumers + " consumer(s)"
                            + (transacted ? ", commits every " : ", sync sends, acks every ") + Clients.BATCH,
                    problem);
        } finally {
            Clients.closeQuietly(producing, Duration.ofSeconds(10));
            Clients.closeQuietly(consuming, Duration.ofSeconds(10));
        }
    }

    private void produce(
            int id, Session session, MessageProducer sender, Plan plan, long start, Tally tally, AtomicBoolean stop)
            throws Exception {
        int[] uncommitted = new int[Clients.BATCH];
        int pending = 0;
        long n = 0;
        while (!stop.get() && plan.more(id, producers, n, start)) {
            int seq = Math.toIntExact(n * producers + id);
            sender.send(Clients.message(session, seq, plan.bodies()));
            n++;
            if (!transacted) {
                tally.sent(seq);
                continue;
            }
            uncommitted[pending++] = seq;
            if (pending == Clients.BATCH) {
                commit(session, uncommitted, pending, tally);
                pending = 0;
            }
        }
        if (transacted && pending > 0) {
            commit(session, uncommitted, pending, tally);
        }
    }

    private static void commit(Session session, int[] seqs, int count, Tally tally) throws Exception {
        session.commit();
        for (int i = 0; i < count; i++) {
            tally.sent(seqs[i]);
        }
    }
}
