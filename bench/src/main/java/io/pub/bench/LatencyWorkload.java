package io.pub.bench;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * End-to-end latency at a fixed rate: one producer sends synchronously on a schedule of {@code rate}
 * messages per second, stamping System.nanoTime() just before each send in a property; one consumer
 * (same JVM, so the clocks agree; CLIENT_ACKNOWLEDGE acking every 100, or AUTO_ACKNOWLEDGE) records
 * receive time minus stamp in an HdrHistogram. A target that cannot keep the rate falls behind the
 * schedule and the run says so. The verdict on the consumer: it kept up if, when the producer finished,
 * at most {@link #BACKLOG_SECONDS} worth of the rate the producer achieved was still undelivered; it kept
 * up with the target rate only if the producer also kept it.
 */
final class LatencyWorkload implements Workload {
    /** A backlog of up to this many seconds' worth of messages at the end still counts as keeping up. */
    static final double BACKLOG_SECONDS = 0.05;

    private final int rate;
    private final int ackMode;

    LatencyWorkload(int rate, int ackMode) {
        this.rate = rate;
        this.ackMode = ackMode;
    }

    @Override
    public Measurement run(ConnectionFactory factory, Destination queue, Plan plan) throws Exception {
        long count = plan.messages() > 0
                ? plan.messages()
                : Math.max(1, rate * plan.sendTime().toMillis() / 1000);
        Plan fixed = new Plan(count, plan.sendTime(), plan.stall(), plan.tag(), plan.bodies());
        Tally tally = new Tally(1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sendEnd = new AtomicLong();
        AtomicLong backlog = new AtomicLong();
        AtomicLong deliveredBySendEnd = new AtomicLong();
        Histogram histogram = new Histogram(3); // only the consumer thread records
        Connection consuming = factory.createConnection();
        Connection producing = null;
        try {
            producing = factory.createConnection();
            Session cs = consuming.createSession(false, ackMode);
            MessageConsumer consumer = cs.createConsumer(queue);
            Workers consumerThreads = new Workers();
            consumerThreads.start(
                    "consumer", () -> Clients.consume(cs, consumer, stop, m -> record(m, tally, histogram)));
            consuming.start();
            Session session = producing.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer sender = Clients.producer(session, queue);
            long interval = 1_000_000_000L / rate;
            Workers producerThreads = new Workers();
            long start = System.nanoTime();
            // sized by time: a target that cannot keep the rate stops at half the time again rather
            // than sending its whole count at the rate it manages (the verdict says it fell behind)
            long deadline = plan.messages() > 0
                    ? Long.MAX_VALUE
                    : start + plan.sendTime().toNanos() * 3 / 2;
            producerThreads.start("producer", () -> {
                for (long n = 0; !stop.get() && fixed.more(0, 1, n, start) && System.nanoTime() < deadline; n++) {
                    long due = start + n * interval;
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    int seq = Math.toIntExact(n);
                    Message m = Clients.message(session, seq, plan.bodies());
                    m.setLongProperty(Clients.SENT_NANOS, System.nanoTime());
                    sender.send(m);
                    tally.sent(seq);
                }
                sendEnd.set(System.nanoTime());
                long delivered = tally.distinct();
                deliveredBySendEnd.set(delivered);
                backlog.set(tally.sentCount() - delivered);
            });
            String problem = Clients.await(producerThreads, consumerThreads, tally, stop, plan.stall());
            long sending = Math.max(0, sendEnd.get() - start);
            double achieved = tally.sentCount() <= 1 ? 0 : (tally.sentCount() - 1) * 1e9 / sending;
            boolean kept = achieved >= 0.95 * rate;
            double deliveredRate = sending <= 0 ? 0 : deliveredBySendEnd.get() * 1e9 / sending;
            // the consumer's verdict, on what was offered: the producer's own lag is in the note
            boolean keptUp = backlog.get() <= Math.max(10, Math.round(achieved * BACKLOG_SECONDS));
            Measurement m = Measurement.of(
                            tally,
                            sending / 1e9,
                            achieved,
                            achieved,
                            "target " + rate + " msg/s, achieved " + Math.round(achieved) + "/s, "
                                    + (ackMode == Session.AUTO_ACKNOWLEDGE ? "AUTO_ACKNOWLEDGE" : "CLIENT_ACKNOWLEDGE")
                                    + " consumer delivered " + Math.round(deliveredRate) + "/s while sending, backlog "
                                    + backlog.get() + " at the end"
                                    + (kept
                                            ? ""
                                            : " (RATE NOT KEPT: the producer fell behind; latency excludes its lag)"),
                            problem)
                    .withVerdict(backlog.get(), deliveredRate, keptUp);
            return histogram.getTotalCount() == 0
                    ? m
                    : m.withLatency(
                            ms(histogram.getValueAtPercentile(50)),
                            ms(histogram.getValueAtPercentile(99)),
                            ms(histogram.getValueAtPercentile(99.9)),
                            ms(histogram.getMaxValue()));
        } finally {
            Clients.closeQuietly(producing, Duration.ofSeconds(10));
            Clients.closeQuietly(consuming, Duration.ofSeconds(10));
        }
    }

    private static void record(Message m, Tally tally, Histogram histogram) throws jakarta.jms.JMSException {
        long latency = System.nanoTime() - m.getLongProperty(Clients.SENT_NANOS);
        if (tally.received(0, m.getIntProperty(Clients.SEQ))) {
            histogram.recordValue(Math.max(0, latency));
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
