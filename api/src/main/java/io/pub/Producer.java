package io.pub;

import io.pub.PubTracing.TraceScope;
import io.pub.PubTracing.TraceSpan;
import io.pub.spi.Controller;
import io.pub.spi.TopicInfo;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Publishes messages to topic shards: one atomic increment reserves offsets for a whole batch, then
 * the batch is inserted. A message with a key (JMSXGroupID) always goes to the shard its key hashes
 * to; a producer without keys sticks to one shard, picked round-robin when it is created, so the
 * messages of one producer keep their order. Thread-safe.
 */
public final class Producer {
    private static final AtomicInteger SPREAD = new AtomicInteger();

    private final Controller controller;
    private final Clock clock;
    private final PubMetrics metrics;
    private final Map<String, Integer> shardCounts = new ConcurrentHashMap<>();
    private final int spread = SPREAD.getAndIncrement();
    private final RateLimiter limiter;

    Producer(Controller controller, Clock clock, PubMetrics metrics, double messagesPerSecond, LongSupplier nanoTime) {
        this.controller = controller;
        this.clock = clock;
        this.metrics = metrics;
        this.limiter = messagesPerSecond > 0 ? new RateLimiter(messagesPerSecond, nanoTime) : null;
    }

    /** Where this producer sends an unkeyed message, and where a keyed one goes. */
    public int shardFor(String topic, String key) {
        int shards = shards(topic);
        if (key != null) {
            return Math.floorMod(key.hashCode(), shards);
        }
        return Math.floorMod(spread, shards);
    }

    /** Publishes one message; returns where it was stored. */
    public Published publish(String topic, Message message) {
        return publishBatch(topic, shardFor(topic, message.key()), List.of(message));
    }

    /** Publishes messages, each to the shard its key picks (see {@link #shardFor}). */
    public List<Published> publish(String topic, List<Message> messages) {
        Map<Integer, List<Message>> byShard = new LinkedHashMap<>();
        for (Message m : messages) {
            byShard.computeIfAbsent(shardFor(topic, m.key()), k -> new ArrayList<>())
                    .add(m);
        }
        List<Published> out = new ArrayList<>();
        byShard.forEach((shard, batch) -> out.add(publishBatch(topic, shard, batch)));
        return out;
    }

    /**
     * Publishes a batch to one shard with one offset reservation. Returns once every message is
     * stored (durable, for stores that promise it); throws if any was not.
     */
    public Published publishBatch(String topic, int shard, List<Message> messages) {
        check(topic, shard, messages);
        PubTracing tracing = metrics.tracing();
        TraceSpan span = tracing.startPublish(topic, shard, messages);
        try (TraceScope scope = span.makeCurrent()) {
            List<Message> stamped = stamp(tracing, messages);
            TopicShard ts = new TopicShard(topic, shard);
            long started = System.nanoTime();
            try {
                long first = controller.append(ts, stamped);
                metrics.published(topic, stamped.size(), System.nanoTime() - started);
                Wakeups.published(controller, ts); // this JVM's consumers of the topic look at once
                return new Published(ts, first, stamped.size());
            } catch (RuntimeException e) {
                metrics.publishFailed(topic);
                span.failed(e);
                throw e;
            }
        } finally {
            span.end();
        }
    }

    /**
     * {@link #publishBatch} that returns once the batch's offsets are reserved and its write queued:
     * batches started one after another from one thread keep their order in the shard. The future
     * completes once every message is stored (durable, for stores that promise it), or exceptionally.
     * Argument errors are thrown at once.
     */
    public CompletableFuture<Published> publishBatchAsync(String topic, int shard, List<Message> messages) {
        check(topic, shard, messages);
        PubTracing tracing = metrics.tracing();
        TraceSpan span = tracing.startPublish(topic, shard, messages);
        CompletableFuture<Long> written;
        List<Message> stamped;
        TopicShard ts = new TopicShard(topic, shard);
        long started = System.nanoTime();
        try (TraceScope scope = span.makeCurrent()) {
            stamped = stamp(tracing, messages);
            written = controller.appendAsync(ts, stamped);
        } catch (RuntimeException e) {
            metrics.publishFailed(topic);
            span.failed(e);
            span.end();
            throw e;
        }
        int count = stamped.size();
        return written.handle((first, e) -> {
            try {
                if (e != null) {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    metrics.publishFailed(topic);
                    span.failed(cause);
                    throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
                }
                metrics.published(topic, count, System.nanoTime() - started);
                Wakeups.published(controller, ts); // this JVM's consumers of the topic look at once
                return new Published(ts, first, count);
            } finally {
                span.end();
            }
        });
    }

    private void check(String topic, int shard, List<Message> messages) {
        Names.checkTopic(topic, "topic");
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("messages must hold at least one message");
        }
        int shards = shards(topic);
        if (shard < 0 || shard >= shards) {
            throw new IllegalArgumentException(
                    "shard must be between 0 and " + (shards - 1) + " for topic '" + topic + "', was " + shard);
        }
        if (limiter != null) {
            limiter.acquire(messages.size());
        }
    }

    /** Sets the publish time of messages without one and, when tracing, the publish span's context. */
    private List<Message> stamp(PubTracing tracing, List<Message> messages) {
        long now = clock.millis();
        List<Message> stamped = new ArrayList<>(messages.size());
        for (Message m : messages) {
            if (tracing.enabled()) {
                // the publish span's context travels in the headers to whoever consumes it
                Message.Builder b = m.toBuilder();
                if (m.publishTime() == 0) {
                    b.publishTime(now);
                }
                stamped.add(tracing.inject(m, b));
            } else {
                stamped.add(
                        m.publishTime() == 0 ? m.toBuilder().publishTime(now).build() : m);
            }
        }
        return stamped;
    }

    private int shards(String topic) {
        Integer n = shardCounts.get(topic);
        if (n == null) {
            Optional<TopicInfo> t = controller.topic(topic);
            if (t.isEmpty()) {
                throw new IllegalArgumentException("topic '" + topic + "' does not exist; create it first");
            }
            n = t.get().shards();
            shardCounts.put(topic, n);
        }
        return n;
    }

    /** Where a batch went: its shard and its first offset; the batch holds consecutive offsets. */
    public record Published(TopicShard shard, long firstOffset, int count) {}

    /** Paces publishing to a rate; the only real-time wait in the engine, for PUBLISH_MESSAGES_PER_SEC. */
    private static final class RateLimiter {
        private final double nanosPerMessage;
        private final LongSupplier nanoTime;
        private long nextFree;

        RateLimiter(double perSecond, LongSupplier nanoTime) {
            this.nanosPerMessage = 1e9 / perSecond;
            this.nanoTime = nanoTime;
            this.nextFree = nanoTime.getAsLong();
        }

        void acquire(int n) {
            long wait;
            synchronized (this) {
                long now = nanoTime.getAsLong();
                long start = Math.max(now, nextFree);
                nextFree = start + (long) (n * nanosPerMessage);
                wait = start - now;
            }
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }
}
