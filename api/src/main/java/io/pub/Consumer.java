package io.pub;

import io.pub.PubTracing.TraceScope;
import io.pub.PubTracing.TraceSpan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The native pull consumer: takes a batch under leases, hands each message to a handler, acks those
 * the handler accepted and releases the ones it threw on (redelivered later with a higher count).
 * It reads through its subscription's one reader in the engine ({@link Receiver}), shared with the
 * subscription's other consumers here, which renews the leases while a batch is processed. One
 * thread uses a consumer.
 */
public final class Consumer implements AutoCloseable {

    /** Processes one delivery; throwing leaves the message for redelivery. */
    @FunctionalInterface
    public interface Handler {
        void handle(Delivery delivery) throws Exception;
    }

    /** How often the lag gauge is refreshed from the store while nothing is polled. */
    private static final long LAG_REFRESH_MILLIS = 5_000;

    private final Receiver receiver;
    private final PubMetrics metrics;
    private final int batchSize;
    private final ScheduledFuture<?> lagRefresh;
    private final RedeliveryPolicy redelivery;

    /** Over {@code receiver}, whose prefetch is {@code batchSize}; its dispatcher renews the leases. */
    Consumer(Pub pub, Receiver receiver, int batchSize, RedeliveryPolicy redelivery) {
        this.receiver = receiver;
        this.metrics = pub.metrics();
        this.batchSize = batchSize;
        this.redelivery = redelivery;
        this.lagRefresh = pub.housekeepingScheduler() // store reads, not liveness
                .scheduleWithFixedDelay(
                        () -> {
                            try {
                                receiver.refreshLag();
                            } catch (RuntimeException e) {
                                org.slf4j.LoggerFactory.getLogger(Consumer.class)
                                        .debug("lag refresh failed: {}", e.toString());
                            }
                        },
                        LAG_REFRESH_MILLIS,
                        LAG_REFRESH_MILLIS,
                        TimeUnit.MILLISECONDS);
    }

    /** This consumer's share of its subscription's reader in the engine. */
    public Receiver receiver() {
        return receiver;
    }

    /** Pulls one batch from one shard; returns how many messages the handler processed. */
    public int pull(int shard, Handler handler) {
        return process(receiver.take(shard, batchSize), handler);
    }

    /** Pulls one batch from any shards; returns how many messages the handler processed. */
    public int pull(Handler handler) {
        return process(receiver.take(batchSize), handler);
    }

    private int process(List<Delivery> batch, Handler handler) {
        List<Delivery> ok = new ArrayList<>();
        List<Delivery> failed = new ArrayList<>();
        for (Delivery d : batch) {
            TraceSpan span = metrics.tracing().startProcess(receiver.subscription(), d);
            long started = System.nanoTime();
            boolean success = false;
            try (TraceScope scope = span.makeCurrent()) {
                handler.handle(d);
                success = true;
                ok.add(receiver.current(d));
            } catch (Exception e) {
                span.failed(e);
                failed.add(receiver.current(d));
            } finally {
                metrics.processed(receiver.subscription(), System.nanoTime() - started, success);
                span.end();
            }
        }
        receiver.ack(ok);
        // each after the policy's delay for its delivery count, as the JMS provider does
        Map<Duration, List<Delivery>> byDelay = new TreeMap<>();
        for (Delivery d : failed) {
            byDelay.computeIfAbsent(redelivery.delayBefore(d.deliveryCount()), k -> new ArrayList<>())
                    .add(d);
        }
        byDelay.forEach((delay, ds) -> receiver.release(ds, delay));
        return ok.size();
    }

    /**
     * Pulls until {@code maxEmptyPolls} polls in a row find nothing (CONSUMER_MAX_EMPTY_COUNT),
     * waiting {@code idleWait} after each empty poll; returns how many messages were processed.
     */
    public long drain(Handler handler, int maxEmptyPolls, Duration idleWait) throws InterruptedException {
        long total = 0;
        int empty = 0;
        while (empty < maxEmptyPolls) {
            List<Delivery> batch = receiver.take(batchSize);
            if (batch.isEmpty()) {
                empty++;
                Thread.sleep(idleWait.toMillis());
                continue;
            }
            empty = 0;
            total += process(batch, handler);
        }
        return total;
    }

    @Override
    public void close() {
        lagRefresh.cancel(false);
        receiver.close();
    }
}
