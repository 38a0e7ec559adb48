package io.pub.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line. A run is sized either by a message count ({@code --messages=N}, the same for every
 * target) or by a sending time ({@code --seconds=S}, the default), so one command finishes in minutes
 * on targets whose speeds differ by a factor of a hundred; every message sent is still checked on arrival.
 */
record Options(
        List<String> targets,
        List<Scenario> scenarios,
        long messages,
        Duration sendTime,
        Duration warmupTime,
        int runs,
        int rounds,
        int warmRounds,
        long mockMessages,
        Duration stall,
        String pubOptions,
        boolean quick,
        Duration diskTime,
        boolean syncPath,
        Bodies bodies) {

    static final List<String> ALL_TARGETS =
            List.of(Targets.ARTEMIS_DEFAULT, Targets.ARTEMIS_250US, Targets.PUB_EMBEDDED, Targets.PUB_COUCHBASE_MOCK);

    static final String USAGE = "options: --targets=" + String.join(",", ALL_TARGETS)
            + " --scenarios=" + String.join(",", Scenario.names())
            + " --messages=N (per run, instead of a sending time) --seconds=S (sending time per run, default 3)"
            + " --runs=N (measured runs per scenario, default 2, at least 1) --rounds=N (runs every target N"
            + " times, fresh each time, in alternating order: A B, then B A, default 1) --warm-rounds=N (rounds"
            + " run first and not reported, so that every target's code is compiled before it is measured,"
            + " default 0) --mock-messages=N (per run on"
            + " pub-couchbase-mock, default 200) --stall-seconds=S (give up when nothing moves, default 30)"
            + " --pub-options=k=v&k=v (query options for Pub's connection factory URL and its store's, e.g."
            + " prefetch=16 or compression=lz4) --bodies=" + Bodies.CHOICES + " (what the 1 KiB bodies are:"
            + " different from one message to the next, default, or one body for every message)"
            + " --warmup-seconds=S (sending time of each scenario's warm-up run, default 8, with --quick 0.5)"
            + " --quick (1 s runs, short warm-up) --disk-seconds=S (measure the disk's 1 KiB dsync rate first,"
            + " S seconds per case, default 2, 0 skips it) --sync-path (instead of the JMS scenarios: the embedded"
            + " store's sync path against the disk, --seconds per case, --runs alternating rounds)";

    static Options parse(String... args) {
        List<String> targets = ALL_TARGETS;
        List<Scenario> scenarios = Arrays.asList(Scenario.values());
        long messages = 0;
        Double seconds = null;
        int runs = 2;
        int rounds = 1;
        int warmRounds = 0;
        long mockMessages = 200;
        double stallSeconds = 30;
        boolean quick = false;
        String pubOptions = "";
        Double diskSeconds = null;
        Double warmupSeconds = null;
        boolean syncPath = false;
        Bodies bodies = Bodies.DISTINCT;
        for (String arg : args) {
            if (arg.isBlank()) {
                continue;
            }
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
            switch (name) {
                case "--targets" -> targets = targets(value);
                case "--scenarios" -> scenarios = scenarios(value);
                case "--messages" -> messages = positiveLong(name, value);
                case "--seconds" -> seconds = positiveDouble(name, value);
                case "--warmup-seconds" -> warmupSeconds = positiveDouble(name, value);
                case "--runs" -> runs = (int) positiveLong(name, value);
                case "--rounds" -> rounds = wholeNumber(name, value, 1);
                case "--warm-rounds" -> warmRounds = wholeNumber(name, value, 0);
                case "--mock-messages" -> mockMessages = positiveLong(name, value);
                case "--stall-seconds" -> stallSeconds = positiveDouble(name, value);
                case "--pub-options" -> pubOptions = value.trim();
                case "--quick" -> quick = true;
                case "--disk-seconds" -> diskSeconds = nonNegativeDouble(name, value);
                case "--sync-path" -> syncPath = true;
                case "--bodies" -> bodies = Bodies.parse(value);
                case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'; " + USAGE);
            }
        }
        double send = seconds != null ? seconds : quick ? 1 : 3;
        Duration sendTime = Duration.ofMillis(Math.round(send * 1000));
        // long enough for the JIT compiler to settle: with 1.5 s, the compiler threads still took 0.7
        // of a core for the first 8 s of a target, and both Pub's and Artemis' figures rose from one
        // measured run to the next (Artemis tx-4x4 49,244 to 96,771/s over four 3 s runs)
        double warm = warmupSeconds != null ? warmupSeconds : quick ? 0.5 : 8;
        Duration warmup = Duration.ofMillis(Math.round(warm * 1000));
        if (quick && stallSeconds == 30) {
            stallSeconds = 10;
        }
        return new Options(
                targets,
                scenarios,
                messages,
                sendTime,
                warmup,
                runs,
                rounds,
                warmRounds,
                mockMessages,
                Duration.ofMillis(Math.round(stallSeconds * 1000)),
                pubOptions,
                quick,
                Duration.ofMillis(Math.round((diskSeconds != null ? diskSeconds : quick ? 1 : 2) * 1000)),
                syncPath,
                bodies);
    }

    private static List<String> targets(String value) {
        List<String> out = new ArrayList<>();
        for (String t : value.split(",")) {
            String name = t.trim();
            if (!ALL_TARGETS.contains(name)) {
                throw new IllegalArgumentException(
                        "--targets: unknown target '" + name + "', expected some of " + ALL_TARGETS);
            }
            out.add(name);
        }
        return List.copyOf(out);
    }

    private static List<Scenario> scenarios(String value) {
        List<Scenario> out = new ArrayList<>();
        for (String s : value.split(",")) {
            out.add(Scenario.byName(s.trim()));
        }
        return List.copyOf(out);
    }

    private static long positiveLong(String name, String value) {
        try {
            long v = Long.parseLong(value.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive whole number, was '" + value + "'");
    }

    private static int wholeNumber(String name, String value, int least) {
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= least) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                name + " must be a whole number of at least " + least + ", was '" + value + "'");
    }

    private static double nonNegativeDouble(String name, String value) {
        try {
            double v = Double.parseDouble(value.trim());
            if (v >= 0 && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be 0 or a positive number of seconds, was '" + value + "'");
    }

    private static double positiveDouble(String name, String value) {
        try {
            double v = Double.parseDouble(value.trim());
            if (v > 0 && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive number of seconds, was '" + value + "'");
    }
}
