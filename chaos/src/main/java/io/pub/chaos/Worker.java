package io.pub.chaos;

import io.pub.Settings;
import io.pub.jms.PubConnectionFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM of the chaos harness: runs its roles (producers, consumers of several kinds), each on
 * its own thread with its own connection, journals everything it does, samples the store's cursors,
 * and obeys the control file. The harness kills it with SIGKILL, pauses it with SIGSTOP, and at the
 * end asks it through the control file to close everything and exit.
 *
 * <p>Arguments, {@code key=value}: {@code name} (this JVM in the journals), {@code url} (the factory
 * URL, a {@code chaos:} store with provider options), {@code journal} and {@code control} (files),
 * {@code roles} (comma-separated {@link Workload.Role}s, repeated for several), {@code rate}
 * (messages per second per producer), {@code settings} (extra engine settings, {@code K:V;K:V}).
 */
public final class Worker {
    private final String name;
    final Journal journal;
    final PubConnectionFactory factory;
    final ControlWatcher control;
    final double rate;
    private volatile boolean exiting;

    private Worker(String name, Journal journal, PubConnectionFactory factory, ControlWatcher control, double rate) {
        this.name = name;
        this.journal = journal;
        this.factory = factory;
        this.control = control;
        this.rate = rate;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments are key=value, got '" + arg + "'");
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String name = require(a, "name");
        Path controlFile = Path.of(require(a, "control"));
        Journal journal = new Journal(Path.of(require(a, "journal")));
        journal.log("START", name, ProcessHandle.current().pid());
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(ChaosStoreProvider.CONTROL_SETTING, controlFile.toString());
        for (String kv : a.getOrDefault("settings", "").split(";")) {
            int colon = kv.indexOf(':');
            if (colon > 0) {
                settings.put(kv.substring(0, colon), kv.substring(colon + 1));
            }
        }
        ChaosController.listener = (op, fault, subject) ->
                journal.log("FAULT", op, fault, Thread.currentThread().getName().replace(' ', '_'), subject);
        ChaosController.recorder = new JournalRecorder(journal);
        PubConnectionFactory factory =
                new PubConnectionFactory(require(a, "url"), Settings.of(settings), Clock.systemUTC());
        ControlWatcher control = ControlWatcher.start(controlFile);
        Worker w = new Worker(name, journal, factory, control, Double.parseDouble(a.getOrDefault("rate", "20")));
        List<Workload.Role> roles = new ArrayList<>();
        for (String r : require(a, "roles").split(",")) {
            roles.add(Workload.Role.parse(r));
        }
        System.exit(w.run(roles));
    }

    private static String require(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing argument " + key + "=...");
        }
        return v;
    }

    private int run(List<Workload.Role> roles) throws InterruptedException {
        createSubscriptions();
        List<Thread> threads = new ArrayList<>();
        int i = 0;
        for (Workload.Role r : roles) {
            String id = name + "/" + r.name().toLowerCase(java.util.Locale.ROOT) + i++;
            Runnable body = r == Workload.Role.PRODUCER ? new Producers(this, id) : new Consumers(this, id, r);
            Thread t = new Thread(body, "chaos-" + id.replace('/', '-'));
            threads.add(t);
            t.start();
        }
        Thread sampler = new Thread(new CursorSampler(journal, this::exiting), "chaos-sampler");
        sampler.setDaemon(true);
        sampler.start();
        while (!control.get().exit) {
            Thread.sleep(Control.POLL_MS);
        }
        exiting = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                journal.log("HANG", t.getName(), "exit", stack(t));
            }
        }
        boolean hung = threads.stream().anyMatch(Thread::isAlive);
        journal.log("STOP", name, hung ? "hung" : "clean");
        if (hung) {
            Runtime.getRuntime().halt(3);
        }
        return 0;
    }

    /**
     * The topic's shared durable subscriptions exist before anything is sent (a topic message reaches
     * only the subscriptions that exist when it is sent); store faults may take a few tries.
     */
    private void createSubscriptions() {
        for (int attempt = 1; ; attempt++) {
            try (jakarta.jms.Connection c = factory.createConnection()) {
                jakarta.jms.Session s = c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
                jakarta.jms.Topic t = s.createTopic(Workload.TOPIC);
                s.createSharedDurableConsumer(t, Workload.ALL).close();
                s.createSharedDurableConsumer(t, Workload.ODD, Workload.ODD_SELECTOR)
                        .close();
                s.createConsumer(s.createQueue(Workload.QUEUE)).close();
                journal.log("READY", name, attempt);
                return;
            } catch (jakarta.jms.JMSException | RuntimeException e) {
                journal.log("ERROR", name, "setup", Journal.text(e));
                sleep(200);
            }
        }
    }

    boolean exiting() {
        return exiting;
    }

    /** Producers send while this is true. */
    boolean producing() {
        return !exiting && control.get().produce && !control.get().exit;
    }

    static String stack(Thread t) {
        StringBuilder b = new StringBuilder();
        for (StackTraceElement e : t.getStackTrace()) {
            if (b.length() > 0) {
                b.append("<");
            }
            b.append(e.getClassName().replaceAll(".*\\.", ""))
                    .append('.')
                    .append(e.getMethodName())
                    .append(':')
                    .append(e.getLineNumber());
            if (b.length() > 600) {
                break;
            }
        }
        return b.toString();
    }

    /** Sleeps, returning false if interrupted. */
    static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
