package io.pub.chaos;

import io.pub.chaos.Ledger.Delivery;
import io.pub.chaos.Ledger.FaultEvent;
import io.pub.chaos.Ledger.Sample;
import io.pub.chaos.Ledger.Send;
import io.pub.chaos.Ledger.Settled;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The delivery invariants, checked over a finished run's journals:
 *
 * <ul>
 *   <li><b>lost</b>: every acknowledged send was delivered to each subscription that must get it;
 *   <li><b>rolled back delivered</b>, <b>unknown message</b>, <b>selector</b>: nothing arrives that was
 *       rolled back, never sent, or excluded by the consumer's selector;
 *   <li><b>two live holders</b>: a message delivered again (to any consumer) only after its earlier
 *       holder let go of it: gave it back (recover, rollback, a listener that threw), failed to
 *       acknowledge it, closed, was killed, was paused (SIGSTOP, longer than the lease), or had its
 *       lease renewals disturbed by an injected fault; <b>delivered after acknowledged</b> is the same
 *       with the earlier delivery acknowledged before the later one;
 *   <li><b>redelivery not flagged</b>: each later delivery of a message has JMSRedelivered set and a
 *       higher JMSXDeliveryCount than the one before; <b>stale delivery</b> when the later one has a
 *       lower count: it was leased before the earlier one and handed out after its lease lapsed;
 *   <li><b>cursor backwards</b>: a cursor read after another read of it ended is not behind it; nor is
 *       a head;
 *   <li><b>hang</b>, <b>double completion</b>: nothing a child waited for never came, no
 *       CompletionListener ran twice. (Stuck messages and the final store state are the drain's.)
 * </ul>
 */
final class Checker {
    /** How many examples of each violation the report shows. */
    static final int EXAMPLES = 8;

    private final Ledger ledger;
    private final long leaseMs;
    private final Map<String, List<String>> violations = new LinkedHashMap<>();
    private final Map<String, Long> figures = new LinkedHashMap<>();
    private final Map<String, Long> excused = new java.util.TreeMap<>();

    Checker(Ledger ledger, long leaseMs) {
        this.ledger = ledger;
        this.leaseMs = leaseMs;
    }

    Map<String, List<String>> violations() {
        return violations;
    }

    Map<String, Long> figures() {
        return figures;
    }

    void violation(String kind, String detail) {
        violations.computeIfAbsent(kind, k -> new ArrayList<>()).add(detail);
    }

    Checker check() {
        checkSends();
        checkDeliveries();
        checkCursors();
        ledger.hangs.forEach(h -> violation("hang", h));
        ledger.doubles.forEach(d -> violation("double completion", d));
        return this;
    }

    private void checkSends() {
        long acked = 0;
        long failedArrived = 0;
        long cutOff = 0;
        for (Send s : ledger.sends.values()) {
            if (s.sent) {
                acked++;
                for (String sub : Workload.expectedSubscriptions(s.destination, s.parity)) {
                    if (!ledger.deliveries.containsKey(sub + " " + s.cid)) {
                        String how = howDone(s.cid, sub);
                        if (how == null) {
                            cutOff++;
                        } else {
                            violation(
                                    "lost",
                                    s.cid + " (" + s.mode + " send to " + s.destination + ") never reached " + sub
                                            + ": " + how);
                        }
                    }
                }
            } else if (s.failed
                    && ledger.deliveries.containsKey(Workload.expectedSubscriptions(s.destination, s.parity)
                                    .get(0) + " " + s.cid)) {
                failedArrived++;
            }
        }
        figures.put("acknowledged sends", acked);
        figures.put("AUTO_ACKNOWLEDGE receipts cut off by a kill (acknowledged in receive, never returned)", cutOff);
        figures.put("failed sends that arrived anyway", failedArrived);
    }

    private void checkDeliveries() {
        long distinct = 0;
        for (Map.Entry<String, List<Delivery>> e : ledger.deliveries.entrySet()) {
            List<Delivery> ds = new ArrayList<>(e.getValue());
            ds.sort(Comparator.comparingLong(Delivery::at));
            distinct++;
            Delivery first = ds.get(0);
            Send s = ledger.sends.get(first.cid());
            if (s == null) {
                violation("unknown message", "delivered " + first + " but no SEND of it was journaled");
            } else if (s.rolledBack) {
                violation(
                        "rolled back delivered", first.cid() + " was rolled back by its producer, delivered: " + first);
            }
            for (Delivery d : ds) {
                if (d.sub().equals(Workload.ODD) && d.parity() != 1) {
                    violation("selector", "subscription odd (" + Workload.ODD_SELECTOR + ") got " + d);
                }
                if (d.consumer().contains("/q_listener") && d.parity() != 0) {
                    violation("selector", "queue consumer with " + Workload.EVEN_SELECTOR + " got " + d);
                }
            }
            for (int i = 1; i < ds.size(); i++) {
                Delivery x = ds.get(i - 1);
                Delivery y = ds.get(i);
                if (y.count() < x.count()) {
                    // y's lease is older than x's: it lapsed before x's was taken, and y was handed to the
                    // application after that (its consumer held it while paused or starved)
                    violation(
                            "stale delivery",
                            y + " was handed out after " + x + ", which was leased later (its lease lapsed while"
                                    + " held" + (lapsed(y, y.at()) ? ", as its renewal found" : "") + ")");
                    continue;
                }
                if (!y.redelivered() || y.count() <= x.count()) {
                    violation(
                            "redelivery not flagged",
                            "after " + x + " came " + y + " (JMSRedelivered must be true, JMSXDeliveryCount higher)");
                }
                String excuse = excuse(x, y);
                if (excuse != null) {
                    excused.merge(excuse, 1L, Long::sum);
                }
                if (excuse == null) {
                    if (acked(x, y.at())) {
                        violation("delivered after acknowledged", x + " was acknowledged, then " + y);
                    } else {
                        violation(
                                "two live holders",
                                x + " then " + y + " with no give-back, failed ack, close, kill, pause or"
                                        + " lease-renewal fault in between");
                    }
                }
            }
        }
        figures.put("messages delivered (per subscription)", distinct);
        // counted by the ledger as deliveries came in, so that a run can wait for one (ChaosRun)
        figures.put("redeliveries", (long) ledger.counts.getOrDefault("redeliveries seen", 0));
        excused.forEach((why, n) -> figures.put("redeliveries after " + why, n));
    }

    /** True if the message's absence from {@code sub} is an AUTO_ACKNOWLEDGE receipt cut off by a kill. */
    boolean cutOff(String cid, String sub) {
        return howDone(cid, sub) == null;
    }

    /**
     * What became of a message that never reached subscription {@code sub}: null if an AUTO_ACKNOWLEDGE
     * receive marked it done and its JVM was killed before receive could return it (JMS acknowledges
     * such a receipt as receive returns: a crash in between loses it; no error followed in that thread,
     * which would mean receive failed instead), else a description for the report.
     */
    private String howDone(String cid, String sub) {
        List<String> where = ledger.storedAt.getOrDefault(cid, List.of());
        if (where.isEmpty()) {
            return "no journaled write of it (its STORED line was cut off by a kill?)";
        }
        List<String> found = new ArrayList<>();
        for (String place : where) {
            for (Ledger.Marking m : ledger.markings.getOrDefault(place, List.of())) {
                if (!sameSubscription(sub, m.subscription())) {
                    continue;
                }
                Long killed = ledger.killedAt.get(m.jvm());
                boolean autoReceive =
                        m.thread().contains("-q_auto") || m.thread().contains("-t_odd_auto");
                if (autoReceive
                        && killed != null
                        && killed >= m.at()
                        && killed - m.at() <= CUT_OFF_MS
                        && !erredBetween(m.thread(), m.at(), killed)) {
                    return null;
                }
                found.add("marked done at " + place + " by " + m.thread() + " at " + m.at()
                        + (killed != null ? " (JVM killed at " + killed + ")" : ""));
            }
        }
        return found.isEmpty()
                ? "stored at " + where + ", never marked done by a journaled call"
                : String.join("; ", found);
    }

    /** A kill this soon after an acknowledgement began can fall between it and receive returning. */
    private static final long CUT_OFF_MS = 5000;

    private static boolean sameSubscription(String journalName, String storeId) {
        return journalName.equals(Workload.Q)
                ? storeId.equals(io.pub.Pub.QUEUE_SUBSCRIPTION)
                : storeId.endsWith(journalName);
    }

    private boolean erredBetween(String thread, long from, long to) {
        for (long t : ledger.errorsByThread.getOrDefault(thread, List.of())) {
            if (t >= from && t <= to) {
                return true;
            }
        }
        return false;
    }

    /** Why {@code y} could follow {@code x} legitimately, or null. */
    private String excuse(Delivery x, Delivery y) {
        for (Settled s : ledger.settled.getOrDefault(x.consumer() + " " + x.cid(), List.of())) {
            if (!s.type().equals("ACK") && s.at() >= x.at() && s.at() <= y.at()) {
                return s.type().equals("RELEASE") ? "give-back" : "failed ack";
            }
        }
        for (long c : ledger.closes.getOrDefault(x.consumer(), List.of())) {
            if (c >= x.at() && c <= y.at()) {
                return "close";
            }
        }
        Long killed = ledger.killedAt.get(x.jvm());
        if (killed != null && killed <= y.at()) {
            return "kill";
        }
        // x's JVM paused while it held the message; or y's JVM paused after leasing it and
        // before handing it over, so y is the earlier holder that lost its lease
        if (paused(x.jvm(), x.at(), y.at()) || paused(y.jvm(), x.at() - leaseMs, y.at())) {
            return "pause";
        }
        if (lapsed(x, y.at()) || lapsed(y, y.at())) {
            return "lease lapsed";
        }
        if (renewalDisturbed(x.jvm(), x.at() - leaseMs, y.at())
                || renewalDisturbed(y.jvm(), x.at() - leaseMs, y.at())) {
            return "renewal fault";
        }
        return null;
    }

    /**
     * A renewal in the JVM of {@code d} found the lease on {@code d}'s message run out or taken, from a
     * lease before {@code d} up to a minute after {@code until} (a paused JVM finds out when it resumes).
     */
    private boolean lapsed(Delivery d, long until) {
        for (String place : ledger.storedAt.getOrDefault(d.cid(), List.of())) {
            for (Ledger.Marking l : ledger.lapses.getOrDefault(place, List.of())) {
                if (l.jvm().equals(d.jvm())
                        && sameSubscription(d.sub(), l.subscription())
                        && l.at() >= d.at() - leaseMs
                        && l.at() <= until + LAPSE_NOTICED_MS) {
                    return true;
                }
            }
        }
        return false;
    }

    /** How long after a lease ran out its holder may first notice (it was paused, or its renewal slow). */
    private static final long LAPSE_NOTICED_MS = 60_000;

    private boolean paused(String jvm, long from, long to) {
        for (long[] p : ledger.pauses.getOrDefault(jvm, List.of())) {
            if (p[0] <= to && p[1] >= from) {
                return true;
            }
        }
        return false;
    }

    /**
     * A renewal failed, or a delay was injected on a background thread (where lease renewals run)
     * between {@code from} and {@code to}: a lease may have lapsed.
     */
    private boolean renewalDisturbed(String jvm, long from, long to) {
        for (FaultEvent f : ledger.faults.getOrDefault(jvm, List.of())) {
            if (f.at() < from || f.at() > to) {
                continue;
            }
            if (f.op().equals("renew")) {
                return true;
            }
            boolean delay = f.kind().equals(Fault.LATENCY.name()) || f.kind().equals(Fault.TIMEOUT.name());
            boolean background = !f.thread().startsWith("chaos-")
                    && !f.thread().startsWith("pub-session")
                    && !f.thread().startsWith("pub-sender");
            if (delay && background) {
                return true;
            }
        }
        return false;
    }

    private boolean acked(Delivery x, long before) {
        if (x.autoAcked()) {
            return true;
        }
        for (Settled s : ledger.settled.getOrDefault(x.consumer() + " " + x.cid(), List.of())) {
            if (s.type().equals("ACK") && s.at() >= x.at() && s.at() <= before) {
                return true;
            }
        }
        return false;
    }

    private void checkCursors() {
        long n = 0;
        for (Map.Entry<String, List<Sample>> e : ledger.samples.entrySet()) {
            List<Sample> byStart = new ArrayList<>(e.getValue());
            byStart.sort(Comparator.comparingLong(Sample::start));
            List<Sample> byEnd = new ArrayList<>(e.getValue());
            byEnd.sort(Comparator.comparingLong(Sample::end));
            int j = 0;
            Sample maxCommitted = null;
            Sample maxHead = null;
            for (Sample s : byStart) {
                n++;
                // every read that ended before this one started
                while (j < byEnd.size() && byEnd.get(j).end() < s.start()) {
                    Sample before = byEnd.get(j++);
                    if (maxCommitted == null || before.committed() > maxCommitted.committed()) {
                        maxCommitted = before;
                    }
                    if (maxHead == null || before.head() > maxHead.head()) {
                        maxHead = before;
                    }
                }
                if (maxCommitted != null && s.committed() < maxCommitted.committed()) {
                    violation(
                            "cursor backwards",
                            e.getKey() + ": committed " + s.committed() + " read by " + s.jvm()
                                    + " at " + s.start() + " after " + maxCommitted.committed() + " read by "
                                    + maxCommitted.jvm() + " by " + maxCommitted.end());
                }
                if (maxHead != null && s.head() < maxHead.head()) {
                    violation(
                            "head backwards",
                            e.getKey() + ": head " + s.head() + " read by " + s.jvm() + " at " + s.start() + " after "
                                    + maxHead.head() + " read by " + maxHead.jvm());
                }
                if (s.committed() > s.head()) {
                    violation("cursor beyond head", e.getKey() + ": " + s);
                }
            }
        }
        figures.put("cursor samples", n);
    }
}
