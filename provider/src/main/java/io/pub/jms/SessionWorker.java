package io.pub.jms;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The one thread of a session that calls application code: MessageListeners and CompletionListeners
 * run on it one at a time, so they never overlap, as the specification requires. Between tasks it
 * asks the session to deliver one message to a listener; when there was nothing to deliver it waits
 * until {@link #wake} (a publish in this JVM to a listener's destination) or, for publishes from other
 * JVMs, for a growing backoff (1 to 50 ms), since the store cannot push.
 */
final class SessionWorker {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final Runnable WAKE = () -> {};
    private static final long MAX_BACKOFF_MS = 50;

    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    /** Held while a MessageListener runs; stop() and a consumer's close() take it to wait for it. */
    private final ReentrantLock running = new ReentrantLock();

    private final BooleanSupplier deliverOne;
    private final Runnable idle;
    private final Thread thread;
    private volatile boolean stopped;
    /** A WAKE is queued and not yet taken: publishes in a burst queue one, not one each. */
    private final AtomicBoolean wakeQueued = new AtomicBoolean();

    /**
     * @param deliverOne delivers at most one message to a listener (under {@link #running}); true if it did
     * @param idle called when there was nothing to deliver (e.g. to flush batched acks)
     */
    SessionWorker(BooleanSupplier deliverOne, Runnable idle) {
        this.deliverOne = deliverOne;
        this.idle = idle;
        this.thread = new Thread(this::loop, "pub-session-" + COUNT.incrementAndGet());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    boolean isCurrentThread() {
        return Thread.currentThread() == thread;
    }

    ReentrantLock runningLock() {
        return running;
    }

    /** Runs {@code task} on the worker thread, after the tasks before it. */
    void submit(Runnable task) {
        tasks.add(task);
    }

    /** Ends the wait for work: a listener was set, the connection started. */
    void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            tasks.offer(WAKE);
        }
    }

    /** Returns once a MessageListener that is running on the worker has returned. */
    void awaitIdle() {
        if (isCurrentThread()) {
            return;
        }
        running.lock();
        running.unlock();
    }

    /** Runs the tasks already submitted, then ends the thread and waits for it. */
    void shutdown() {
        stopped = true;
        wake();
        if (!isCurrentThread()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        long backoff = 1;
        while (true) {
            Runnable task = tasks.poll();
            if (task != null) {
                run(task);
                continue;
            }
            if (stopped) {
                return;
            }
            if (deliverOne.getAsBoolean()) {
                backoff = 1;
                continue;
            }
            idle.run();
            try {
                task = tasks.poll(backoff, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (task != null) {
                run(task);
                backoff = 1;
            } else {
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    /**
     * Runs a submitted task (CompletionListeners) without {@link #running}: stop() waits for
     * MessageListeners only, and a CompletionListener may call stop(), which would otherwise wait for
     * another session's CompletionListener doing the same.
     */
    private void run(Runnable task) {
        if (task == WAKE) {
            wakeQueued.set(false);
            return;
        }
        try {
            task.run();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(SessionWorker.class).warn("a CompletionListener threw {}", e.toString());
        }
    }
}
