package io.pub.couchbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.Message;
import io.pub.Pub;
import io.pub.Settings;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Entry;
import io.pub.spi.OffsetSealedException;
import io.pub.spi.Subscription;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several JVMs share one Couchbase (the mock in this JVM, reached over loopback): a producer child,
 * two consumer children on one shared subscription, one of them killed with its batch unacked, and a
 * producer killed between reserving an offset and writing it. Logical time moves for all of them
 * through a clock-offset file.
 */
@Timeout(120)
class CouchbaseCrossJvmTest {
    private static final String SUB = "workers";
    private static final int COUNT = 200;

    @TempDir
    Path dir;

    private final List<Child> children = new ArrayList<>();

    /** A child JVM and the lines it printed. */
    private record Child(String name, Process process, List<String> lines) {
        List<String[]> events(String kind) {
            return lines.stream()
                    .filter(l -> l.startsWith(kind + " "))
                    .map(l -> l.split(" "))
                    .toList();
        }
    }

    /** One delivery as a consumer child reported it. */
    private record Delivered(String id, String owner, long expiresAt, int count, int shard, long offset) {
        static Delivered of(String[] f) {
            return new Delivered(
                    f[1],
                    f[2],
                    Long.parseLong(f[4]),
                    Integer.parseInt(f[5]),
                    Integer.parseInt(f[6]),
                    Long.parseLong(f[7]));
        }

        long takenAt() {
            return expiresAt - CrossJvmChild.LEASE.toMillis();
        }
    }

    @AfterEach
    void killChildren() {
        children.forEach(c -> c.process().destroyForcibly());
    }

    private Child start(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                CrossJvmChild.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the child died: its lines so far are what it said
            }
        });
        reader.setDaemon(true);
        reader.start();
        Child c = new Child(name, p, lines);
        children.add(c);
        return c;
    }

    private final long started = System.nanoTime();

    private void log(String what) {
        System.out.printf("%6d ms: %s%n", (System.nanoTime() - started) / 1_000_000, what);
    }

    private void await(String what, BooleanSupplier condition) throws Exception {
        log("waiting for " + what);
        try {
            Awaitility.await(what)
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            StringBuilder sb = new StringBuilder("timed out waiting for " + what);
            for (Child c : children) {
                sb.append("\n--- ")
                        .append(c.name())
                        .append(" alive=")
                        .append(c.process().isAlive());
                sb.append(" stderr:\n").append(Files.readString(dir.resolve(c.name() + ".err")));
            }
            throw new AssertionError(sb.toString(), e);
        }
    }

    private static Set<String> acked(Child... consumers) {
        Set<String> out = new HashSet<>();
        for (Child c : consumers) {
            c.events("ACKED").forEach(f -> out.add(f[1]));
        }
        return out;
    }

    @Test
    void consumersInOtherJvmsShareASubscriptionSurviveAKillAndSealAHole() throws Exception {
        Path clockFile = dir.resolve("clock-offset");
        FileOffsetClock clock = new FileOffsetClock(clockFile);
        try (CouchbaseMockServer mock = CouchbaseMockServer.start();
                Controller store = Stores.open(mock.storeUrl(), Settings.only(Map.of()), clock);
                Pub pub = CrossJvmChild.pub(store, clock)) {
            String url = mock.storeUrl();
            String topic = CrossJvmChild.TOPIC;
            pub.createTopic(topic, CrossJvmChild.SHARDS);
            pub.subscribe(new Subscription(topic, SUB, Subscription.Kind.SHARED_DURABLE, null, false, null, 0));

            // A consumes while the producer publishes and holds its second batch unacked; B joins then, and
            // both poll until A is killed (B starts once A holds: started together, B could drain the
            // topic while A's JVM still connects, and A would never hold a batch)
            Child a = start("consumer-A", "consume", url, clockFile.toString(), topic, SUB, "A", "1");
            Child producer = start("producer", "produce", url, clockFile.toString(), topic, "" + COUNT, "20");
            await("A to hold a batch", () -> a.lines().contains("HOLDING"));
            Child b = start("consumer-B", "consume", url, clockFile.toString(), topic, SUB, "B", "-1");
            await("the producer to finish", () -> !producer.process().isAlive());
            assertThat(producer.process().exitValue())
                    .as("producer exit; stderr:%n%s", Files.readString(dir.resolve("producer.err")))
                    .isZero();
            Set<String> all = IntStream.range(0, COUNT).mapToObj(i -> "m" + i).collect(Collectors.toSet());
            assertThat(producer.events("PUBLISHED")).hasSize(COUNT);
            await("B to take messages while A holds its batch", () -> !b.events("DELIVERED")
                    .isEmpty());
            a.process().destroyForcibly().waitFor();
            Set<String> held = a.events("DELIVERED").stream().map(f -> f[1]).collect(Collectors.toSet());
            held.removeAll(acked(a));
            assertThat(held).isNotEmpty();

            Set<String> others = new HashSet<>(all);
            others.removeAll(held);
            await("B to ack everything A does not hold", () -> acked(a, b).containsAll(others));
            // A's leases are live (logical time has not moved): nobody else got its messages
            assertThat(b.events("DELIVERED").stream().map(f -> f[1])).doesNotContainAnyElementsOf(held);

            clock.advance(CrossJvmChild.LEASE.plusSeconds(1));
            await("B to redeliver and ack what A held", () -> acked(a, b).containsAll(all));

            List<Delivered> deliveries = new ArrayList<>();
            a.events("DELIVERED").forEach(f -> deliveries.add(Delivered.of(f)));
            b.events("DELIVERED").forEach(f -> deliveries.add(Delivered.of(f)));
            Map<String, List<Delivered>> byId = new HashMap<>();
            deliveries.forEach(
                    d -> byId.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(d));
            assertThat(byId.keySet()).containsAll(all);
            for (List<Delivered> ds : byId.values()) {
                ds.sort(Comparator.comparingLong(Delivered::takenAt));
                for (int i = 1; i < ds.size(); i++) {
                    assertThat(ds.get(i).takenAt())
                            .as(
                                    "%s taken by %s while %s's lease was live",
                                    ds.get(i).id(),
                                    ds.get(i).owner(),
                                    ds.get(i - 1).owner())
                            .isGreaterThanOrEqualTo(ds.get(i - 1).expiresAt());
                }
            }
            for (String id : held) {
                assertThat(byId.get(id)).as("redelivery of %s", id).anySatisfy(d -> {
                    assertThat(d.owner()).isEqualTo("B");
                    assertThat(d.count()).isEqualTo(2);
                });
            }

            // a producer dies between reserve and insert: the hole is sealed, later messages flow
            TopicShard shard0 = new TopicShard(topic, 0);
            Child reserver = start("reserver", "reserve", url, clockFile.toString(), topic, "0");
            await("the reservation", () -> !reserver.events("RESERVED").isEmpty());
            long hole = Long.parseLong(reserver.events("RESERVED").get(0)[1]);
            reserver.process().destroyForcibly().waitFor();
            pub.producer()
                    .publishBatch(
                            topic, 0, List.of(Message.builder().id("after-hole").build()));
            // offset order: nothing behind the open offset goes out until it is written or sealed
            // B polls every 50 ms: for ten polls it must not deliver it
            Awaitility.await("B to leave the message behind the hole")
                    .during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> !acked(b).contains("after-hole"));
            assertThat(store.cursor(SUB, shard0).committed()).isEqualTo(hole);

            clock.advance(CrossJvmChild.PUBLISH_TIMEOUT.plusSeconds(1));
            await("the hole to be sealed", () -> store.cursor(SUB, shard0).committed() > hole + 1);
            await("B to ack the message after the hole", () -> acked(b).contains("after-hole"));
            Entry e = store.read(shard0, hole, 1).entries().get(0);
            assertThat(e.isTombstone()).isTrue();
            assertThatThrownBy(() -> store.insert(
                            shard0, hole, List.of(Message.builder().id("late").build())))
                    .isInstanceOf(OffsetSealedException.class);

            // a producer dies holding offsets it reserved ahead: sealed like any hole, later messages flow
            Child singles =
                    start("singles", "singles", url + "&reserveLinger=1s", clockFile.toString(), topic, "0", "3");
            await("the single appends", () -> !singles.events("APPENDED").isEmpty());
            singles.process().destroyForcibly().waitFor();
            long lastSingle = Long.parseLong(singles.events("APPENDED").get(0)[1]);
            long reservedTo = Long.parseLong(singles.events("APPENDED").get(0)[2]);
            assertThat(reservedTo - lastSingle - 1).as("offsets reserved ahead").isEqualTo(OwnOffsets.RESERVE_AHEAD);
            assertThat(store.head(shard0)).isEqualTo(reservedTo);
            pub.producer()
                    .publishBatch(
                            topic,
                            0,
                            List.of(Message.builder().id("after-reserved").build()));
            await("B to ack the single messages", () -> acked(b).containsAll(List.of("s0", "s1", "s2")));
            Awaitility.await("B to leave the message behind the reserved offsets")
                    .during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> !acked(b).contains("after-reserved"));
            clock.advance(CrossJvmChild.PUBLISH_TIMEOUT.plusSeconds(1));
            await("B to ack the message after the reserved offsets", () -> acked(b).contains("after-reserved"));
            assertThat(store.read(shard0, lastSingle + 1, OwnOffsets.RESERVE_AHEAD)
                            .entries())
                    .hasSize(OwnOffsets.RESERVE_AHEAD)
                    .allMatch(Entry::isTombstone);
            assertThat(b.process().isAlive()).isTrue();
        }
    }
}
