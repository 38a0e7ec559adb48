package io.pub.compat.payara.ra;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Settings;
import io.pub.compat.payara.PayaraProcess;
import io.pub.jms.PubConnectionFactory;
import io.pub.jms.PubXAConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.XAConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * pub-ra.rar and an application using Pub only through it, on a real Payara Micro 7 in a child process
 * (Java 21+; skipped, saying so, where there is none). The store is an embedded one in a directory
 * this test owns: the server writes it, and once the server is gone the test opens it itself.
 *
 * <p>A servlet sends numbered messages to a queue and a topic through the pooled connection factory,
 * one JTA transaction per number, every 4th rolled back. Message-driven beans consume the queue and the
 * topic's shared durable subscription and write each delivery to a file. The server is killed while
 * they are busy and started again; in the end every committed number was received, none that was
 * rolled back, and the only numbers received twice are deliveries the kill cut off. A bean that
 * throws gets its message three times, then it is on the dead-letter queue.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PubResourceAdapterIT {
    private static final int SENT = 200;
    private static final int ROLLBACK_EVERY = 4;
    private static final int MAX_SESSION = 2;

    @TempDir
    Path work;

    private PayaraProcess server;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void messageDrivenBeansAndTransactionalSendsThroughTheAdapterLoseNothingAcrossAKill() throws Exception {
        Path java = PayaraProcess.java21().orElse(null);
        Assumptions.assumeTrue(java != null, "no Java 21+ found (set PUB_JAVA21_HOME); Payara Micro 7 needs it");
        Path store = work.resolve("store");
        Path receipts = Files.createDirectories(work.resolve("receipts"));
        List<String> props = List.of(
                "PUB_STORE_URL=embedded:" + store,
                // a killed server's leases lapse soon, so its cut-off deliveries come back within the test
                "PUB_LEASE_DURATION=5s",
                "pub.it.dir=" + receipts);
        List<Path> deployments =
                List.of(Path.of(System.getProperty("rar.file")), Path.of(System.getProperty("war.file")));

        long t0 = System.nanoTime();
        server = PayaraProcess.start(java, work.resolve("payara-1"), props, deployments);
        long started = System.nanoTime();
        List<Integer> committed = send("orders", 1, SENT, ROLLBACK_EVERY);
        Set<Integer> rolledBack = IntStream.rangeClosed(1, SENT)
                .filter(n -> !committed.contains(n))
                .boxed()
                .collect(Collectors.toSet());
        assertThat(committed).hasSize(SENT - SENT / ROLLBACK_EVERY);

        // kill the server while the beans are still working through the backlog
        awaitUntil("the beans have started on the backlog", () -> lines(receipts, "orders") >= 20);
        server.close();
        server = null;
        int ordersBeforeKill = lines(receipts, "orders");
        int eventsBeforeKill = lines(receipts, "events");
        assertThat(ordersBeforeKill)
                .as("the kill came while the orders bean was busy")
                .isLessThan(committed.size());

        int preparedAtKill = rollBackPreparedBranches(store);
        long killed = System.nanoTime();
        server = PayaraProcess.start(java, work.resolve("payara-2"), props, deployments);
        long restarted = System.nanoTime();
        awaitUntil(
                "every committed order and event received",
                () -> distinct(receipts, "orders").containsAll(committed)
                        && distinct(receipts, "events").containsAll(committed));

        long drained = System.nanoTime();
        List<Integer> poison = send("poison", 10_001, 1, 0);
        awaitUntil("the poison message dead-lettered", () -> browse("DLQ") == 1);
        String serverProblems = server.problems();
        List<String> pubWarnings = server.grep("io.pub").stream()
                .filter(l -> l.contains("WARNING") || l.contains("SEVERE"))
                .toList();
        List<String> enlisted = server.grep("enlisted in the container's transactions");
        List<String> joined = server.grep("join JTA transactions");
        server.close();
        server = null;

        Verdict orders = verdict(receipts, "orders", committed, rolledBack, ordersBeforeKill);
        Verdict events = verdict(receipts, "events", committed, rolledBack, eventsBeforeKill);
        List<Line> poisonDeliveries = read(receipts, "poison");

        // what is left in the store, read by this JVM now that the server is gone
        Map<String, List<Integer>> left = leftInStore(store);

        System.out.printf(
                "pub-ra on Payara Micro: %d transactions, %d committed, %d rolled back; "
                        + "orders queue: %d deliveries (%d before the kill), %d distinct, %d twice (cut off by the kill), %d redelivered after it; "
                        + "events shared durable subscription: %d deliveries (%d before the kill), %d distinct, %d twice,"
                        + " %d redelivered after it; "
                        + "poison: %d deliveries %s, then the DLQ (%d there); left in the store: %s%n",
                SENT,
                committed.size(),
                rolledBack.size(),
                orders.deliveries,
                ordersBeforeKill,
                orders.distinct,
                orders.twice.size(),
                orders.redeliveredAfterKill,
                events.deliveries,
                eventsBeforeKill,
                events.distinct,
                events.twice.size(),
                events.redeliveredAfterKill,
                poisonDeliveries.size(),
                IntStream.range(0, poisonDeliveries.size())
                        .mapToObj(i -> "#" + poisonDeliveries.get(i).deliveryCount
                                + (i == 0
                                        ? ""
                                        : " +" + (poisonDeliveries.get(i).at - poisonDeliveries.get(i - 1).at) + " ms"))
                        .toList(),
                left.get("DLQ").size(),
                left);

        System.out.printf(
                "branches the kill left prepared (rolled back by the test, as a transaction manager's recovery"
                        + " presumes abort for a one-phase commit it never completed): %d%n",
                preparedAtKill);
        System.out.printf(
                "Pub's warnings in the second server's log: %d%n  %s%n",
                pubWarnings.size(), String.join("\n  ", pubWarnings.subList(0, Math.min(5, pubWarnings.size()))));
        System.out.printf(
                "phases (s): first start %.1f, sends and consumption until the kill %.1f, restart %.1f,"
                        + " the rest of the backlog %.1f, the poison message %.1f%n",
                (started - t0) / 1e9,
                (killed - started) / 1e9,
                (restarted - killed) / 1e9,
                (drained - restarted) / 1e9,
                (System.nanoTime() - drained) / 1e9);
        System.out.printf(
                "how the adapter joined transactions:%n  %s%n  %s%n",
                String.join("\n  ", joined), String.join("\n  ", enlisted));
        assertThat(String.join("\n", enlisted))
                .as("the container enlisted the deliveries of every bean in its transactions")
                .contains("jms/orders,", "[events,", "[poison,");
        assertThat(joined).as("the sends joined the servlet's JTA transactions").isNotEmpty();

        for (Verdict v : List.of(orders, events)) {
            assertThat(v.receivedRolledBack)
                    .as(v.name + ": rolled back sends never arrive")
                    .isEmpty();
            assertThat(v.distinct).as(v.name + ": every committed send arrives").isEqualTo(committed.size());
            assertThat(v.twice.size())
                    .as(v.name + ": only deliveries the kill cut off come twice (at most one per session): " + v.twice)
                    .isLessThanOrEqualTo(MAX_SESSION);
            assertThat(v.badDuplicates)
                    .as(v.name + ": a second delivery follows a first before the kill, and is flagged redelivered")
                    .isEmpty();
        }
        assertThat(poisonDeliveries)
                .as("the failing bean gets its message maxDeliveries (3) times; server problems:%n%s", serverProblems)
                .extracting(l -> l.n + "#" + l.deliveryCount)
                .containsExactly("10001#1", "10001#2", "10001#3");
        assertThat(poison).containsExactly(10_001);
        assertThat(left.get("DLQ")).containsExactly(10_001);
        assertThat(left.get("orders")).isEmpty();
        assertThat(left.get("poison")).isEmpty();
        assertThat(left.get("events-sub")).isEmpty();
    }

    private record Line(int n, int deliveryCount, boolean redelivered, long at) {}

    private record Verdict(
            String name,
            int deliveries,
            int distinct,
            Set<Integer> twice,
            Set<Integer> receivedRolledBack,
            List<String> badDuplicates,
            long redeliveredAfterKill) {}

    private static Verdict verdict(
            Path dir, String name, List<Integer> committed, Set<Integer> rolledBack, int beforeKill)
            throws IOException {
        List<Line> lines = read(dir, name);
        Map<Integer, List<Integer>> positions = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            positions.computeIfAbsent(lines.get(i).n, k -> new ArrayList<>()).add(i);
        }
        Set<Integer> twice = new LinkedHashSet<>();
        List<String> bad = new ArrayList<>();
        positions.forEach((n, at) -> {
            if (at.size() > 1) {
                twice.add(n);
                Line second = lines.get(at.get(1));
                if (at.size() > 2 || at.get(0) >= beforeKill || at.get(1) < beforeKill || !second.redelivered) {
                    bad.add(n + " at lines " + at + " (kill after line " + beforeKill + "), second " + second);
                }
            }
        });
        Set<Integer> got = positions.keySet().stream()
                .filter(rolledBack::contains)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        int distinct =
                (int) positions.keySet().stream().filter(committed::contains).count();
        // deliveries the kill interrupted before the bean recorded them come back flagged
        long redelivered = lines.subList(Math.min(beforeKill, lines.size()), lines.size()).stream()
                .filter(l -> l.deliveryCount > 1)
                .count();
        return new Verdict(name, lines.size(), distinct, twice, got, bad, redelivered);
    }

    private static List<Line> read(Path dir, String name) throws IOException {
        Path file = dir.resolve(name + ".log");
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Line> out = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            String[] f = l.trim().split(" ");
            if (f.length == 4) { // a line a kill cut short is not counted
                out.add(new Line(
                        Integer.parseInt(f[0]),
                        Integer.parseInt(f[1]),
                        Boolean.parseBoolean(f[2]),
                        Long.parseLong(f[3])));
            }
        }
        return out;
    }

    private static int lines(Path dir, String name) {
        try {
            return read(dir, name).size();
        } catch (IOException e) {
            return 0;
        }
    }

    private static Set<Integer> distinct(Path dir, String name) {
        try {
            return read(dir, name).stream().map(Line::n).collect(Collectors.toSet());
        } catch (IOException e) {
            return Set.of();
        }
    }

    private Map<String, List<Integer>> leftInStore(Path store) throws JMSException {
        Map<String, List<Integer>> left = new HashMap<>();
        PubConnectionFactory factory = new PubConnectionFactory("embedded:" + store);
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String queue : List.of("orders", "poison", "DLQ")) {
                left.put(queue, drain(session.createConsumer(session.createQueue(queue))));
            }
            left.put(
                    "events-sub",
                    drain(session.createSharedDurableConsumer(session.createTopic("events"), "events-sub")));
        }
        return left;
    }

    /**
     * What the transaction manager's recovery does after a crash, done here between the kill and the
     * restart (the server's own recovery is not part of this test): a branch the kill caught between the
     * prepare and the commit of a one-phase commit is rolled back, so its message is delivered again
     * instead of staying held for ever. Every transaction of this application has one resource.
     */
    private static int rollBackPreparedBranches(Path store) throws Exception {
        PubXAConnectionFactory factory = new PubXAConnectionFactory(
                "embedded:" + store, Settings.only(Map.of("PUB_STORE_LINGER", "0")), Clock.systemUTC());
        try (XAConnection connection = factory.createXAConnection()) {
            XAResource xa = connection.createXASession().getXAResource();
            Xid[] prepared = xa.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
            for (Xid xid : prepared) {
                xa.rollback(xid);
            }
            return prepared.length;
        }
    }

    private static List<Integer> drain(MessageConsumer consumer) throws JMSException {
        List<Integer> numbers = new ArrayList<>();
        Message m;
        while ((m = consumer.receive(2_000)) != null) {
            numbers.add(m.getIntProperty("n"));
        }
        consumer.close();
        return numbers;
    }

    private List<Integer> send(String target, int from, int count, int rollbackEvery) throws Exception {
        String body =
                get("/send?target=" + target + "&from=" + from + "&count=" + count + "&rollbackEvery=" + rollbackEvery);
        String list = body.trim().substring("committed=".length());
        return list.isEmpty()
                ? List.of()
                : Arrays.stream(list.split(",")).map(Integer::parseInt).toList();
    }

    private int browse(String queue) {
        try {
            return Integer.parseInt(get("/browse?queue=" + queue).trim().substring("count=".length()));
        } catch (Exception e) {
            return -1;
        }
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + server.port + "/pub-compat-payara-ra" + path))
                        .timeout(Duration.ofMinutes(3))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("%s -> %s%nserver problems:%n%s", path, response.body(), server.problems())
                .isEqualTo(200);
        return response.body();
    }

    /** Polls {@code condition} until it holds; fails, with the server's problems, after 3 minutes. */
    private void awaitUntil(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 3 minutes: " + what + "; server problems:\n"
                        + (server == null ? "(no server)" : server.problems()));
            }
            Thread.sleep(100);
        }
    }
}
