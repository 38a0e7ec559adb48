package io.pub.bench;

/**
 * One measured run, printed as one JSON line. {@code cpuMicrosPerDelivery} is the whole process's CPU
 * time over the run (broker or store, clients, GC, JIT compiler) divided by distinct deliveries; {@code
 * jitMicrosPerDelivery} is the JIT compiler threads' share of it (null where the JVM's threads cannot be
 * read: see {@link CompilerCpu}).
 */
record RunResult(
        String target,
        String scenario,
        int run,
        boolean speedMeaningful,
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
        Long roundTrips,
        Double roundTripsPerDelivery,
        Double cpuMicrosPerDelivery,
        Double jitMicrosPerDelivery,
        String note,
        String error) {

    static RunResult of(
            Target target, Scenario scenario, int run, Measurement m, Long roundTrips, Long cpuNanos, Long jitNanos) {
        Double perDelivery = roundTrips == null || m.delivered() == 0 ? null : (double) roundTrips / m.delivered();
        Double cpu = cpuNanos == null || m.delivered() == 0 ? null : cpuNanos / 1e3 / m.delivered();
        Double jit = cpu == null || jitNanos == null ? null : jitNanos / 1e3 / m.delivered();
        return new RunResult(
                target.name(),
                scenario.label(),
                run,
                target.speedMeaningful(),
                m.sent(),
                m.expectedDeliveries(),
                m.delivered(),
                m.missing(),
                m.duplicates(),
                m.seconds(),
                m.throughput(),
                m.sendRate(),
                m.p50Ms(),
                m.p99Ms(),
                m.p999Ms(),
                m.maxMs(),
                m.backlog(),
                m.deliveredRate(),
                m.keptUp(),
                roundTrips,
                perDelivery,
                cpu,
                jit,
                m.note(),
                m.error());
    }

    static RunResult failed(String target, Scenario scenario, int run, String error) {
        return new RunResult(
                target,
                scenario.label(),
                run,
                true,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                error);
    }

    boolean ok() {
        return error == null && missing == 0;
    }
}
