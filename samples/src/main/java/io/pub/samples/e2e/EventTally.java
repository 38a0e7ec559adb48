package io.pub.samples.e2e;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What was published and what arrived, by event id: counts deliveries, duplicates (an id seen
 * again) and redeliveries (deliveries the store marked redelivered), and the publish-to-delivery
 * latency. Thread-safe.
 */
final class EventTally {
    private final Set<String> published = ConcurrentHashMap.newKeySet();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final AtomicLong publishErrors = new AtomicLong();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong redeliveries = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final Histogram latencyMicros = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(10), 3);
    private volatile long firstPublishNanos;
    private volatile long lastPublishNanos;
    private volatile long lastDeliveryNanos;

    void publishing() {
        if (firstPublishNanos == 0) {
            firstPublishNanos = System.nanoTime();
        }
    }

    void published(String id) {
        published.add(id);
        lastPublishNanos = System.nanoTime();
    }

    void publishFailed(int count) {
        publishErrors.addAndGet(count);
    }

    /** One delivery of event {@code id} sent at {@code sentNanos} (System.nanoTime of this JVM). */
    void delivered(String id, long sentNanos, boolean redelivered) {
        long now = System.nanoTime();
        deliveries.incrementAndGet();
        lastDeliveryNanos = now;
        if (redelivered) {
            redeliveries.incrementAndGet();
        }
        if (id == null) {
            unknown.incrementAndGet();
            return;
        }
        if (!seen.add(id)) {
            duplicates.incrementAndGet();
            return;
        }
        if (sentNanos > 0 && now > sentNanos) {
            latencyMicros.recordValue(
                    Math.min(TimeUnit.NANOSECONDS.toMicros(now - sentNanos), TimeUnit.MINUTES.toMicros(10)));
        }
    }

    long publishedCount() {
        return published.size();
    }

    long deliveredCount() {
        return deliveries.get();
    }

    long uniqueDelivered() {
        return seen.size();
    }

    /**
     * Per destination (the part of an id before the first '/', if any): published, arrived, lost.
     */
    Map<String, long[]> byDestination() {
        Map<String, long[]> out = new TreeMap<>();
        for (String id : published) {
            int slash = id.indexOf('/');
            long[] c = out.computeIfAbsent(slash < 0 ? "" : id.substring(0, slash), k -> new long[3]);
            c[0]++;
            if (seen.contains(id)) {
                c[1]++;
            } else {
                c[2]++;
            }
        }
        return out;
    }

    /** Events published (acknowledged by the store) that never arrived. */
    long lost() {
        return published.stream().filter(id -> !seen.contains(id)).count();
    }

    long duplicates() {
        return duplicates.get();
    }

    long redeliveries() {
        return redeliveries.get();
    }

    long publishErrors() {
        return publishErrors.get();
    }

    long unknown() {
        return unknown.get();
    }

    Histogram latency() {
        return latencyMicros;
    }

    double publishSeconds() {
        return firstPublishNanos == 0 ? 0 : (lastPublishNanos - firstPublishNanos) / 1e9;
    }

    double endToEndSeconds() {
        return firstPublishNanos == 0 || lastDeliveryNanos == 0 ? 0 : (lastDeliveryNanos - firstPublishNanos) / 1e9;
    }
}
