package io.pub.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.Message;
import io.pub.Settings;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Entry;
import io.pub.spi.ReadResult;
import io.pub.spi.StoreException;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real child JVMs: one killed while publishing, one holding a directory another open must not get. */
@Timeout(90)
class EmbeddedCrashTest {
    @TempDir
    Path tmp;

    private static Controller open(Path dir) {
        return Stores.open("embedded:" + dir, Settings.only(Map.of()), Clock.systemUTC());
    }

    @Test
    void everyAcknowledgedAppendSurvivesKill9() throws Exception {
        killPublisherAndCheck("", false);
    }

    /** Without fsync the writes still reached the operating system, which outlives the process. */
    @Test
    void everyAcknowledgedAppendSurvivesKill9EvenWithoutFsync() throws Exception {
        killPublisherAndCheck("?sync=false", false);
    }

    /** Killed while writing over a recycled log file (LogPrimer), whose tail holds older records. */
    @Test
    void everyAcknowledgedAppendSurvivesKill9OnARecycledLog() throws Exception {
        killPublisherAndCheck("", true);
    }

    private void killPublisherAndCheck(String options, boolean recycled) throws Exception {
        Path dir = tmp.resolve("store");
        Path err = tmp.resolve("child.err");
        Process child = ChildJvm.start(CrashPublisher.class, err, dir.toString(), options);
        ChildJvm.Output out = new ChildJvm.Output(child);
        try {
            // kill it mid-run, once the four publishers have acknowledged a few hundred messages
            out.await(l -> l.size() >= 400, Duration.ofSeconds(60));
            if (recycled) {
                // ... more than that: once the store is on a recycled log, and wrote into it
                assertThat(StoreCopies.awaitText(err, "writing over a recycled log file", Duration.ofSeconds(60)))
                        .as("a recycled log in use within 60 s: %s", Files.readString(err))
                        .isTrue();
                int seen = out.all(Duration.ZERO).size();
                out.await(l -> l.size() >= seen + 400, Duration.ofSeconds(60));
            }
            assertThat(child.isAlive())
                    .as("child died early: %s", Files.readString(err))
                    .isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

        // shard -> offset -> body, for every line the child printed after its append returned
        Map<Integer, Map<Long, String>> acked = new HashMap<>();
        int lines = 0;
        for (String line : out.all(Duration.ofSeconds(30))) {
            String[] parts = line.split(" ");
            if (parts.length != 3) {
                continue; // a line cut by the kill
            }
            String previous = acked.computeIfAbsent(Integer.parseInt(parts[0]), s -> new HashMap<>())
                    .put(Long.parseLong(parts[1]), parts[2]);
            assertThat(previous).as("offset %s handed out twice", line).isNull();
            lines++;
        }
        assertThat(lines).isGreaterThanOrEqualTo(400);

        try (Controller store = open(dir)) {
            for (Map.Entry<Integer, Map<Long, String>> shardAcks : acked.entrySet()) {
                TopicShard shard = new TopicShard(CrashPublisher.TOPIC, shardAcks.getKey());
                long max = shardAcks.getValue().keySet().stream()
                        .mapToLong(Long::longValue)
                        .max()
                        .orElseThrow();
                ReadResult r = store.read(shard, 0, (int) max + 1);
                assertThat(r.head()).isGreaterThan(max);
                Map<Long, String> stored = new HashMap<>();
                for (Entry e : r.entries()) {
                    stored.put(e.offset(), new String(e.message().body(), StandardCharsets.UTF_8));
                }
                for (Map.Entry<Long, String> ack : shardAcks.getValue().entrySet()) {
                    assertThat(stored.get(ack.getKey()))
                            .as("acknowledged offset %d of %s", ack.getKey(), shard)
                            .isEqualTo(ack.getValue());
                }
                // the store keeps counting after the crash: a new append never reuses an acknowledged offset
                assertThat(store.append(shard, List.of(Message.builder().build())))
                        .isGreaterThan(max);
            }
        }
    }

    /** A lazy acknowledgement waits for no fsync, but its write left the process before it returned. */
    @Test
    void everyLazyAcknowledgementThatReturnedSurvivesKill9() throws Exception {
        Path dir = tmp.resolve("store");
        Process child = ChildJvm.start(CrashLazyAcker.class, tmp.resolve("child.err"), dir.toString());
        ChildJvm.Output out = new ChildJvm.Output(child);
        try {
            out.await(l -> l.size() >= 500, Duration.ofSeconds(60));
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<Long> acked = out.all(Duration.ofSeconds(30)).stream()
                .filter(l -> l.matches("\\d+"))
                .map(Long::parseLong)
                .toList();
        assertThat(acked).hasSizeGreaterThanOrEqualTo(500);
        try (Controller store = open(dir)) {
            io.pub.spi.Cursor c = store.cursor(CrashLazyAcker.SUB, CrashLazyAcker.SHARD);
            for (long o : acked) {
                assertThat(c.isDone(o))
                        .as("offset %d acknowledged before the kill", o)
                        .isTrue();
            }
        }
    }

    @Test
    void secondProcessGetsAClearErrorNamingTheDirectory() throws Exception {
        Path dir = tmp.resolve("held");
        Process child = ChildJvm.start(HoldOpen.class, tmp.resolve("child.err"), dir.toString());
        try {
            BufferedReader in = ChildJvm.stdout(child);
            String first = in.readLine();
            assertThat(first)
                    .as("child stderr: %s", Files.readString(tmp.resolve("child.err")))
                    .isEqualTo("open embedded");
            assertThatThrownBy(() -> open(dir))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("already open");
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        assertThat(child.exitValue()).isZero();
        // once the holder has closed it, the directory opens
        try (Controller store = open(dir)) {
            assertThat(store.kind()).isEqualTo("embedded");
        }
    }
}
