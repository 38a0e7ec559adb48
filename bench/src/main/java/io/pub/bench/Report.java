package io.pub.bench;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The readable summary: per scenario, each target's median over the measured runs (range in
 * brackets), Pub against the better Artemis configuration, store round trips per delivery, and what
 * the delivery checks found.
 */
final class Report {
    private static final List<String> ARTEMIS = List.of(Targets.ARTEMIS_DEFAULT, Targets.ARTEMIS_250US);

    private Report() {}

    static String table(List<RunResult> results, Options options, Map<String, String> descriptions, String disk) {
        StringBuilder sb = new StringBuilder("\n");
        sb.append("Pub vs Artemis, ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME))
                .append(", ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ")
                .append(System.getProperty("java.version"))
                .append(", 1 KiB persistent BytesMessage (")
                .append(options.bodies() == Bodies.DISTINCT ? "distinct bodies" : "one body repeated")
                .append("), ")
                .append(options.runs() * options.rounds())
                .append(" measured run(s) per cell after a warm-up run")
                .append(
                        options.rounds() > 1
                                ? " (" + options.runs() + " in each of " + options.rounds()
                                        + " rounds, the targets' order reversed every other round)"
                                : "")
                .append(
                        options.warmRounds() > 0
                                ? " after " + options.warmRounds() + " warm round(s) not reported"
                                : "")
                .append(", ")
                .append(
                        options.messages() > 0
                                ? options.messages() + " messages per run"
                                : options.sendTime().toMillis() / 1000.0 + " s of sending per run ("
                                        + options.warmupTime().toMillis() / 1000.0 + " s in the warm-up)")
                .append('\n');
        if (disk != null) {
            sb.append("  disk (the physical limit of durable writes): ")
                    .append(disk)
                    .append('\n');
        }
        descriptions.forEach(
                (t, d) -> sb.append("  ").append(t).append(": ").append(d).append('\n'));
        List<String> targets = options.targets();
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("scenario", "figure"));
        targets.stream().filter(t -> !t.equals(Targets.PUB_COUCHBASE_MOCK)).forEach(header::add);
        header.add("Pub/best Artemis");
        targets.stream().filter(Targets::isPub).forEach(t -> header.add(t + " rt/delivery"));
        header.add("checks");
        rows.add(header.toArray(String[]::new));
        Set<String> errors = new LinkedHashSet<>();
        for (Scenario s : options.scenarios()) {
            List<String> row = new ArrayList<>();
            row.add(s.label());
            row.add(
                    s.latency()
                            ? "p50/p99/p99.9/max ms"
                            : s == Scenario.ASYNC_SEND
                                    ? "sends/s"
                                    : s == Scenario.SINGLE_SYNC ? "messages/s, one at a time" : "deliveries/s");
            for (String t : targets) {
                if (!t.equals(Targets.PUB_COUCHBASE_MOCK)) {
                    row.add(cell(results, t, s));
                }
            }
            row.add(ratio(results, s));
            for (String t : targets) {
                if (Targets.isPub(t)) {
                    row.add(
                            warmUpFailed(results, t, s) && runs(results, t, s).isEmpty()
                                    ? "ERROR (warm-up)"
                                    : roundTrips(runs(results, t, s)));
                }
            }
            row.add(checks(results, targets, s));
            rows.add(row.toArray(String[]::new));
            for (RunResult r : results) {
                if (r.scenario().equals(s.label()) && r.error() != null) {
                    errors.add(r.target() + " " + r.scenario() + ": " + r.error());
                }
            }
        }
        sb.append(format(rows));
        sb.append("Pub/best Artemis: throughput ratio (>1 = Pub faster) against the faster Artemis setting;"
                + " for latency the p99 ratio (<1 = Pub lower) against the lower Artemis p99.\n");
        sb.append("rt/delivery: store round trips per delivered message from the store's own counter, over the"
                + " whole run (connections, subscriptions and housekeeping included).\n");
        if (options.targets().contains(Targets.PUB_COUCHBASE_MOCK)) {
            sb.append(
                    "pub-couchbase-mock: " + options.mockMessages()
                            + " messages per run; CouchbaseMock says nothing about speed, so only its round trips are shown.\n");
        }
        sb.append("* = a run did not keep the target rate (producer fell behind), see the JSON lines.\n");
        sb.append(cpuTable(results, options));
        sb.append(verdicts(results, options));
        sb.append(roundTripTargets(results, options));
        if (!errors.isEmpty()) {
            sb.append("Errors:\n");
            errors.forEach(e -> sb.append("  ").append(e).append('\n'));
        }
        return sb.toString();
    }

    /**
     * CPU time of the whole process per delivered message, per scenario and target, with Pub against
     * Artemis, and the same without the JIT compiler's threads (code still being compiled, which a
     * run of a few seconds is not free of).
     */
    private static String cpuTable(List<RunResult> results, Options options) {
        List<String> targets = options.targets().stream()
                .filter(t -> !t.equals(Targets.PUB_COUCHBASE_MOCK))
                .toList();
        if (targets.isEmpty()) {
            return "";
        }
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("scenario"));
        targets.forEach(t -> {
            header.add(t + " CPU us/delivery");
            header.add("of which JIT");
        });
        header.add("Pub/lowest Artemis");
        header.add("without JIT");
        rows.add(header.toArray(String[]::new));
        for (Scenario s : options.scenarios()) {
            List<String> row = new ArrayList<>(List.of(s.label()));
            Double[] pub = new Double[2];
            Double[] artemis = new Double[2];
            for (String t : targets) {
                List<RunResult> counted = good(runs(results, t, s)).stream()
                        .filter(r -> r.cpuMicrosPerDelivery() != null)
                        .toList();
                List<RunResult> withJit = counted.stream()
                        .filter(r -> r.jitMicrosPerDelivery() != null)
                        .toList();
                Double all = counted.isEmpty() ? null : median(counted, RunResult::cpuMicrosPerDelivery);
                Double jit = withJit.isEmpty() ? null : median(withJit, RunResult::jitMicrosPerDelivery);
                Double rest = withJit.isEmpty()
                        ? null
                        : median(withJit, r -> r.cpuMicrosPerDelivery() - r.jitMicrosPerDelivery());
                row.add(all == null ? "-" : String.format(Locale.ROOT, "%.1f", all));
                row.add(jit == null ? "-" : String.format(Locale.ROOT, "%.1f", jit));
                Double[] figures = {all, rest};
                for (int i = 0; i < 2; i++) {
                    Double v = figures[i];
                    if (v == null) {
                        continue;
                    }
                    if (t.equals(Targets.PUB_EMBEDDED)) {
                        pub[i] = v;
                    } else if (ARTEMIS.contains(t) && (artemis[i] == null || v < artemis[i])) {
                        artemis[i] = v;
                    }
                }
            }
            for (int i = 0; i < 2; i++) {
                row.add(
                        pub[i] == null || artemis[i] == null
                                ? "-"
                                : String.format(Locale.ROOT, "%.2f", pub[i] / artemis[i]));
            }
            rows.add(row.toArray(String[]::new));
        }
        return "\nCPU per delivered message (process CPU time over the run / distinct deliveries; broker or store,"
                + " clients, GC and JIT compiler together; <1 = Pub cheaper). 'of which JIT': the JIT compiler"
                + " threads' CPU (median of the runs); 'without JIT': the ratio of the medians of the rest:\n"
                + format(rows);
    }

    /** For the paced scenarios: did the consumer keep up with the offered rate? */
    private static String verdicts(List<RunResult> results, Options options) {
        List<Scenario> paced =
                options.scenarios().stream().filter(Scenario::paced).toList();
        List<String> targets = options.targets().stream()
                .filter(t -> !t.equals(Targets.PUB_COUCHBASE_MOCK))
                .toList();
        if (paced.isEmpty() || targets.isEmpty()) {
            return "";
        }
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("scenario"));
        header.addAll(targets);
        rows.add(header.toArray(String[]::new));
        for (Scenario s : paced) {
            List<String> row = new ArrayList<>(List.of(s.label()));
            for (String t : targets) {
                List<RunResult> judged = good(runs(results, t, s)).stream()
                        .filter(r -> r.keptUp() != null)
                        .toList();
                if (judged.isEmpty()) {
                    row.add("-");
                    continue;
                }
                long kept = judged.stream().filter(RunResult::keptUp).count();
                long rateKept = judged.stream()
                        .filter(r -> r.note() == null || !r.note().contains("RATE NOT KEPT"))
                        .count();
                String verdict = kept == judged.size() && rateKept == judged.size()
                        ? "kept up"
                        : kept < judged.size()
                                ? "consumer BEHIND" + (rateKept < judged.size() ? ", producer fell behind too" : "")
                                : "producer fell behind, consumer kept up with it";
                row.add(String.format(
                        Locale.ROOT,
                        "%s (consumer kept up in %d/%d runs): offered %,.0f/s, delivered %,.0f/s, backlog at end %d",
                        verdict,
                        kept,
                        judged.size(),
                        median(judged, RunResult::sendRate),
                        median(judged, RunResult::deliveredRate),
                        judged.stream().mapToLong(RunResult::backlog).max().orElse(0)));
            }
            rows.add(row.toArray(String[]::new));
        }
        return "\nPaced latency scenarios, 1 AUTO_ACKNOWLEDGE consumer: the consumer kept up when at most "
                + Math.round(LatencyWorkload.BACKLOG_SECONDS * 1000)
                + " ms worth of messages was undelivered as the producer finished; \"kept up\" = that, and the producer"
                + " kept the target rate (median rates while sending, largest backlog):\n"
                + format(rows);
    }

    /** The round-trip targets on Couchbase, read off the single-sync and tx-1x1 rows. */
    private static String roundTripTargets(List<RunResult> results, Options options) {
        if (!options.targets().contains(Targets.PUB_COUCHBASE_MOCK)) {
            return "";
        }
        StringBuilder sb = new StringBuilder("\nCouchbase store round trips per delivered message (CouchbaseMock):");
        if (options.scenarios().contains(Scenario.SINGLE_SYNC)) {
            sb.append(" single synchronous messages (single-sync) ")
                    .append(roundTrips(runs(results, Targets.PUB_COUCHBASE_MOCK, Scenario.SINGLE_SYNC)))
                    .append(" (goal <= 1.5);");
        }
        if (options.scenarios().contains(Scenario.TX_1X1)) {
            sb.append(" batches of 100 (tx-1x1) ")
                    .append(roundTrips(runs(results, Targets.PUB_COUCHBASE_MOCK, Scenario.TX_1X1)))
                    .append(" (goal <= 0.2)");
        }
        return sb.append('\n').toString();
    }

    private static List<RunResult> runs(List<RunResult> results, String target, Scenario s) {
        return results.stream()
                .filter(r -> r.target().equals(target) && r.scenario().equals(s.label()) && r.run() > 0)
                .toList();
    }

    private static List<RunResult> good(List<RunResult> runs) {
        return runs.stream().filter(r -> r.error() == null).toList();
    }

    /** True if the scenario's warm-up failed, so it has no measured runs. */
    private static boolean warmUpFailed(List<RunResult> results, String target, Scenario s) {
        return results.stream()
                .anyMatch(r -> r.target().equals(target)
                        && r.scenario().equals(s.label())
                        && r.run() == 0
                        && r.error() != null);
    }

    private static String cell(List<RunResult> results, String target, Scenario s) {
        List<RunResult> runs = runs(results, target, s);
        if (runs.isEmpty()) {
            return warmUpFailed(results, target, s) ? "ERROR (warm-up)" : "-";
        }
        List<RunResult> good = good(runs);
        if (good.isEmpty()) {
            return "ERROR";
        }
        String mark = good.size() < runs.size() ? " (" + (runs.size() - good.size()) + " failed)" : "";
        if (s.latency()) {
            boolean behind =
                    good.stream().anyMatch(r -> r.note() != null && r.note().contains("RATE NOT KEPT"));
            if (good.stream().anyMatch(r -> r.p99Ms() == null)) {
                return "no data" + mark;
            }
            return String.format(
                            Locale.ROOT,
                            "%s/%s/%s/%s",
                            ms(median(good, RunResult::p50Ms)),
                            ms(median(good, RunResult::p99Ms)),
                            ms(median(good, RunResult::p999Ms)),
                            ms(median(good, RunResult::maxMs)))
                    + (behind ? "*" : "")
                    + mark;
        }
        double median = median(good, RunResult::throughput);
        double min = good.stream().mapToDouble(RunResult::throughput).min().orElse(0);
        double max = good.stream().mapToDouble(RunResult::throughput).max().orElse(0);
        String range = good.size() > 1 ? String.format(Locale.ROOT, " [%,.0f-%,.0f]", min, max) : "";
        return String.format(Locale.ROOT, "%,.0f", median) + range + mark;
    }

    private static String ratio(List<RunResult> results, Scenario s) {
        List<RunResult> pub = good(runs(results, Targets.PUB_EMBEDDED, s));
        if (pub.isEmpty()) {
            return "-";
        }
        Double best = null;
        for (String a : ARTEMIS) {
            List<RunResult> runs = good(runs(results, a, s));
            if (runs.isEmpty() || (s.latency() && runs.stream().anyMatch(r -> r.p99Ms() == null))) {
                continue;
            }
            double v = s.latency() ? median(runs, RunResult::p99Ms) : median(runs, RunResult::throughput);
            if (best == null || (s.latency() ? v < best : v > best)) {
                best = v;
            }
        }
        if (best == null || best == 0) {
            return "-";
        }
        if (s.latency()) {
            if (pub.stream().anyMatch(r -> r.p99Ms() == null)) {
                return "-";
            }
            return String.format(Locale.ROOT, "%.2f (p99)", median(pub, RunResult::p99Ms) / best);
        }
        return String.format(Locale.ROOT, "%.2f", median(pub, RunResult::throughput) / best);
    }

    private static String roundTrips(List<RunResult> runs) {
        List<RunResult> counted = good(runs).stream()
                .filter(r -> r.roundTripsPerDelivery() != null)
                .toList();
        if (counted.isEmpty()) {
            return runs.isEmpty() ? "-" : "n/a";
        }
        return String.format(Locale.ROOT, "%.2f", median(counted, RunResult::roundTripsPerDelivery));
    }

    private static String checks(List<RunResult> results, List<String> targets, Scenario s) {
        List<String> problems = new ArrayList<>();
        for (String t : targets) {
            if (warmUpFailed(results, t, s) && runs(results, t, s).isEmpty()) {
                problems.add(t + ": warm-up failed, not measured");
                continue;
            }
            long missing = 0;
            long dups = 0;
            long failed = 0;
            for (RunResult r : runs(results, t, s)) {
                missing += r.missing();
                dups += r.duplicates();
                failed += r.error() == null ? 0 : 1;
            }
            if (missing > 0 || dups > 0 || failed > 0) {
                problems.add(t + ": " + missing + " missing, " + dups + " dup"
                        + (failed > 0 ? ", " + failed + " run(s) failed" : ""));
            }
        }
        return problems.isEmpty() ? "all delivered, 0 dup" : String.join("; ", problems);
    }

    private static double median(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static String ms(double v) {
        return v < 10 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String format(List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < rows.size(); k++) {
            String[] r = rows.get(k);
            for (int i = 0; i < cols; i++) {
                sb.append(i == 0 ? "" : " | ").append(String.format("%-" + width[i] + "s", r[i]));
            }
            sb.append('\n');
            if (k == 0) {
                for (int i = 0; i < cols; i++) {
                    sb.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
