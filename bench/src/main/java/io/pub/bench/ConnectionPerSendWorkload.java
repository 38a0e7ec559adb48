package io.pub.bench;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What JmsTemplate and camel-jms do on a plain connection factory: every send opens a connection and a
 * session, sends one message and closes both. {@code threads} producers do that while one
 * CLIENT_ACKNOWLEDGE consumer drains the queue once they are done. The figures are the percentiles
 * of one open+send+close, in milliseconds; a failed open or send is an error of the run.
 */
final class ConnectionPerSendWorkload implements Workload {
    private final int threads;

    ConnectionPerSendWorkload(int threads) {
        this.threads = threads;
    }

    @Override
    public Measurement run(ConnectionFactory factory, Destination queue, Plan plan) throws Exception {
        Tally tally = new Tally(1);
        AtomicBoolean stop = new AtomicBoolean();
        Recorder recorder = new Recorder(3);
        // No connection stays open while the producers run: the case of an application whose only JMS
        // use is a JmsTemplate on a plain factory. The queue is drained afterwards.
        Workers producerThreads = new Workers();
        long start = System.nanoTime();
        for (int p = 0; p < threads; p++) {
            int producer = p;
            producerThreads.start("producer-" + p, () -> {
                for (long n = 0; !stop.get() && plan.more(producer, threads, n, start); n++) {
                    int seq = Math.toIntExact(n * threads + producer);
                    long t0 = System.nanoTime();
                    try (Connection c = factory.createConnection()) {
                        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                        s.createProducer(queue).send(Clients.message(s, seq, plan.bodies()));
                    }
                    recorder.recordValue(System.nanoTime() - t0);
                    tally.sent(seq);
                }
            });
        }
        producerThreads.join(plan.sendTime().plus(plan.stall()));
        long elapsed = System.nanoTime() - start;
        Connection consuming = factory.createConnection();
        try {
            Session cs = consuming.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = cs.createConsumer(queue);
            Workers consumerThreads = new Workers();
            consumerThreads.start(
                    "consumer",
                    () -> Clients.consume(cs, consumer, stop, m -> tally.received(0, m.getIntProperty(Clients.SEQ))));
            consuming.start();
            String problem = Clients.await(producerThreads, consumerThreads, tally, stop, plan.stall());
            Histogram h = recorder.getIntervalHistogram();
            double rate = Clients.perSecond(tally.sentCount(), elapsed);
            Measurement m = Measurement.of(
                    tally,
                    elapsed / 1e9,
                    rate,
                    rate,
                    threads + " threads, a connection per send, no other connection open; " + Math.round(rate)
                            + " sends/s",
                    problem);
            return h.getTotalCount() == 0
                    ? m
                    : m.withLatency(
                            h.getValueAtPercentile(50) / 1e6,
                            h.getValueAtPercentile(99) / 1e6,
                            h.getValueAtPercentile(99.9) / 1e6,
                            h.getMaxValue() / 1e6);
        } finally {
            Clients.closeQuietly(consuming, Duration.ofSeconds(10));
        }
    }
}
