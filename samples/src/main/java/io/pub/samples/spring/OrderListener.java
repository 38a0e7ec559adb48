package io.pub.samples.spring;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jms.annotation.JmsListener;
import org.springframework.stereotype.Component;

/** Processes orders; counts each distinct order so the sample can tell when all have arrived. */
@Component
public class OrderListener {
    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    private volatile CountDownLatch remaining = new CountDownLatch(0);
    private volatile String run = "";

    @JmsListener(destination = SpringJmsSample.QUEUE)
    public void onOrder(String order) {
        // Orders left in the queue by an earlier run are processed but not counted for this one.
        if (order.startsWith(run)
                && seen.computeIfAbsent(order, o -> new AtomicInteger()).incrementAndGet() == 1) {
            remaining.countDown();
        }
    }

    /** Counts the next {@code count} distinct orders whose text starts with {@code run}. */
    void expect(String run, int count) {
        this.run = run;
        remaining = new CountDownLatch(count);
    }

    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return remaining.await(timeout, unit);
    }

    int distinct() {
        return seen.size();
    }
}
