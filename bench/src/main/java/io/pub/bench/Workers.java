package io.pub.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Client threads of one run. They are daemon threads so that a target which hangs a call forever
 * costs that run (reported as an error), not the whole benchmark.
 */
final class Workers {
    interface Task {
        void run() throws Exception;
    }

    private final List<Thread> threads = new ArrayList<>();
    private final Queue<String> errors = new ConcurrentLinkedQueue<>();

    void start(String name, Task task) {
        Thread t = new Thread(
                () -> {
                    try {
                        task.run();
                    } catch (Throwable e) {
                        errors.add(name + ": " + describe(e));
                    }
                },
                name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    boolean alive() {
        return threads.stream().anyMatch(Thread::isAlive);
    }

    /** Waits for every thread up to {@code timeout}; true if all have finished. */
    boolean join(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                t.join(Math.max(1, left / 1_000_000));
            }
        }
        return !alive();
    }

    /** The first failure, or null. */
    String error() {
        return errors.peek();
    }

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append(" / caused by ").append(c);
        }
        return sb.toString();
    }
}
