package io.pub.bench;

/** One measured run, printed as one JSON line. */
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
        Long roundTrips,
        Double roundTripsPerDelivery,
        String note,
        String error) {

    static RunResult of(Target target, Scenario scenario, int run, Measurement m, Long roundTrips) {
        Double perDelivery = roundTrips == null || m.delivered() == 0 ? null : (double) roundTrips / m.delivered();
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
                roundTrips,
                perDelivery,
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
                error);
    }

    boolean ok() {
        return error == null && missing == 0;
    }
}
