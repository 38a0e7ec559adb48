package io.pub.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import javax.naming.InitialContext;

/**
 * Runs the same JMS workloads against Artemis embedded and Pub, each target reached only through
 * JNDI, and prints one JSON line per measured run and a table with the Pub/Artemis ratios.
 *
 * <pre>
 * mvn -B -q -o -pl bench compile exec:java -Dexec.args="--quick"
 * </pre>
 */
public final class Bench {
    static final String WARMUP_QUEUE = "bench-warmup";
    private static final int WARMUP_SENDS = 50;
    /** On the mock only round trips count, so a stuck run there is given up sooner. */
    private static final Duration MOCK_STALL = Duration.ofSeconds(15);

    private final Options options;
    private final PrintStream out;
    private final PrintStream console;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, String> descriptions = new LinkedHashMap<>();
    private String disk;

    Bench(Options options, PrintStream out, PrintStream console) {
        this.options = options;
        this.out = out;
        this.console = console;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (options.syncPath()) {
            try {
                SyncBench.main(options.sendTime(), options.runs());
            } catch (Exception e) {
                System.err.println("sync path benchmark failed: " + Workers.describe(e));
                System.exit(1);
            }
            System.exit(0);
            return;
        }
        LogCapture logs = LogCapture.install();
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        logs.console().println("[bench] logs of brokers and stores go to " + logs.file());
        Bench bench = new Bench(options, System.out, logs.console());
        List<RunResult> results = bench.run();
        System.out.print(Report.table(results, options, bench.descriptions(), bench.disk()));
        logs.console().println("[bench] log: " + logs.file());
        System.out.flush();
        System.exit(results.stream().allMatch(RunResult::ok) ? 0 : 1);
    }

    /**
     * Runs every target and scenario, once per round, after the warm rounds; returns every measured run.
     * The rounds alternate the targets' order (A B, then B A): one target's figures and the next one's
     * are taken minutes apart, on a disk and cores whose speed drifts over minutes. A warm round is a
     * round whose runs all count as warm-ups: on 2 cores the JIT compiler is still busy with a target's
     * code during its first scenarios, and whichever target runs later in a JVM finds more of the
     * harness and the JDK compiled.
     */
    List<RunResult> run() {
        disk = measureDisk();
        List<RunResult> results = new ArrayList<>();
        for (int i = 0; i < options.warmRounds() + options.rounds(); i++) {
            List<String> order = new ArrayList<>(options.targets());
            if (i % 2 == 1) {
                Collections.reverse(order);
            }
            for (String target : order) {
                results.addAll(runTarget(target, i - options.warmRounds()));
            }
        }
        return results;
    }

    Map<String, String> descriptions() {
        return descriptions;
    }

    /** The disk's measured dsync rates, a failure, or null if not measured. */
    String disk() {
        return disk;
    }

    /**
     * The disk's physical limit for durable 1 KiB writes, measured first in the directory the targets
     * keep their files in, so every figure after it can be read against it.
     */
    private String measureDisk() {
        if (options.diskTime().isZero()) {
            return null;
        }
        try {
            DiskSync.Result r =
                    DiskSync.measure(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")), options.diskTime());
            out.println(json.writeValueAsString(Map.of("disk", r)));
            console.println("[bench] disk: " + r.describe());
            return r.describe();
        } catch (Exception e) {
            console.println("[bench] disk: measurement failed: " + Workers.describe(e));
            return "measurement failed: " + Workers.describe(e);
        }
    }

    /** One round of a target's scenarios; a negative round is a warm round, reported nowhere. */
    private List<RunResult> runTarget(String name, int round) {
        List<RunResult> results = new ArrayList<>();
        String which = round < 0
                ? ", warm round " + (round + options.warmRounds() + 1) + " of " + options.warmRounds()
                : options.rounds() > 1 ? ", round " + (round + 1) + " of " + options.rounds() : "";
        console.println("[bench] " + name + ": starting" + which);
        Target target;
        try {
            target = Targets.open(name, options.pubOptions());
        } catch (Throwable e) {
            return failAll(name, round, "target did not start: " + Workers.describe(e));
        }
        Connection keeper = null;
        try (target) {
            InitialContext jndi = new InitialContext(environment(target));
            ConnectionFactory factory = (ConnectionFactory) jndi.lookup("ConnectionFactory");
            // held for the target's whole life, as a long-running application would: Pub closes its
            // store with the last connection, and reopening it per run is no part of any workload
            keeper = factory.createConnection();
            String warmUp = "";
            try {
                warmUp(keeper, (Destination) jndi.lookup(WARMUP_QUEUE), options.bodies());
            } catch (Exception e) {
                // the scenarios still run (and report their own failures): they say more than this
                warmUp = "; WARM-UP FAILED: " + Workers.describe(e);
            }
            String load = "; 1-min load average at start " + loadAverage();
            console.println("[bench] " + name + " after warm-up: " + target.describe() + warmUp + load);
            for (Scenario scenario : options.scenarios()) {
                results.addAll(runScenario(target, jndi, factory, scenario, round));
            }
            // described again at the end: Artemis may settle its flush mode only after the warm-up
            descriptions.put(name, target.describe() + warmUp + load + ", at end " + loadAverage());
            Clients.closeQuietly(keeper, Duration.ofSeconds(10));
            jndi.close();
        } catch (Throwable e) {
            Clients.closeQuietly(keeper, Duration.ofSeconds(10));
            RunResult failure = RunResult.failed(name, Scenario.QUEUE_1X1, 0, "target failed: " + Workers.describe(e));
            if (results.isEmpty()) {
                return failAll(name, round, failure.error());
            }
            console.println("[bench] " + name + ": " + failure.error());
            out.println(toJson(failure));
            results.add(failure);
        }
        return results;
    }

    /**
     * The scenario's warm-up and measured runs. Round r's measured runs are numbered after the rounds
     * before it; warm-ups, and every run of a warm round, are run 0 and not reported.
     */
    private List<RunResult> runScenario(
            Target target, InitialContext jndi, ConnectionFactory factory, Scenario s, int round) {
        List<RunResult> results = new ArrayList<>();
        Workload workload = s.workload();
        for (int run = 0; run <= options.runs(); run++) {
            int number = number(round, run);
            Plan plan = plan(target, s, run);
            Long roundTrips = null;
            Long cpu = null;
            Long jit = null;
            Measurement m;
            try {
                Destination destination = (Destination) jndi.lookup(s.destination(run));
                OptionalLong before = target.roundTrips();
                long cpuBefore = processCpuNanos();
                Map<String, Long> jitBefore = CompilerCpu.byThread();
                m = workload.run(factory, destination, plan);
                long cpuAfter = processCpuNanos();
                jit = CompilerCpu.since(jitBefore);
                OptionalLong after = target.roundTrips();
                if (after.isPresent()) {
                    roundTrips = after.getAsLong() - before.orElse(0);
                }
                if (cpuBefore >= 0 && cpuAfter >= 0) {
                    cpu = cpuAfter - cpuBefore;
                }
            } catch (Throwable e) {
                m = null;
                RunResult failed = RunResult.failed(target.name(), s, number, Workers.describe(e));
                console.println(
                        "[bench] " + target.name() + " " + s.label() + " run " + number + " FAILED: " + failed.error());
                results.add(failed);
                out.println(toJson(failed));
                if (number == 0) {
                    return results; // a scenario whose warm-up fails is not measured
                }
                continue;
            }
            RunResult r = RunResult.of(target, s, number, m, roundTrips, cpu, jit);
            console.println(progress(r));
            if (number == 0) {
                if (r.error() != null) {
                    results.add(r);
                    out.println(toJson(r));
                    return results; // a scenario whose warm-up fails is not measured
                }
                continue; // warm-up: not reported
            }
            results.add(r);
            out.println(toJson(r));
        }
        return results;
    }

    /** A run's number in the results: 0 for warm-ups and warm rounds, else counted on across rounds. */
    private int number(int round, int run) {
        return run == 0 || round < 0 ? 0 : round * options.runs() + run;
    }

    private Plan plan(Target target, Scenario s, int run) {
        String tag = target.name() + "-" + s.label() + "-r" + run;
        if (!target.speedMeaningful()) {
            long n = run == 0 ? Math.max(10, options.mockMessages() / 4) : options.mockMessages();
            Duration stall = options.stall().compareTo(MOCK_STALL) < 0 ? options.stall() : MOCK_STALL;
            return new Plan(n, options.sendTime(), stall, tag, options.bodies());
        }
        if (options.messages() > 0) {
            long n = run == 0 ? Math.max(100, options.messages() / 5) : options.messages();
            return new Plan(n, options.sendTime(), options.stall(), tag, options.bodies());
        }
        return new Plan(
                0, run == 0 ? options.warmupTime() : options.sendTime(), options.stall(), tag, options.bodies());
    }

    private Hashtable<String, Object> environment(Target target) {
        Hashtable<String, Object> env = target.jndi();
        env.put("queue." + WARMUP_QUEUE, WARMUP_QUEUE);
        for (Scenario s : options.scenarios()) {
            for (int run = 0; run <= options.runs(); run++) {
                env.put((s.topic() ? "topic." : "queue.") + s.destination(run), s.destination(run));
            }
        }
        return env;
    }

    /**
     * A few dozen blocking persistent sends, received back, before anything is measured: Artemis decides
     * its journal flush mode from its first flushes, and every target gets its classes loaded and its
     * store opened outside the measurements.
     */
    private static void warmUp(Connection c, Destination queue, Bodies bodies) throws Exception {
        try (Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE)) {
            MessageProducer p = Clients.producer(s, queue);
            for (int i = 0; i < WARMUP_SENDS; i++) {
                p.send(Clients.message(s, i, bodies));
            }
            MessageConsumer consumer = s.createConsumer(queue);
            c.start();
            int received = 0;
            Message last = null;
            for (Message m; received < WARMUP_SENDS && (m = consumer.receive(10_000)) != null; received++) {
                last = m;
            }
            if (last != null) {
                last.acknowledge();
            }
            if (received < WARMUP_SENDS) {
                throw new IllegalStateException(
                        "warm-up: received " + received + " of " + WARMUP_SENDS + " messages within 10 s each");
            }
        }
    }

    /**
     * CPU time of this whole process so far (every thread: broker or store, clients, GC), or -1 where
     * the JVM does not say. The broker and the store run in this process, so a run's delta divided by
     * its deliveries is the CPU each delivered message cost, the clients' share included for every
     * target alike.
     */
    static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** The machine's 1-minute load average: on a shared 2-core machine it says how far to trust a run. */
    static String loadAverage() {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage();
        return load < 0 ? "unknown" : String.format(java.util.Locale.ROOT, "%.1f", load);
    }

    private List<RunResult> failAll(String target, int round, String error) {
        console.println("[bench] " + target + ": " + error);
        List<RunResult> results = new ArrayList<>();
        for (Scenario s : options.scenarios()) {
            RunResult r = RunResult.failed(target, s, number(round, 1), error);
            results.add(r);
            out.println(toJson(r));
        }
        return results;
    }

    private String progress(RunResult r) {
        StringBuilder sb = new StringBuilder("[bench] ")
                .append(r.target())
                .append(' ')
                .append(r.scenario())
                .append(r.run() == 0 ? " warm-up" : " run " + r.run())
                .append(": ")
                .append(Math.round(r.throughput()))
                .append(" msg/s, sent ")
                .append(r.sent())
                .append(", delivered ")
                .append(r.delivered())
                .append('/')
                .append(r.expectedDeliveries());
        if (r.p99Ms() != null) {
            sb.append(String.format(", p50 %.2f ms, p99 %.2f ms", r.p50Ms(), r.p99Ms()));
        }
        if (r.cpuMicrosPerDelivery() != null) {
            sb.append(String.format(", %.1f us CPU/delivery", r.cpuMicrosPerDelivery()));
            if (r.jitMicrosPerDelivery() != null) {
                sb.append(String.format(" (JIT compiler %.1f)", r.jitMicrosPerDelivery()));
            }
        }
        if (r.keptUp() != null) {
            sb.append(r.keptUp() ? ", consumer kept up" : ", consumer BEHIND")
                    .append(" (backlog ")
                    .append(r.backlog())
                    .append(')');
        }
        if (r.roundTripsPerDelivery() != null) {
            sb.append(String.format(", %.2f round trips/delivery", r.roundTripsPerDelivery()));
        }
        if (r.duplicates() > 0) {
            sb.append(", duplicates ").append(r.duplicates());
        }
        if (r.missing() > 0) {
            sb.append(", MISSING ").append(r.missing());
        }
        if (r.error() != null) {
            sb.append(", ERROR ").append(r.error());
        }
        return sb.toString();
    }

    private String toJson(RunResult r) {
        try {
            return json.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a result as JSON", e);
        }
    }
}
