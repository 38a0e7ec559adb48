package io.pub.bench;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * Single synchronous messages, one at a time: one thread sends a message synchronously, receives it
 * on an AUTO_ACKNOWLEDGE consumer (which acknowledges it), and only then sends the next, so nothing
 * can be batched. Its store round trips per delivery are the cost of one message's whole life; the
 * figure is messages per second, the latency that of send plus receive.
 */
final class SingleWorkload implements Workload {

    @Override
    public Measurement run(ConnectionFactory factory, Destination queue, Plan plan) throws Exception {
        Tally tally = new Tally(1);
        Histogram histogram = new Histogram(3);
        Connection connection = factory.createConnection();
        try {
            Session producing = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session consuming = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer sender = Clients.producer(producing, queue);
            MessageConsumer consumer = consuming.createConsumer(queue);
            connection.start();
            String problem = null;
            long start = System.nanoTime();
            for (long n = 0; plan.more(0, 1, n, start); n++) {
                int seq = Math.toIntExact(n);
                long t0 = System.nanoTime();
                sender.send(Clients.message(producing, seq, plan.bodies()));
                tally.sent(seq);
                Message m = consumer.receive(plan.stall().toMillis());
                if (m == null) {
                    problem = "message " + seq + " not received within "
                            + plan.stall().toSeconds() + " s";
                    break;
                }
                histogram.recordValue(System.nanoTime() - t0);
                tally.received(0, m.getIntProperty(Clients.SEQ));
            }
            long elapsed = Math.max(0, tally.lastNewNanos() - start);
            double rate = Clients.perSecond(tally.distinct(), elapsed);
            Measurement m = Measurement.of(
                    tally, elapsed / 1e9, rate, rate, "1 thread: sync send, AUTO_ACKNOWLEDGE receive, repeat", problem);
            return histogram.getTotalCount() == 0
                    ? m
                    : m.withLatency(
                            histogram.getValueAtPercentile(50) / 1e6,
                            histogram.getValueAtPercentile(99) / 1e6,
                            histogram.getValueAtPercentile(99.9) / 1e6,
                            histogram.getMaxValue() / 1e6);
        } finally {
            Clients.closeQuietly(connection, Duration.ofSeconds(10));
        }
    }
}
