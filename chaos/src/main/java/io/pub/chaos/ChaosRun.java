package io.pub.chaos;

import io.pub.Stores;
import io.pub.couchbase.CouchbaseMockServer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One chaos run on one store: starts the child JVMs, spends the chaos phase killing, pausing and
 * faulting them at random (from the seed), then calms down, lets the consumers drain everything,
 * asks the children to exit, and checks the journals and the store. See {@link Chaos} for the
 * command line and {@link Checker} for the invariants.
 */
final class ChaosRun {
    enum Store {
        EMBEDDED,
        COUCHBASE_MOCK;

        static Store parse(String s) {
            return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "embedded" -> EMBEDDED;
                case "couchbase-mock", "couchbase" -> COUCHBASE_MOCK;
                default ->
                    throw new IllegalArgumentException(
                            "--store must be embedded, couchbase-mock or both, was '" + s + "'");
            };
        }

        String label() {
            return this == EMBEDDED ? "embedded" : "couchbase-mock";
        }
    }

    /** What to run; every duration is real time. */
    record Config(
            Store store,
            Duration chaos,
            long seed,
            Path dir,
            double ratePerProducer,
            Duration lease,
            Duration heartbeat,
            Duration stuckAfter,
            Set<String> sparedFaults,
            Set<Action> actions,
            int minAcknowledgedSends) {}

    /** The harness's acts of chaos. */
    enum Action {
        KILL,
        PAUSE,
        FAULTS
    }

    /** What a run did and found. */
    record Result(
            Store store,
            Map<String, Long> figures,
            Map<String, Integer> faults,
            Map<String, Integer> clientErrors,
            Map<String, List<String>> violations) {
        boolean passed() {
            return violations.isEmpty();
        }

        long figure(String name) {
            return figures.getOrDefault(name, 0L);
        }
    }

    /** Engine settings of the children: short timeouts so a run sees holes sealed and leases lapse. */
    private static final String ENGINE_SETTINGS =
            "PUB_PUBLISH_TIMEOUT:2s;PUB_RESCAN_INTERVAL:500ms;PUB_HOUSEKEEPING_INTERVAL:5s;PUB_STORE_LINGER:0";

    private static final double BASELINE_FAULT_RATE = 0.002;
    private static final int MAX_FAULT_DELAY_MS = 1200;

    private final Config config;
    private final PrintStream out;
    private final Random random;
    private final Path controlFile;
    private final Journal harness;
    private final Ledger ledger = new Ledger();
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final PriorityQueue<Timed> timers = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    private Control control = Control.quiet();
    private String storeUrl;
    private String factoryUrl;
    private CouchbaseMockServer mock;
    private final List<String> died = new ArrayList<>();
    private final Set<Action> done = EnumSet.noneOf(Action.class);
    private final Object lifecycle = new Object();
    /** Set once the children are being killed for good: none is started after that. */
    private boolean closing;

    /** A place for a child JVM and its incarnations. */
    private static final class Slot {
        final String name;
        final List<Workload.Role> roles;
        final String heap;
        int incarnation;
        Child child;
        /** A restart or resume is scheduled: leave the slot alone until then. */
        boolean busy;

        Slot(String name, List<Workload.Role> roles, String heap) {
            this.name = name;
            this.roles = roles;
            this.heap = heap;
        }
    }

    private record Timed(long at, Runnable action) {}

    ChaosRun(Config config, PrintStream out) throws java.io.IOException {
        Files.createDirectories(config.dir());
        this.config = config;
        this.out = out;
        this.random = new Random(config.seed());
        this.controlFile = config.dir().resolve("control.properties");
        Path harnessJournal = config.dir().resolve("harness.journal");
        this.harness = new Journal(harnessJournal);
        ledger.follow(harnessJournal, "harness");
    }

    Result run() throws Exception {
        control.write(controlFile);
        startStore();
        Runtime.getRuntime().addShutdownHook(new Thread(this::killAll, "chaos-cleanup"));
        try {
            topology();
            say("store " + config.store().label() + " (" + Stores.redact(storeUrl) + "), seed " + config.seed() + ", "
                    + slots.size() + " child JVM slot(s), chaos for "
                    + config.chaos().toSeconds() + " s, lease "
                    + config.lease().toMillis() + " ms, heartbeat "
                    + config.heartbeat().toMillis() + " ms, journals in "
                    + config.dir() + ", acts " + config.actions()
                    + (config.sparedFaults().isEmpty() ? "" : ", faults spared: " + config.sparedFaults()));
            slots.values().forEach(this::spawn);
            chaos();
            calm();
            Map<String, List<String>> drainFindings = drain();
            stopChildren(drainFindings);
            StoreCheck.run(storeUrl, drainFindings);
            ledger.poll();
            Checker checker = new Checker(ledger, config.lease().toMillis()).check();
            drainFindings.forEach((k, v) -> v.forEach(d -> checker.violation(k, d)));
            died.forEach(d -> checker.violation("child died", d));
            Map<String, Long> figures = new LinkedHashMap<>();
            ledger.counts.forEach((k, v) -> figures.put(k, (long) v));
            figures.putAll(checker.figures());
            figures.put("faults injected", (long)
                    ledger.faultCounts.values().stream().mapToInt(i -> i).sum());
            return new Result(
                    config.store(),
                    figures,
                    Map.copyOf(ledger.faultCounts),
                    Map.copyOf(ledger.errorCounts),
                    checker.violations());
        } finally {
            killAll();
            if (mock != null) {
                mock.close();
            }
            harness.close();
        }
    }

    private void say(String s) {
        out.println("[chaos " + config.store().label() + "] " + s);
        out.flush();
    }

    private void startStore() {
        switch (config.store()) {
            case EMBEDDED ->
                storeUrl = "embedded:" + config.dir().resolve("store").toAbsolutePath();
            case COUCHBASE_MOCK -> {
                mock = CouchbaseMockServer.start();
                storeUrl = mock.storeUrl();
            }
        }
        // blockOnAcknowledge: the checker attributes a failed acknowledgement to its message by the
        // ExceptionListener call on the acknowledging thread, which a background write cannot give
        String options = "leaseDuration=" + config.lease().toMillis() + "ms&heartbeat="
                + config.heartbeat().toMillis() + "ms&maxDeliveries=0&blockOnAcknowledge=true";
        factoryUrl = "chaos:" + storeUrl + (storeUrl.contains("?") ? "&" : "?") + options;
    }

    /**
     * The embedded store admits one process per directory, so there everything runs in one JVM that is
     * killed and paused as a whole; on CouchbaseMock producers and consumers are spread over five.
     */
    private void topology() {
        if (config.store() == Store.EMBEDDED) {
            slot(
                    "e",
                    "256m",
                    Workload.Role.PRODUCER,
                    Workload.Role.PRODUCER,
                    Workload.Role.Q_AUTO,
                    Workload.Role.Q_CLIENT,
                    Workload.Role.Q_TX,
                    Workload.Role.Q_LISTENER,
                    Workload.Role.T_ALL_CLIENT,
                    Workload.Role.T_ALL_TX,
                    Workload.Role.T_ODD_AUTO);
        } else {
            slot("p1", "192m", Workload.Role.PRODUCER, Workload.Role.PRODUCER);
            slot("p2", "192m", Workload.Role.PRODUCER, Workload.Role.Q_AUTO);
            slot("c1", "192m", Workload.Role.Q_CLIENT, Workload.Role.T_ALL_CLIENT, Workload.Role.T_ODD_AUTO);
            slot("c2", "192m", Workload.Role.Q_TX, Workload.Role.T_ALL_TX, Workload.Role.Q_LISTENER);
            slot("c3", "192m", Workload.Role.Q_AUTO, Workload.Role.T_ALL_CLIENT, Workload.Role.T_ODD_AUTO);
        }
    }

    private void slot(String name, String heap, Workload.Role... roles) {
        slots.put(name, new Slot(name, List.of(roles), heap));
    }

    private void spawn(Slot s) {
        synchronized (lifecycle) {
            if (!closing) {
                start(s);
            }
        }
    }

    private void start(Slot s) {
        String name = s.name + "." + s.incarnation++;
        List<String> args = List.of(
                "url=" + factoryUrl,
                "control=" + controlFile,
                "roles=" + String.join(",", s.roles.stream().map(Enum::name).toList()),
                "rate=" + config.ratePerProducer(),
                "settings=" + ENGINE_SETTINGS);
        s.child = Child.start(name, config.dir(), args, s.heap);
        s.busy = false;
        ledger.follow(s.child.journal, name);
        harness.log("SPAWN", name, s.child.pid());
    }

    // ---- the chaos phase

    private void chaos() {
        if (config.actions().contains(Action.FAULTS)) {
            setFaults(BASELINE_FAULT_RATE);
        }
        long end = System.nanoTime() + config.chaos().toNanos();
        // on a slow machine a short run goes on until it did enough to prove something (bounded)
        long latest = System.nanoTime() + config.chaos().multipliedBy(6).toNanos();
        long nextAction = System.nanoTime() + millis(1500, 3000);
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long nextCheck = end;
        boolean enough = config.minAcknowledgedSends() == 0;
        while (System.nanoTime() < end || (!enough && System.nanoTime() < latest)) {
            if (!enough && System.nanoTime() >= nextCheck) {
                ledger.poll();
                enough = didEnough();
                nextCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            }
            runTimers(false);
            respawnDead();
            if (System.nanoTime() >= nextAction) {
                act();
                nextAction = System.nanoTime() + millis(1500, 4000);
            }
            if (System.nanoTime() >= nextReport) {
                ledger.poll();
                say("chaos: " + ledger.counts);
                nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            }
            Worker.sleep(50);
        }
    }

    /**
     * Every act done at least once, the minimum of acknowledged sends, and a redelivery: a message
     * delivered again to its subscription, as the checker counts it. A delivery flagged redelivered
     * is not enough: its earlier lease may never have reached an application (a killed or paused
     * consumer's prefetch), and a short run that had only those ended with no redelivery to check.
     */
    private boolean didEnough() {
        long acked = ledger.counts.entrySet().stream()
                .filter(e -> e.getKey().startsWith("sends acknowledged"))
                .mapToLong(Map.Entry::getValue)
                .sum();
        return done.containsAll(config.actions())
                && acked >= config.minAcknowledgedSends()
                && ledger.counts.getOrDefault("redeliveries seen", 0) > 0;
    }

    /** A child that exited without being killed crashed (or halted on a hang): noted, and started again. */
    private void respawnDead() {
        for (Slot s : slots.values()) {
            if (!s.busy && !s.child.isAlive()) {
                synchronized (lifecycle) {
                    if (closing) {
                        return;
                    }
                }
                int code = s.child.awaitExit(0);
                died.add(s.child.name + " exited by itself with code " + code
                        + (code == 137 ? " (SIGKILL, not sent by this harness)" : "") + " (see " + s.child.name
                        + ".log and its journal)");
                harness.log("DIED", s.child.name, code);
                spawn(s);
            }
        }
    }

    private long millis(int min, int max) {
        return TimeUnit.MILLISECONDS.toNanos(min + random.nextInt(max - min + 1));
    }

    private void at(long delayNanos, Runnable action) {
        timers.add(new Timed(System.nanoTime() + delayNanos, action));
    }

    private void runTimers(boolean all) {
        while (!timers.isEmpty() && (all || timers.peek().at <= System.nanoTime())) {
            timers.poll().action.run();
        }
    }

    /** One random act of chaos: kill a JVM, pause one, or open a window of frequent store faults. */
    private void act() {
        List<Slot> idle = slots.values().stream()
                .filter(s -> !s.busy && s.child.isAlive() && !s.child.isPaused())
                .toList();
        Map<Action, Integer> weights = new java.util.EnumMap<>(Action.class);
        if (!idle.isEmpty()) {
            weights.put(Action.KILL, 35);
            weights.put(Action.PAUSE, 30);
        }
        if (control.faultRate <= BASELINE_FAULT_RATE) {
            weights.put(Action.FAULTS, 35);
        }
        weights.keySet().retainAll(config.actions());
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        if (total == 0) {
            return;
        }
        Action act = null;
        // a run's first acts are one of each kind, so that even a short run does every one of them
        for (Action a : config.actions()) {
            if (!done.contains(a) && weights.containsKey(a)) {
                act = a;
                break;
            }
        }
        int pick = random.nextInt(total);
        for (Map.Entry<Action, Integer> w : weights.entrySet()) {
            if (act != null) {
                break;
            }
            pick -= w.getValue();
            if (pick < 0) {
                act = w.getKey();
            }
        }
        done.add(act);
        if (act == Action.KILL) {
            Slot s = idle.get(random.nextInt(idle.size()));
            harness.log("KILL", s.child.name, s.child.pid()); // before the kill: it happened no later
            s.child.kill();
            s.busy = true;
            at(millis(300, 1500), () -> spawn(s));
        } else if (act == Action.PAUSE) {
            Slot s = idle.get(random.nextInt(idle.size()));
            // past the lease and the heartbeat: its leases lapse and other consumers take over
            long pause =
                    Math.max(config.lease().toMillis(), config.heartbeat().toMillis()) + 1000 + random.nextInt(3000);
            harness.log("PAUSE", s.child.name, pause);
            s.child.pause();
            s.busy = true;
            at(TimeUnit.MILLISECONDS.toNanos(pause), () -> {
                s.child.resume(); // if it died meanwhile, respawnDead() reports and replaces it
                harness.log("RESUME", s.child.name);
                s.busy = false;
            });
        } else {
            double rate = 0.02 + random.nextDouble() * 0.13;
            setFaults(rate);
            at(millis(2000, 5000), () -> setFaults(BASELINE_FAULT_RATE));
        }
    }

    private void setFaults(double rate) {
        control = control.withSpared(config.sparedFaults())
                .withFaults(rate, rate > 0 ? EnumSet.allOf(Fault.class) : Set.of(), MAX_FAULT_DELAY_MS);
        control.write(controlFile);
        harness.log("FAULTS", rate, rate > BASELINE_FAULT_RATE ? "window" : "baseline");
    }

    // ---- the end

    /** No more faults; paused JVMs resumed and killed ones restarted (at once); producers stop. */
    private void calm() {
        runTimers(true);
        setFaults(0);
        harness.log("PHASE", "calm");
        Worker.sleep(2000); // sends under way finish under the calm
        control = control.withProduce(false);
        control.write(controlFile);
        harness.log("PHASE", "drain");
        ledger.poll();
        say("chaos over: " + ledger.counts + "; draining");
    }

    /**
     * Waits until every acknowledged send reached each subscription it must, and the latest cursor
     * samples (read after producing stopped) all stand at their shard's head. Nothing happening for
     * {@code stuckAfter} while that is not so means something is stuck.
     */
    private Map<String, List<String>> drain() {
        Map<String, List<String>> findings = new LinkedHashMap<>();
        long stoppedAt = System.currentTimeMillis();
        long started = System.nanoTime();
        long lastChange = System.nanoTime();
        String lastState = "";
        while (true) {
            Worker.sleep(1000);
            respawnDead();
            ledger.poll();
            List<String> behind = new ArrayList<>();
            boolean fresh = !ledger.latest.isEmpty();
            for (Map.Entry<String, Ledger.Sample> e : ledger.latest.entrySet()) {
                Ledger.Sample s = e.getValue();
                fresh &= s.start() > stoppedAt + 2000;
                if (s.committed() < s.head()) {
                    behind.add(e.getKey() + " committed " + s.committed() + " < head " + s.head());
                }
            }
            // an AUTO_ACKNOWLEDGE receipt cut off by a kill never arrives: not waited for
            Checker explain = new Checker(ledger, config.lease().toMillis());
            List<String> missing = ledger.missing.stream()
                    .filter(k -> {
                        int space = k.indexOf(' ');
                        return !explain.cutOff(k.substring(space + 1), k.substring(0, space));
                    })
                    .sorted()
                    .toList();
            String state = missing.size() + " " + behind;
            if (!state.equals(lastState)) {
                lastState = state;
                lastChange = System.nanoTime();
            }
            if (missing.isEmpty() && behind.isEmpty() && fresh) {
                say("drained in " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s");
                return findings;
            }
            if (System.nanoTime() - lastChange > config.stuckAfter().toNanos()) {
                for (String m : missing.stream().limit(50).toList()) {
                    findings.computeIfAbsent("stuck", k -> new ArrayList<>())
                            .add("acknowledged send not delivered after the drain: " + m);
                }
                behind.forEach(b -> findings.computeIfAbsent("stuck", k -> new ArrayList<>())
                        .add("cursor not at the head after the drain: " + b));
                if (!fresh) {
                    findings.computeIfAbsent("stuck", k -> new ArrayList<>())
                            .add("no cursor samples since producing stopped (children not running?)");
                }
                say("nothing moved for " + config.stuckAfter().toSeconds() + " s: stuck");
                return findings;
            }
        }
    }

    private void stopChildren(Map<String, List<String>> findings) {
        control = control.withExit();
        control.write(controlFile);
        for (Slot s : slots.values()) {
            int code = s.child.awaitExit(90);
            if (code != 0) {
                findings.computeIfAbsent("hang", k -> new ArrayList<>())
                        .add(s.child.name + " did not exit cleanly when asked (exit code " + code + ", -1 = still"
                                + " running after 90 s; see its journal and " + s.child.name + ".log)");
                s.child.kill();
            }
        }
    }

    /** Every child gone: SIGKILL to all first (a paused one too), then wait for each. */
    private void killAll() {
        synchronized (lifecycle) {
            closing = true; // the shutdown hook may run while the main thread would restart a child
        }
        List<Child> alive = slots.values().stream()
                .map(s -> s.child)
                .filter(c -> c != null && c.isAlive())
                .toList();
        alive.forEach(Child::killNow);
        for (Child c : alive) {
            try {
                c.kill();
            } catch (RuntimeException e) {
                say("could not kill " + c.name + " (pid " + c.pid() + "): " + e.getMessage());
            }
        }
    }
}
