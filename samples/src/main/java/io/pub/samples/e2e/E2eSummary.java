package io.pub.samples.e2e;

import java.nio.file.Path;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one e2e run: what was published and delivered, and how fast. {@link #exitCode()}
 * is 0 only if every published event arrived and every publish succeeded.
 */
public record E2eSummary(
        String runId,
        String destinations,
        String store,
        long published,
        long publishErrors,
        long delivered,
        long unique,
        long duplicates,
        long redeliveries,
        long lost,
        double publishSeconds,
        double endToEndSeconds,
        double p50Millis,
        double p99Millis,
        double maxMillis,
        String metricsUrl,
        Path profileFile,
        java.util.Map<String, long[]> byDestination) {

    static E2eSummary of(
            String runId, String destinations, String store, EventTally t, String metricsUrl, Path profileFile) {
        Histogram h = t.latency();
        boolean any = h.getTotalCount() > 0;
        return new E2eSummary(
                runId,
                destinations,
                store,
                t.publishedCount(),
                t.publishErrors(),
                t.deliveredCount(),
                t.uniqueDelivered(),
                t.duplicates(),
                t.redeliveries(),
                t.lost(),
                t.publishSeconds(),
                t.endToEndSeconds(),
                any ? h.getValueAtPercentile(50) / 1000.0 : 0,
                any ? h.getValueAtPercentile(99) / 1000.0 : 0,
                any ? h.getMaxValue() / 1000.0 : 0,
                metricsUrl,
                profileFile,
                t.byDestination());
    }

    /** 0: all arrived; 1: events lost or publishes failed. */
    public int exitCode() {
        return lost == 0 && publishErrors == 0 && published > 0 ? 0 : 1;
    }

    /** Delivered messages per second, first publish to last delivery. */
    public double throughput() {
        return endToEndSeconds > 0 ? delivered / endToEndSeconds : 0;
    }

    public double publishRate() {
        return publishSeconds > 0 ? published / publishSeconds : 0;
    }

    public String format() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "pub e2e run %s on %s (%s)%n", runId, store, destinations));
        b.append(String.format(Locale.ROOT, "  published     %d (publish errors %d)%n", published, publishErrors));
        b.append(String.format(
                Locale.ROOT,
                "  delivered     %d (unique %d, duplicates %d, redeliveries %d)%n",
                delivered,
                unique,
                duplicates,
                redeliveries));
        b.append(String.format(Locale.ROOT, "  lost          %d%n", lost));
        if (byDestination.size() > 1) {
            byDestination.forEach((d, c) -> b.append(
                    String.format(Locale.ROOT, "    %-11s published %d, arrived %d, lost %d%n", d, c[0], c[1], c[2])));
        }
        b.append(String.format(Locale.ROOT, "  publish rate  %.1f msg/s%n", publishRate()));
        b.append(String.format(
                Locale.ROOT, "  throughput    %.1f msg/s (first publish to last delivery)%n", throughput()));
        b.append(String.format(
                Locale.ROOT,
                "  latency       p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                p50Millis,
                p99Millis,
                maxMillis));
        if (metricsUrl != null) {
            b.append("  metrics       ").append(metricsUrl).append(System.lineSeparator());
        }
        if (profileFile != null) {
            b.append("  profile       ").append(profileFile).append(System.lineSeparator());
        }
        b.append("  result        ")
                .append(
                        exitCode() == 0
                                ? "OK: every published event arrived"
                                : published == 0
                                        ? "FAILED: nothing was published"
                                        : lost > 0
                                                ? "FAILED: " + lost + " published events did not arrive"
                                                : "FAILED: " + publishErrors + " publishes failed")
                .append(System.lineSeparator());
        return b.toString();
    }
}
