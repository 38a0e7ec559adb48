package io.pub.chaos;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the journals say, read as they grow (the harness follows them during the drain) and kept
 * in the shape the checks need: sends by message, deliveries by subscription and message, what each
 * consumer did with each message, kills and pauses per JVM, injected faults, cursor samples.
 */
final class Ledger {
    /** A send attempt and what became of it. */
    static final class Send {
        final String cid;
        final String destination;
        final int parity;
        final String mode;
        /** True once the provider acknowledged the send. */
        boolean sent;

        boolean failed;
        boolean rolledBack;

        Send(String cid, String destination, int parity, String mode) {
            this.cid = cid;
            this.destination = destination;
            this.parity = parity;
            this.mode = mode;
        }
    }

    record Delivery(
            long at,
            String consumer,
            String jvm,
            String sub,
            String cid,
            boolean redelivered,
            int count,
            boolean autoAcked,
            int parity) {}

    /** ACK, RELEASE, ACKFAIL of one message by one consumer. */
    record Settled(long at, String type) {}

    record FaultEvent(long at, String op, String kind, String thread, String subject) {}

    record Sample(String jvm, long start, long end, long committed, long head) {}

    /** An offset about to be marked done for a subscription, by a thread of a JVM. */
    record Marking(long at, String jvm, String thread, String subscription) {}

    final Map<String, Send> sends = new HashMap<>();
    /** "sub cid" to its deliveries in journal order per JVM (sorted by time before checking). */
    final Map<String, List<Delivery>> deliveries = new HashMap<>();
    /** "consumer cid" to what the consumer did with the message. */
    final Map<String, List<Settled>> settled = new HashMap<>();
    /** consumer to the times its connection was closed. */
    final Map<String, List<Long>> closes = new HashMap<>();
    /** JVM to when it was killed. */
    final Map<String, Long> killedAt = new HashMap<>();
    /** JVM to its pauses, {start, end} (end = Long.MAX_VALUE while paused). */
    final Map<String, List<long[]>> pauses = new HashMap<>();

    final Map<String, List<FaultEvent>> faults = new HashMap<>();
    /** "topic subscription shard" to its samples. */
    final Map<String, List<Sample>> samples = new TreeMap<>();
    /** "topic subscription shard" to its latest sample (by end time). */
    final Map<String, Sample> latest = new TreeMap<>();

    /** Message to where it was stored: "topic shard offset" (more than one if written again). */
    final Map<String, List<String>> storedAt = new HashMap<>();
    /** "topic shard offset" to the calls that marked it done. */
    final Map<String, List<Marking>> markings = new HashMap<>();
    /** "topic shard offset" to the leases on it a renewal found lapsed. */
    final Map<String, List<Marking>> lapses = new HashMap<>();
    /** Thread (as named in FAULT and MARKING lines) to when its consumer journaled an error. */
    final Map<String, List<Long>> errorsByThread = new HashMap<>();

    final List<String> hangs = new ArrayList<>();
    final List<String> doubles = new ArrayList<>();
    final Map<String, Integer> counts = new TreeMap<>();
    final Map<String, Integer> faultCounts = new TreeMap<>();
    final Map<String, Integer> errorCounts = new TreeMap<>();

    /** "sub cid" keys of acknowledged sends that have not been delivered there yet. */
    final Set<String> missing = new HashSet<>();

    private final Set<String> delivered = new HashSet<>();
    private final Map<Path, String> files = new LinkedHashMap<>();
    private final Map<Path, Long> offsets = new HashMap<>();
    private long lastEvent;

    /** Follows {@code file}, written by {@code jvm} ("harness" for the harness's own journal). */
    void follow(Path file, String jvm) {
        files.putIfAbsent(file, jvm);
    }

    /** Time of the last delivery, ack or send seen: the drain's sign of progress. */
    long lastProgress() {
        return lastEvent;
    }

    /** Reads what was appended to every followed journal since the last call (complete lines only). */
    void poll() {
        for (Map.Entry<Path, String> f : files.entrySet()) {
            read(f.getKey(), f.getValue());
        }
    }

    private void read(Path file, String jvm) {
        if (!Files.exists(file)) {
            return;
        }
        long from = offsets.getOrDefault(file, 0L);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            if (length <= from) {
                return;
            }
            byte[] bytes = new byte[(int) Math.min(length - from, 64L << 20)];
            raf.seek(from);
            raf.readFully(bytes);
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                    on(jvm, line);
                    start = i + 1;
                }
            }
            offsets.put(file, from + start); // a cut-short last line stays unread
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read journal " + file, e);
        }
    }

    private void count(String what) {
        counts.merge(what, 1, Integer::sum);
    }

    /** The thread a role runs on, from its consumer id: e.34/q_auto2#5 runs on chaos-e.34-q_auto2. */
    static String threadOf(String consumer) {
        int hash = consumer.indexOf('#');
        return "chaos-" + (hash < 0 ? consumer : consumer.substring(0, hash)).replace('/', '-');
    }

    private static String jvmOf(String consumer) {
        int slash = consumer.indexOf('/');
        return slash < 0 ? consumer : consumer.substring(0, slash);
    }

    void on(String jvm, String line) {
        String[] f = line.split(" ", -1);
        if (f.length < 2) {
            return;
        }
        long at;
        try {
            at = Long.parseLong(f[0]);
        } catch (NumberFormatException e) {
            return;
        }
        switch (f[1]) {
            case "SEND" -> {
                Send s = new Send(f[2], f[3], Integer.parseInt(f[4]), f[5]);
                sends.put(s.cid, s);
                count("send attempts (" + s.mode + ")");
            }
            case "SENT" -> {
                Send s = sends.get(f[2]);
                if (s != null) {
                    s.sent = true;
                    count("sends acknowledged (" + s.mode + ")");
                    for (String sub : Workload.expectedSubscriptions(s.destination, s.parity)) {
                        String key = sub + " " + s.cid;
                        if (!delivered.contains(key)) {
                            missing.add(key);
                        }
                    }
                }
                lastEvent = at;
            }
            case "SENDFAIL" -> {
                Send s = sends.get(f[2]);
                if (s != null) {
                    s.failed = true;
                }
                count("sends failed (outcome unknown)");
            }
            case "ROLLEDBACK" -> {
                Send s = sends.get(f[2]);
                if (s != null) {
                    s.rolledBack = true;
                }
                count("sends rolled back");
            }
            case "DELIVER" -> {
                Delivery d = new Delivery(
                        at,
                        f[2],
                        jvmOf(f[2]),
                        f[3],
                        f[4],
                        f[5].equals("1"),
                        Integer.parseInt(f[6]),
                        f[7].equals("1"),
                        Integer.parseInt(f[8]));
                String key = d.sub + " " + d.cid;
                List<Delivery> ofMessage = deliveries.computeIfAbsent(key, k -> new ArrayList<>(2));
                ofMessage.add(d);
                if (ofMessage.size() > 1) {
                    count("redeliveries seen"); // what the checker's "redeliveries" will count
                }
                delivered.add(key);
                missing.remove(key);
                count("deliveries");
                if (d.redelivered) {
                    count("deliveries flagged redelivered");
                }
                lastEvent = at;
            }
            case "ACK", "RELEASE", "ACKFAIL" -> {
                if (f.length > 4 && !f[4].isEmpty()) {
                    for (String cid : f[4].split(",")) {
                        settled.computeIfAbsent(f[2] + " " + cid, k -> new ArrayList<>(1))
                                .add(new Settled(at, f[1]));
                    }
                }
                count(f[1].equals("ACK") ? "acks" : f[1].equals("RELEASE") ? "give-backs" : "ack failures");
                lastEvent = at;
            }
            case "CLOSE" -> closes.computeIfAbsent(f[2], k -> new ArrayList<>()).add(at);
            case "FAULT" -> {
                faults.computeIfAbsent(jvm, k -> new ArrayList<>()).add(new FaultEvent(at, f[2], f[3], f[4], f[5]));
                faultCounts.merge(f[3], 1, Integer::sum);
            }
            case "CURSOR" -> {
                String key = f[3] + " " + f[4] + " " + f[5];
                Sample s = new Sample(jvm, Long.parseLong(f[2]), at, Long.parseLong(f[6]), Long.parseLong(f[7]));
                samples.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
                Sample l = latest.get(key);
                if (l == null || l.end <= s.end) {
                    latest.put(key, s);
                }
            }
            case "HANG" -> hangs.add(jvm + ": " + String.join(" ", java.util.Arrays.copyOfRange(f, 2, f.length)));
            case "DOUBLE" -> doubles.add(jvm + ": " + line);
            case "STORED" -> {
                String[] cids = f[5].split(",");
                long first = Long.parseLong(f[4]);
                for (int i = 0; i < cids.length; i++) {
                    storedAt.computeIfAbsent(cids[i], k -> new ArrayList<>(1))
                            .add(f[2] + " " + f[3] + " " + (first + i));
                }
            }
            case "LAPSED" ->
                lapses.computeIfAbsent(f[3] + " " + f[4] + " " + f[5], k -> new ArrayList<>(1))
                        .add(new Marking(at, jvm, f[6], f[2]));
            case "MARKING" -> {
                for (String o : f[6].split(",")) {
                    markings.computeIfAbsent(f[3] + " " + f[4] + " " + o, k -> new ArrayList<>(1))
                            .add(new Marking(at, jvm, f[5], f[2]));
                }
            }
            case "ERROR", "CONNERR" -> {
                errorsByThread
                        .computeIfAbsent(threadOf(f[2]), k -> new ArrayList<>())
                        .add(at);
                String text = f[f.length - 1];
                int colon = text.indexOf(':');
                errorCounts.merge(colon > 0 ? text.substring(0, colon) : text, 1, Integer::sum);
            }
            case "KILL" -> {
                killedAt.put(f[2], at);
                count("JVMs killed");
            }
            case "PAUSE" -> {
                pauses.computeIfAbsent(f[2], k -> new ArrayList<>()).add(new long[] {at, Long.MAX_VALUE});
                count("JVMs paused");
            }
            case "RESUME" -> {
                List<long[]> p = pauses.get(f[2]);
                if (p != null && !p.isEmpty()) {
                    p.get(p.size() - 1)[1] = at;
                }
            }
            case "SPAWN" -> count("JVMs started");
            case "FAULTS" -> {
                if (f.length > 3 && f[3].equals("window")) {
                    count("fault windows");
                }
            }
            default -> {
                // START, STOP, OPEN, RECONNECT, PHASE: informational
            }
        }
    }
}
