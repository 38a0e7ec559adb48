package io.pub.chaos;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The chaos program. Chaos mode (default): producer and consumer child JVMs on the embedded store and
 * on CouchbaseMock, killed, paused and faulted at random for the given time, then drained and checked
 * against the delivery invariants ({@link Checker}). Soak mode ({@code --soak}): one JVM with steady
 * traffic, watched for growth ({@link Soak}). Prints what it did and found; exits 1 on any violation,
 * 2 on bad arguments.
 *
 * <pre>
 * chaos/run.sh [--store embedded|couchbase-mock|both] [--minutes N | --seconds N] [--seed N]
 *              [--rate MSGS_PER_S_PER_PRODUCER] [--lease 3s] [--heartbeat 3s] [--dir DIR]
 *              [--spare op:KIND,...]   (faults never injected, e.g. markDone:LOST_REPLY)
 *              [--acts kill,pause,faults]   (which acts of chaos; all by default)
 * chaos/run.sh --soak [--minutes N | --seconds N] [--report-every 30s] [--rate N] [--dir DIR]
 * chaos/run.sh --check DIR    (checks a finished run's journals again; lease 3 s)
 * </pre>
 */
public final class Chaos {
    private Chaos() {}

    public static void main(String[] args) throws Exception {
        int code;
        try {
            if (List.of(args).contains("--help")) {
                System.out.println(USAGE);
                System.exit(0);
            }
            code = run(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("chaos: " + e.getMessage());
            System.err.println(USAGE);
            code = 2;
        }
        System.exit(code);
    }

    private static final String USAGE = "usage: chaos/run.sh [--store embedded|couchbase-mock|both]"
            + " [--minutes N | --seconds N] [--seed N] [--rate N] [--lease 3s] [--heartbeat 3s] [--dir DIR]"
            + " [--spare op:KIND,...] [--acts kill,pause,faults]\n"
            + "       chaos/run.sh --soak [--minutes N | --seconds N] [--report-every 30s] [--rate N] [--dir DIR]\n"
            + "       chaos/run.sh --check DIR";

    /** Runs what the arguments say; returns the exit code. */
    static int run(String[] args, PrintStream out) throws Exception {
        if (args.length == 2 && args[0].equals("--check")) {
            return recheck(Path.of(args[1]), out);
        }
        Args a = Args.parse(args);
        if (a.soak) {
            Soak.Result r = new Soak(a.soakConfig(), out).run();
            return r.passed() ? 0 : 1;
        }
        boolean passed = true;
        for (ChaosRun.Store store : a.stores) {
            ChaosRun.Result r = new ChaosRun(a.chaosConfig(store), out).run();
            print(r, out);
            passed &= r.passed();
        }
        return passed ? 0 : 1;
    }

    /**
     * Checks the journals a run left in {@code dir} again (the invariants only: the drain and the final
     * store check belong to the run), for instance after a change to the checker.
     */
    static int recheck(Path dir, PrintStream out) throws java.io.IOException {
        Ledger ledger = new Ledger();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".journal"))
                    .sorted()
                    .toList()) {
                String name = f.getFileName().toString();
                ledger.follow(f, name.substring(0, name.length() - ".journal".length()));
            }
        }
        ledger.poll();
        Checker checker = new Checker(ledger, Duration.ofSeconds(3).toMillis()).check();
        Map<String, Long> figures = new java.util.LinkedHashMap<>();
        ledger.counts.forEach((k, v) -> figures.put(k, (long) v));
        figures.putAll(checker.figures());
        ChaosRun.Store store =
                Files.exists(dir.resolve("store")) ? ChaosRun.Store.EMBEDDED : ChaosRun.Store.COUCHBASE_MOCK;
        ChaosRun.Result r =
                new ChaosRun.Result(store, figures, ledger.faultCounts, ledger.errorCounts, checker.violations());
        print(r, out);
        return r.passed() ? 0 : 1;
    }

    static void print(ChaosRun.Result r, PrintStream out) {
        String label = "[chaos " + r.store().label() + "] ";
        out.println(label + "what it did and saw:");
        r.figures().forEach((k, v) -> out.println(label + "  " + k + ": " + v));
        out.println(label + "  faults by kind: " + r.faults());
        out.println(label + "  errors the clients saw (by exception): " + r.clientErrors());
        if (r.violations().isEmpty()) {
            out.println(label + "violations: 0");
        } else {
            int total = r.violations().values().stream().mapToInt(List::size).sum();
            out.println(label + "violations: " + total);
            for (Map.Entry<String, List<String>> e : r.violations().entrySet()) {
                out.println(label + "  " + e.getKey() + ": " + e.getValue().size());
                e.getValue().stream().limit(Checker.EXAMPLES).forEach(v -> out.println(label + "    " + v));
            }
        }
        out.flush();
    }

    /** The command line. */
    static final class Args {
        List<ChaosRun.Store> stores = List.of(ChaosRun.Store.EMBEDDED, ChaosRun.Store.COUCHBASE_MOCK);
        Duration time = Duration.ofMinutes(1);
        long seed = System.nanoTime();
        Double rate;
        Duration lease = Duration.ofSeconds(3);
        Duration heartbeat = Duration.ofSeconds(3);
        Duration reportEvery = Duration.ofSeconds(30);
        Path dir;
        boolean soak;
        java.util.Set<String> spared = java.util.Set.of();
        java.util.Set<ChaosRun.Action> actions = java.util.EnumSet.allOf(ChaosRun.Action.class);

        static Args parse(String[] args) {
            Args a = new Args();
            for (int i = 0; i < args.length; i++) {
                String opt = args[i];
                if (opt.equals("--soak")) {
                    a.soak = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(opt + " needs a value");
                }
                String v = args[++i];
                switch (opt) {
                    case "--store" ->
                        a.stores = v.equals("both")
                                ? List.of(ChaosRun.Store.EMBEDDED, ChaosRun.Store.COUCHBASE_MOCK)
                                : List.of(ChaosRun.Store.parse(v));
                    case "--minutes" -> a.time = Duration.ofSeconds(Math.round(number(opt, v) * 60));
                    case "--seconds" -> a.time = Duration.ofSeconds(Math.round(number(opt, v)));
                    case "--seed" -> a.seed = (long) number(opt, v);
                    case "--rate" -> a.rate = number(opt, v);
                    case "--lease" -> a.lease = duration(opt, v);
                    case "--heartbeat" -> a.heartbeat = duration(opt, v);
                    case "--report-every" -> a.reportEvery = duration(opt, v);
                    case "--dir" -> a.dir = Path.of(v);
                    case "--spare" -> a.spared = Control.spared(v);
                    case "--acts" -> a.actions = actions(v);
                    default -> throw new IllegalArgumentException("unknown option " + opt);
                }
            }
            if (a.time.isZero() || a.time.isNegative()) {
                throw new IllegalArgumentException("--minutes/--seconds must be positive");
            }
            if (a.rate != null && a.rate <= 0) {
                throw new IllegalArgumentException("--rate must be positive, was " + a.rate);
            }
            return a;
        }

        private static java.util.Set<ChaosRun.Action> actions(String v) {
            java.util.Set<ChaosRun.Action> out = java.util.EnumSet.noneOf(ChaosRun.Action.class);
            for (String a : v.split(",")) {
                try {
                    out.add(ChaosRun.Action.valueOf(a.trim().toUpperCase(java.util.Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "--acts takes kill, pause and faults, comma-separated; got '" + a + "'");
                }
            }
            return out;
        }

        private static double number(String opt, String v) {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(opt + " must be a number, was '" + v + "'");
            }
        }

        private static Duration duration(String opt, String v) {
            Duration d = io.pub.Settings.only(Map.of(opt, v)).getDuration(opt, null);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(opt + " must be positive, was " + v);
            }
            return d;
        }

        private Path dir(String what) throws java.io.IOException {
            return dir != null ? dir.resolve(what) : Files.createTempDirectory("pub-" + what + "-");
        }

        ChaosRun.Config chaosConfig(ChaosRun.Store store) throws java.io.IOException {
            double r = rate != null ? rate : store == ChaosRun.Store.EMBEDDED ? 40 : 15;
            // stuck: nothing moved for far longer than a lease, a heartbeat, the publish timeout and a restart
            Duration stuck = Duration.ofSeconds(45).plus(lease.multipliedBy(3)).plus(heartbeat);
            return new ChaosRun.Config(
                    store, time, seed, dir("chaos-" + store.label()), r, lease, heartbeat, stuck, spared, actions, 0);
        }

        Soak.Config soakConfig() throws java.io.IOException {
            return new Soak.Config(time, reportEvery, rate != null ? rate : 300, dir("soak"));
        }
    }
}
