package io.pub;

import io.pub.PubTracing.TraceScope;
import io.pub.PubTracing.TraceSpan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The native pull consumer: takes a batch under leases, hands each message to a handler, acks those
 * the handler accepted and releases the ones it threw on (redelivered later with a higher count).
 * Leases are renewed in the background while a batch is processed. One thread uses a consumer.
 */
public final class Consumer implements AutoCloseable {

    /** Processes one delivery; throwing leaves the message for redelivery. */
    @FunctionalInterface
    public interface Handler {
        void handle(Delivery delivery) throws Exception;
    }

    /** How often the lag gauge is refreshed from the store while nothing is polled. */
    private static final long LAG_REFRESH_MILLIS = 5_000;

    private final Subscriber subscriber;
    private final PubMetrics metrics;
    private final int batchSize;
    private final ScheduledFuture<?> renewal;
    private final ScheduledFuture<?> lagRefresh;
    private final RedeliveryPolicy redelivery;

    Consumer(Pub pub, Subscriber subscriber, int batchSize, RedeliveryPolicy redelivery) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize (CONSUMER_BATCH_SIZE) must be >= 1, was " + batchSize);
        }
        this.subscriber = subscriber;
        this.metrics = pub.metrics();
        this.batchSize = batchSize;
        this.redelivery = redelivery;
        Duration lease = pub.config().leaseDuration();
        long period = Math.max(1, lease.toMillis() / 3);
        this.renewal = pub.scheduler()
                .scheduleWithFixedDelay(
                        () -> {
                            try {
                                subscriber.renew(lease.dividedBy(2));
                            } catch (RuntimeException e) {
                                org.slf4j.LoggerFactory.getLogger(Consumer.class)
                                        .warn("lease renewal failed: {}", e.toString());
                            }
                        },
                        period,
                        period,
                        TimeUnit.MILLISECONDS);
        this.lagRefresh = pub.housekeepingScheduler() // store reads, not liveness
                .scheduleWithFixedDelay(
                        () -> {
                            try {
                                subscriber.refreshLag();
                            } catch (RuntimeException e) {
                                org.slf4j.LoggerFactory.getLogger(Consumer.class)
                                        .debug("lag refresh failed: {}", e.toString());
                            }
                        },
                        LAG_REFRESH_MILLIS,
                        LAG_REFRESH_MILLIS,
                        TimeUnit.MILLISECONDS);
    }

    public Subscriber subscriber() {
        return subscriber;
    }

    /** Pulls one batch from one shard; returns how many messages the handler processed. */
    public int pull(int shard, Handler handler) {
        return process(subscriber.poll(shard, batchSize), handler);
    }

    /** Pulls one batch from any shards; returns how many messages the handler processed. */
    public int pull(Handler handler) {
        return process(subscriber.poll(batchSize), handler);
    }

    private int process(List<Delivery> batch, Handler handler) {
        List<Delivery> ok = new ArrayList<>();
        List<Delivery> failed = new ArrayList<>();
        for (Delivery polled : batch) {
            Optional<Delivery> confirmed;
            try {
                confirmed = subscriber.confirm(polled);
            } catch (RuntimeException e) {
                failed.add(polled); // not confirmed (a store failure): given back below, like a failed message
                continue;
            }
            if (confirmed.isEmpty()) {
                continue; // its lease lapsed during the batch (a pause) and may be another's now
            }
            Delivery d = confirmed.get();
            TraceSpan span = metrics.tracing().startProcess(subscriber.subscription(), d);
            long started = System.nanoTime();
            boolean success = false;
            try (TraceScope scope = span.makeCurrent()) {
                handler.handle(d);
                success = true;
                ok.add(subscriber.current(d));
            } catch (Exception e) {
                span.failed(e);
                failed.add(subscriber.current(d));
            } finally {
                metrics.processed(subscriber.subscription(), System.nanoTime() - started, success);
                span.end();
            }
        }
        subscriber.ack(ok);
        // each after the policy's delay for its delivery count, as the JMS provider does
        Map<Duration, List<Delivery>> byDelay = new TreeMap<>();
        for (Delivery d : failed) {
            byDelay.computeIfAbsent(redelivery.delayBefore(d.deliveryCount()), k -> new ArrayList<>())
                    .add(d);
        }
        byDelay.forEach((delay, ds) -> subscriber.release(ds, delay));
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
            List<Delivery> batch = subscriber.poll(batchSize);
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
        renewal.cancel(false);
        lagRefresh.cancel(false);
        subscriber.close();
    }
}
