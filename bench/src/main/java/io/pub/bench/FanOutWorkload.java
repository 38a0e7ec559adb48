package io.pub.bench;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One synchronous producer on a topic with several durable subscriptions, each read by its own
 * CLIENT_ACKNOWLEDGE consumer acknowledging every 100. The figure counts deliveries (one per
 * subscription per message); each subscription must receive every message.
 */
final class FanOutWorkload implements Workload {
    private final int subscriptions;

    FanOutWorkload(int subscriptions) {
        this.subscriptions = subscriptions;
    }

    @Override
    public Measurement run(ConnectionFactory factory, Destination destination, Plan plan) throws Exception {
        Topic topic = (Topic) destination;
        Tally tally = new Tally(subscriptions);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sendEnd = new AtomicLong();
        Connection consuming = factory.createConnection();
        Connection producing = null;
        Session[] sessions = new Session[subscriptions];
        MessageConsumer[] subscribers = new MessageConsumer[subscriptions];
        String problem;
        try {
            consuming.setClientID("bench-" + plan.tag());
            producing = factory.createConnection();
            Workers consumerThreads = new Workers();
            for (int i = 0; i < subscriptions; i++) {
                int sink = i;
                sessions[i] = consuming.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                subscribers[i] = sessions[i].createDurableConsumer(topic, "sub-" + i);
                consumerThreads.start(
                        "subscriber-" + i,
                        () -> Clients.consume(
                                sessions[sink],
                                subscribers[sink],
                                stop,
                                m -> tally.received(sink, m.getIntProperty(Clients.SEQ))));
            }
            consuming.start();
            Session session = producing.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer sender = Clients.producer(session, topic);
            Workers producerThreads = new Workers();
            long start = System.nanoTime();
            producerThreads.start("producer", () -> {
                for (long n = 0; !stop.get() && plan.more(0, 1, n, start); n++) {
                    int seq = Math.toIntExact(n);
                    sender.send(Clients.message(session, seq, plan.bodies()));
                    tally.sent(seq);
                }
                sendEnd.set(System.nanoTime());
            });
            problem = Clients.await(producerThreads, consumerThreads, tally, stop, plan.stall());
            long elapsed = Math.max(0, tally.lastNewNanos() - start);
            String cleanup = unsubscribe(sessions, subscribers);
            return Measurement.of(
                    tally,
                    elapsed / 1e9,
                    Clients.perSecond(tally.distinct(), elapsed),
                    Clients.perSecond(tally.sentCount(), sendEnd.get() - start),
                    "1 sync producer, " + subscriptions + " durable subscriptions; figure = deliveries/s"
                            + (cleanup == null ? "" : "; unsubscribe failed: " + cleanup),
                    problem);
        } finally {
            Clients.closeQuietly(producing, Duration.ofSeconds(10));
            Clients.closeQuietly(consuming, Duration.ofSeconds(10));
        }
    }

    /** Removes the subscriptions so the store can drop the run's messages; returns a failure or null. */
    private static String unsubscribe(Session[] sessions, MessageConsumer[] subscribers) {
        String failure = null;
        for (int i = 0; i < sessions.length; i++) {
            try {
                subscribers[i].close();
                sessions[i].unsubscribe("sub-" + i);
            } catch (Exception e) {
                failure = Workers.describe(e);
            }
        }
        return failure;
    }
}
