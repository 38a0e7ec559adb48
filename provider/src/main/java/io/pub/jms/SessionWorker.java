package io.pub.jms;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread of a session that calls application code: MessageListeners and CompletionListeners
 * run on it one at a time, so they never overlap, as the specification requires. Between tasks it
 * asks the session to deliver one message to a listener; when there was nothing to deliver it waits
 * until {@link #wake} (a publish in this JVM to a listener's destination) or, for publishes from other
 * JVMs, for a growing backoff (1 to 50 ms), since the store cannot push.
 *
 * <p>The thread outlives anything thrown at it: what application code throws is caught where it is
 * called (PubSession, SessionSends), and whatever still reaches this loop, an Error included, is
 * handed to {@code onFailure} and the loop goes on. A dead delivery thread would leave the session's
 * CompletionListeners unanswered and its close waiting for ever; a VirtualMachineError such as an
 * OutOfMemoryError is no exception to that: the thread survives it if the JVM does.
 */
final class SessionWorker {
    private static final Logger LOG = LoggerFactory.getLogger(SessionWorker.class);
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final Runnable WAKE = () -> {};
    private static final long MAX_BACKOFF_MS = 50;

    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    /** Held while a MessageListener runs; stop() and a consumer's close() take it to wait for it. */
    private final ReentrantLock running = new ReentrantLock();

    private final BooleanSupplier deliverOne;
    private final Runnable idle;
    private final Consumer<Throwable> onFailure;
    private final Thread thread;
    private volatile boolean stopped;
    /** A WAKE is queued and not yet taken: publishes in a burst queue one, not one each. */
    private final AtomicBoolean wakeQueued = new AtomicBoolean();

    /**
     * @param deliverOne delivers at most one message to a listener (under {@link #running}); true if it did
     * @param idle called when there was nothing to deliver (e.g. to flush batched acks)
     * @param onFailure told of anything {@code deliverOne}, {@code idle} or a task let escape
     */
    SessionWorker(BooleanSupplier deliverOne, Runnable idle, Consumer<Throwable> onFailure) {
        this.deliverOne = deliverOne;
        this.idle = idle;
        this.onFailure = onFailure;
        this.thread = new Thread(this::loop, "pub-session-" + COUNT.incrementAndGet());
        this.thread.setDaemon(true);
    }

    /**
     * Starts the thread. Not in the constructor: the thread calls {@code deliverOne} at once, and the
     * session's delivery uses its worker, which it holds only once the constructor has returned.
     */
    void start() {
        thread.start();
    }

    boolean isCurrentThread() {
        return Thread.currentThread() == thread;
    }

    ReentrantLock runningLock() {
        return running;
    }

    /**
     * Runs {@code task} on the worker thread, after the tasks before it; on the caller's thread once
     * the worker has ended (after {@link #shutdown}), so that no task is left waiting for ever.
     */
    void submit(Runnable task) {
        tasks.add(task);
        if (!thread.isAlive() && tasks.remove(task)) {
            run(task);
        }
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
            if (deliverGuarded()) {
                backoff = 1;
                continue;
            }
            try {
                idle.run();
            } catch (Throwable t) {
                failed(t);
            }
            try {
                task = tasks.poll(backoff, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // a listener that interrupted its own thread must not end delivery; close stops it
                continue;
            }
            if (task != null) {
                run(task);
                backoff = 1;
            } else {
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    /** {@code deliverOne}, with whatever it lets escape reported instead of ending the thread. */
    private boolean deliverGuarded() {
        try {
            return deliverOne.getAsBoolean();
        } catch (Throwable t) {
            failed(t);
            return false; // as if idle: the backoff keeps a failure that repeats from spinning
        }
    }

    private void failed(Throwable t) {
        try {
            onFailure.accept(t);
        } catch (Throwable again) {
            LOG.error("the delivery thread could not report a failure: {} (while reporting {})", again, t);
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
        } catch (Throwable t) {
            failed(t);
        }
    }
}
