package io.pub.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * The harness's instructions to its child JVMs, in a properties file the harness rewrites (atomically)
 * and every child reads again every {@link #POLL_MS} ms: the fault rate and kinds, whether producers
 * should send, and whether to shut down. A file, not a pipe, so that a killed and restarted child
 * picks up the current state at once.
 */
final class Control {
    static final long POLL_MS = 200;

    /** Chance that a store call is faulted; 0 = no faults. */
    final double faultRate;
    /** Which faults may be injected. */
    final Set<Fault> kinds;
    /** Upper bound of an injected delay (latency, timeout). */
    final int maxDelayMs;
    /** Faults never injected, as {@code op:KIND} (e.g. {@code markDone:LOST_REPLY}). */
    final Set<String> spared;
    /** Producers send while true. */
    final boolean produce;
    /** Children close everything and exit when true. */
    final boolean exit;

    Control(double faultRate, Set<Fault> kinds, int maxDelayMs, Set<String> spared, boolean produce, boolean exit) {
        if (faultRate < 0 || faultRate > 1) {
            throw new IllegalArgumentException("faultRate must be between 0 and 1, was " + faultRate);
        }
        this.faultRate = faultRate;
        this.kinds = kinds.isEmpty() ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(kinds);
        this.maxDelayMs = maxDelayMs;
        this.spared = Set.copyOf(spared);
        this.produce = produce;
        this.exit = exit;
    }

    static Control quiet() {
        return new Control(0, Set.of(), 0, Set.of(), true, false);
    }

    Control withFaults(double rate, Set<Fault> faultKinds, int maxDelay) {
        return new Control(rate, faultKinds, maxDelay, spared, produce, exit);
    }

    Control withSpared(Set<String> pairs) {
        return new Control(faultRate, kinds, maxDelayMs, pairs, produce, exit);
    }

    /** Whether {@code fault} may be injected in {@code op}. */
    boolean allows(String op, Fault fault) {
        return kinds.contains(fault) && !spared.contains(op + ":" + fault.name());
    }

    Control withProduce(boolean p) {
        return new Control(faultRate, kinds, maxDelayMs, spared, p, exit);
    }

    Control withExit() {
        return new Control(faultRate, kinds, maxDelayMs, spared, produce, true);
    }

    void write(Path file) {
        Properties p = new Properties();
        p.setProperty("faults.rate", Double.toString(faultRate));
        p.setProperty(
                "faults.kinds", String.join(",", kinds.stream().map(Enum::name).toList()));
        p.setProperty("faults.maxDelayMs", Integer.toString(maxDelayMs));
        p.setProperty("faults.spared", String.join(",", spared));
        p.setProperty("produce", Boolean.toString(produce));
        p.setProperty("exit", Boolean.toString(exit));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, "chaos control");
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the control file " + file, e);
        }
    }

    /** The file's instructions; {@link #quiet()} while it does not exist. */
    static Control read(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return quiet();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the control file " + file, e);
        }
        Set<Fault> kinds = EnumSet.noneOf(Fault.class);
        for (String k : p.getProperty("faults.kinds", "").split(",")) {
            if (!k.isBlank()) {
                kinds.add(Fault.valueOf(k.trim().toUpperCase(Locale.ROOT)));
            }
        }
        return new Control(
                Double.parseDouble(p.getProperty("faults.rate", "0")),
                kinds,
                Integer.parseInt(p.getProperty("faults.maxDelayMs", "0")),
                spared(p.getProperty("faults.spared", "")),
                Boolean.parseBoolean(p.getProperty("produce", "true")),
                Boolean.parseBoolean(p.getProperty("exit", "false")));
    }

    /** Parses {@code op:KIND,op:KIND}; checks the kinds. */
    static Set<String> spared(String list) {
        Set<String> out = new java.util.TreeSet<>();
        for (String pair : list.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(
                        "a spared fault is op:KIND (e.g. markDone:LOST_REPLY), was '" + pair + "'");
            }
            Fault f;
            try {
                f = Fault.valueOf(pair.substring(colon + 1).trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown fault in '" + pair + "': expected one of "
                        + java.util.Arrays.toString(Fault.values()));
            }
            out.add(pair.substring(0, colon).trim() + ":" + f.name());
        }
        return out;
    }

    @Override
    public String toString() {
        return "faults " + faultRate + " " + kinds + " (delays up to " + maxDelayMs + " ms), spared " + spared
                + ", produce=" + produce + ", exit=" + exit;
    }
}
