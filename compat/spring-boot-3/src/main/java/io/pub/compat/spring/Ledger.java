package io.pub.compat.spring;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one listener processed: how many times each message body was seen, by which threads. The
 * service's tests (and an operator) read it to check that nothing was lost or processed twice.
 */
public final class Ledger {
    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    private final Set<String> threads = ConcurrentHashMap.newKeySet();

    void record(String body) {
        seen.computeIfAbsent(body, b -> new AtomicInteger()).incrementAndGet();
        threads.add(Thread.currentThread().getName());
    }

    /** Times {@code body} was processed. */
    public int count(String body) {
        AtomicInteger n = seen.get(body);
        return n == null ? 0 : n.get();
    }

    /** Distinct bodies starting with {@code prefix}. */
    public long distinct(String prefix) {
        return seen.keySet().stream().filter(b -> b.startsWith(prefix)).count();
    }

    /** Deliveries of bodies starting with {@code prefix}, duplicates included. */
    public long total(String prefix) {
        return seen.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(e -> e.getValue().get())
                .sum();
    }

    public Set<String> threads() {
        return Set.copyOf(threads);
    }

    /** Waits until {@code expected} distinct bodies with {@code prefix} were seen; false after {@code max}. */
    public boolean awaitDistinct(String prefix, long expected, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (distinct(prefix) < expected) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
