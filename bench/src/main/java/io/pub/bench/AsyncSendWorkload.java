package io.pub.bench;

import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One producer sending with a CompletionListener, at most {@code window} sends in flight, while one
 * CLIENT_ACKNOWLEDGE consumer drains the queue. The figure is completed sends per second (first send
 * to last completion); a send counts as sent only once its completion arrived.
 */
final class AsyncSendWorkload implements Workload {
    private final int window;

    AsyncSendWorkload(int window) {
        this.window = window;
    }

    @Override
    public Measurement run(ConnectionFactory factory, Destination queue, Plan plan) throws Exception {
        Tally tally = new Tally(1);
        AtomicBoolean stop = new AtomicBoolean();
        Semaphore inFlight = new Semaphore(window);
        AtomicLong lastCompletion = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        Connection consuming = factory.createConnection();
        Connection producing = null;
        try {
            producing = factory.createConnection();
            Session cs = consuming.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = cs.createConsumer(queue);
            Workers consumerThreads = new Workers();
            consumerThreads.start(
                    "consumer",
                    () -> Clients.consume(cs, consumer, stop, m -> tally.received(0, m.getIntProperty(Clients.SEQ))));
            consuming.start();
            Session session = producing.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer sender = Clients.producer(session, queue);
            Workers producerThreads = new Workers();
            long start = System.nanoTime();
            producerThreads.start("producer", () -> {
                for (long n = 0; !stop.get() && plan.more(0, 1, n, start); n++) {
                    int seq = Math.toIntExact(n);
                    inFlight.acquire();
                    sender.send(Clients.message(session, seq, plan.bodies()), new CompletionListener() {
                        @Override
                        public void onCompletion(Message message) {
                            tally.sent(seq);
                            completed.incrementAndGet();
                            lastCompletion.accumulateAndGet(System.nanoTime(), Math::max);
                            inFlight.release();
                        }

                        @Override
                        public void onException(Message message, Exception exception) {
                            failures.add("send " + seq + " failed: " + Workers.describe(exception));
                            inFlight.release();
                        }
                    });
                }
                if (!inFlight.tryAcquire(window, plan.stall().toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException(
                            (window - inFlight.availablePermits()) + " sends still without completion after "
                                    + plan.stall().toSeconds() + " s");
                }
            });
            String problem = Clients.await(producerThreads, consumerThreads, tally, stop, plan.stall());
            if (problem == null && !failures.isEmpty()) {
                problem = failures.size() + " failed sends, first: " + failures.peek();
            }
            long elapsed = Math.max(0, lastCompletion.get() - start);
            long delivered = Math.max(0, tally.lastNewNanos() - start);
            return Measurement.of(
                    tally,
                    elapsed / 1e9,
                    Clients.perSecond(completed.get(), elapsed),
                    Clients.perSecond(completed.get(), elapsed),
                    "window " + window + ", 1 consumer; deliveries "
                            + Math.round(Clients.perSecond(tally.distinct(), delivered)) + "/s",
                    problem);
        } finally {
            Clients.closeQuietly(producing, Duration.ofSeconds(10));
            Clients.closeQuietly(consuming, Duration.ofSeconds(10));
        }
    }
}
