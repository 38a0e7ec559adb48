package io.pub;

import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Group commit of one engine's acknowledgements. Subscribers hand their acknowledgements here
 * ({@link Subscriber#ackAsync}) and go on; the thread {@code pub-acks} takes every acknowledgement
 * waiting, merges them per subscription shard and writes each group with one {@code markDone}.
 * Acknowledgements made while it writes go into its next round, so the busier the consumers, the
 * more one write carries, and no consumer waits for its own fsync unless it asks to (the future).
 *
 * <p>At-least-once allows this: an acknowledgement lost in a crash leaves its message leased by a
 * process that is gone, so the lease lapses and the message is delivered again, marked redelivered.
 * For the same reason a background round does not wait for its own fsync ({@link
 * Controller#markDoneLazily}): it is durable with the store's next durable write, so acknowledging
 * consumers do not double the fsyncs their producers need. A write the caller waits for ({@code
 * now}: a transacted commit, a blocking acknowledgement) is durable when it returns.
 * Until its write is done a delivery stays with its subscriber, whose lease renewal keeps it from
 * lapsing meanwhile. A write that fails is not retried: its deliveries are forgotten (their leases
 * lapse, and what the store did not apply comes again) and the future says why.
 *
 * <p>Where the store asks for it ({@link Controller#acknowledgementLinger}), the thread holds a
 * round for that long after its first acknowledgement, so that a consumer taking messages one at a
 * time (each written before the next arrives) shares one write with those after it; it stops
 * holding at {@link #LINGER_MAX} deliveries, and at once for {@link #flush} and {@link #close}.
 *
 * <p>Its thread blocks only on the store's markDone. {@link #close} writes what is left first.
 */
final class AckWriter implements AutoCloseable {
    private record Pending(
            Subscriber subscriber, TopicShard shard, List<Delivery> deliveries, CompletableFuture<Void> done) {}

    private record Group(Subscriber subscriber, TopicShard shard) {}

    private final Controller controller;
    private final Object lock = new Object();
    private List<Pending> queue = new ArrayList<>();
    /** Deliveries queued or being written, per subscriber: {@link #flush} waits for its own. */
    private final Map<Subscriber, Integer> inFlight = new HashMap<>();

    private final Thread thread;
    /**
     * Threads that write a round's further groups alongside the writer ({@code pub-acks-helper}, at
     * most {@link #HELPERS}, ended after a second idle); past that, the caller writes them itself.
     */
    private final ThreadPoolExecutor helpers;

    private static final int HELPERS = 8;
    /** Deliveries queued past which a lingering round is written at once. */
    static final int LINGER_MAX = 256;

    private final long lingerNanos;
    /** When the queue's first acknowledgement came, and how many deliveries it holds. */
    private long queuedSince;

    private int queuedDeliveries;
    /** Set by {@link #flush}: the round queued now is written without lingering. */
    private boolean hurry;

    private boolean stopping;

    AckWriter(Controller controller, String threadName) {
        this.controller = controller;
        this.lingerNanos = controller.acknowledgementLinger().toNanos();
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        this.helpers = new ThreadPoolExecutor(
                0,
                HELPERS,
                1,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, threadName + "-helper");
                    t.setDaemon(true);
                    return t;
                },
                (task, pool) -> task.run()); // all busy, or shut down: the caller writes it
        thread.start();
    }

    /**
     * Queues the acknowledgement of the deliveries of each shard of {@code byShard} (shards of the
     * subscriber's subscription); the future completes once all are written, or exceptionally. After
     * {@link #close} they are written on the caller's thread. {@code now} writes them on the caller's
     * thread before returning, for a caller that waits anyway (a transacted commit, a blocking
     * acknowledgement): handing them to the writer thread would only add a thread switch, which on a
     * busy machine costs more than the write. Then the shards' writes go to the store at the same time
     * ({@link #write(List, boolean)}): one after the other, a transacted commit of messages from four
     * shards waited for four fsyncs in turn.
     */
    CompletableFuture<Void> submit(Subscriber subscriber, Map<TopicShard, List<Delivery>> byShard, boolean now) {
        List<Pending> pending = new ArrayList<>();
        byShard.forEach((shard, ds) -> pending.add(new Pending(subscriber, shard, ds, new CompletableFuture<>())));
        boolean direct;
        synchronized (lock) {
            pending.forEach(p -> inFlight.merge(subscriber, p.deliveries.size(), Integer::sum));
            direct = stopping || now;
            if (!direct) {
                for (Pending p : pending) {
                    boolean first = queue.isEmpty();
                    if (first) {
                        queuedSince = System.nanoTime();
                    }
                    queue.add(p);
                    queuedDeliveries += p.deliveries.size();
                    // the writer waits without a bound only for an empty queue, and a lingering round
                    // ends by itself: waking the writer for every acknowledgement of a round cost a
                    // thread wake-up each, much of what the linger is there to save
                    if (first || queuedDeliveries >= LINGER_MAX) {
                        lock.notifyAll();
                    }
                }
            }
        }
        if (direct) {
            write(pending, true);
        }
        return pending.size() == 1
                ? pending.get(0).done
                : CompletableFuture.allOf(pending.stream().map(Pending::done).toArray(CompletableFuture<?>[]::new));
    }

    /**
     * Returns once every acknowledgement {@code subscriber} queued before is written (or failed).
     * On the writer's own thread it returns at once: what that thread is writing cannot be waited for.
     */
    void flush(Subscriber subscriber) {
        if (Thread.currentThread() == thread) {
            return;
        }
        synchronized (lock) {
            hurry = true;
            lock.notifyAll();
            while (inFlight.containsKey(subscriber) && thread.isAlive()) {
                try {
                    lock.wait(100); // the bound only guards against a writer that died
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void run() {
        while (true) {
            List<Pending> round;
            synchronized (lock) {
                while (queue.isEmpty() ? !stopping : lingering()) {
                    try {
                        if (queue.isEmpty()) {
                            lock.wait();
                        } else {
                            TimeUnit.NANOSECONDS.timedWait(lock, lingerNanos - (System.nanoTime() - queuedSince));
                        }
                    } catch (InterruptedException e) {
                        // only close stops this thread, after the queue is written
                    }
                }
                if (queue.isEmpty()) {
                    return;
                }
                round = queue;
                queue = new ArrayList<>();
                queuedDeliveries = 0;
                hurry = false;
            }
            write(round, false);
        }
    }

    /** Whether the queued round should wait longer for acknowledgements to join it; holds the lock. */
    private boolean lingering() {
        return !stopping && !hurry && queuedDeliveries < LINGER_MAX && System.nanoTime() - queuedSince < lingerNanos;
    }

    /** {@code durable}: a caller waits for it, so it returns once durable (else once written). */
    private void write(List<Pending> round, boolean durable) {
        Map<Group, List<Pending>> groups = new LinkedHashMap<>();
        for (Pending p : round) {
            groups.computeIfAbsent(new Group(p.subscriber, p.shard), g -> new ArrayList<>())
                    .add(p);
        }
        // the groups' writes go to the store at the same time, so that a store which group-commits
        // (the embedded one) makes them durable with one fsync instead of one after the other
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        boolean first = true;
        for (Map.Entry<Group, List<Pending>> e : groups.entrySet()) {
            if (first) {
                first = false;
                continue; // written on this thread below
            }
            writes.add(CompletableFuture.runAsync(() -> write(e.getKey(), e.getValue(), durable), helpers));
        }
        if (!groups.isEmpty()) {
            Map.Entry<Group, List<Pending>> e = groups.entrySet().iterator().next();
            write(e.getKey(), e.getValue(), durable);
        }
        writes.forEach(CompletableFuture::join); // write() completes normally: it settles its own failures
    }

    private void write(Group g, List<Pending> pending, boolean durable) {
        List<Delivery> all = new ArrayList<>();
        pending.forEach(p -> all.addAll(p.deliveries));
        Throwable failure = null;
        try {
            String id = g.subscriber.subscription().id();
            List<Long> offsets = all.stream().map(Delivery::offset).toList();
            Cursor c = durable
                    ? controller.markDone(id, g.shard, offsets)
                    : controller.markDoneLazily(id, g.shard, offsets);
            g.subscriber.acked(g.shard, all, c);
        } catch (Throwable e) { // an Error too: every future below must complete
            failure = e;
            g.subscriber.ackFailed(all);
        }
        for (Pending p : pending) {
            if (failure == null) {
                p.done.complete(null);
            } else {
                p.done.completeExceptionally(failure);
            }
        }
        synchronized (lock) { // after the futures: a flush returns with them complete
            inFlight.computeIfPresent(g.subscriber, (s, n) -> n == all.size() ? null : n - all.size());
            lock.notifyAll();
        }
    }

    /** Writes every acknowledgement queued, then ends the thread. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        helpers.shutdown();
    }
}
