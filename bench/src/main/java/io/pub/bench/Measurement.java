package io.pub.bench;

/**
 * What one workload run measured. {@code throughput} is the scenario's headline figure in messages per
 * second (deliveries for queue and fan-out scenarios, completed sends for async send); latencies are in
 * milliseconds and null where the scenario does not measure them. The paced latency scenarios also say
 * whether the consumer kept up: {@code backlog} is what was sent but not yet delivered when the producer
 * finished, {@code deliveredRate} the deliveries per second over the producer's sending time, and
 * {@code keptUp} whether the consumer kept up with what was offered (null elsewhere; whether the producer
 * kept the target rate is in the note).
 */
record Measurement(
        long sent,
        long expectedDeliveries,
        long delivered,
        long missing,
        long duplicates,
        double seconds,
        double throughput,
        double sendRate,
        Double p50Ms,
        Double p99Ms,
        Double p999Ms,
        Double maxMs,
        Long backlog,
        Double deliveredRate,
        Boolean keptUp,
        String note,
        String error) {

    static Measurement of(Tally tally, double seconds, double throughput, double sendRate, String note, String error) {
        return new Measurement(
                tally.sentCount(),
                tally.sentCount() * tally.sinks(),
                tally.distinct(),
                tally.missing(),
                tally.duplicates(),
                seconds,
                throughput,
                sendRate,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                note,
                error);
    }

    Measurement withLatency(double p50, double p99, double p999, double max) {
        return new Measurement(
                sent,
                expectedDeliveries,
                delivered,
                missing,
                duplicates,
                seconds,
                throughput,
                sendRate,
                p50,
                p99,
                p999,
                max,
                backlog,
                deliveredRate,
                keptUp,
                note,
                error);
    }

    Measurement withVerdict(long backlog, double deliveredRate, boolean keptUp) {
        return new Measurement(
                sent,
                expectedDeliveries,
                delivered,
                missing,
                duplicates,
                seconds,
                throughput,
                sendRate,
                p50Ms,
                p99Ms,
                p999Ms,
                maxMs,
                backlog,
                deliveredRate,
                keptUp,
                note,
                error);
    }
}
