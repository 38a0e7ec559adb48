package io.pub.cli;

import static io.pub.cli.DeadLetterFixture.copies;
import static io.pub.cli.DeadLetterFixture.deadLetters;
import static io.pub.cli.DeadLetterFixture.pending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pub.Message;
import io.pub.spi.Controller;
import io.pub.spi.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * redrive killed (kill -9: Process.destroyForcibly) in the middle, twice, then run to the end: every
 * dead letter is in its queue exactly once and the dead-letter queue is empty. Where each kill lands
 * is up to chance; RedriveTest sets up each place a kill can leave a dead letter in.
 */
@Timeout(120)
class RedriveKillTest {
    private static final int DEAD = 150;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void killedTwiceThenFinishedMovesEachDeadLetterOnce(TestStore kind) throws Exception {
        String url = kind.url(tmp);
        TestStore.with(url, app -> deadLetters(app, "orders", DEAD));

        int printed = 0;
        for (int kill = 0; kill < 2; kill++) {
            Path out = tmp.resolve("child-" + kill + ".out");
            Process child = start(url, kill, out);
            // its standard output goes to a file, which keeps what it wrote when it is killed
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> moved(out) >= 30 || !child.isAlive());
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            int lines = moved(out);
            assertThat(lines)
                    .as("run " + kill + " moved messages before it was killed; stderr: "
                            + Files.readString(tmp.resolve("child-" + kill + ".err")))
                    .isGreaterThanOrEqualTo(30)
                    .isLessThan(DEAD);
            printed += lines;
        }

        // the last run waits for the killed run's claim to lapse (--lock-ttl), then finishes: its
        // clock starts now (the claim's expiry is the killed child's wall clock) and its waits advance it
        MutableClock clock = new MutableClock(Instant.now());
        Cli.Result last = Cli.run(clock, "", clock::advance, "--store", url, "--json", "redrive", "--lock-ttl", "1s");
        assertThat(last.code()).as(last.toString()).isZero();
        long finished = Json.parse(last.out()).path("redriven").asLong();
        assertThat(printed + finished)
                .as("each dead letter reported moved once, plus at most one per kill: one whose copy a kill cut"
                        + " off from its acknowledgement, reported again by the run that acknowledges it")
                .isBetween((long) DEAD, (long) DEAD + 2);

        TestStore.with(url, app -> {
            Controller c = app.controller();
            assertThat(pending(c, "DLQ")).as("the dead-letter queue is empty").isZero();
            Map<String, List<Message>> copies = copies(c, "orders");
            assertThat(copies).as("one copy per dead letter").hasSize(DEAD);
            List<String> twice = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            copies.forEach((key, list) -> {
                if (list.size() != 1) {
                    twice.add(key + " x" + list.size());
                }
                list.forEach(m -> ids.add(m.id()));
            });
            assertThat(twice).as("copied more than once").isEmpty();
            assertThat(ids).hasSize(DEAD);
            assertThat(ids).allSatisfy(id -> assertThat(id).startsWith("ID:orders-"));
        });
    }

    /** Lines "DLQ:shard:offset -> ..." a run printed: one per message it moved. */
    private static int moved(Path out) throws java.io.IOException {
        if (!Files.exists(out)) {
            return 0;
        }
        return (int) Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith("DLQ:") && l.contains(" -> "))
                .count();
    }

    /** `pub redrive` in a JVM of its own, one line per message moved, paced so a kill lands mid-way. */
    private Process start(String url, int n, Path out) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PubCli.class.getName());
        cmd.addAll(List.of("--store", url, "redrive", "--verbose", "--rate", "200", "--lock-ttl", "1s"));
        return new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(tmp.resolve("child-" + n + ".err").toFile())
                .start();
    }
}
