package io.pub.cli;

import static io.pub.cli.DeadLetterFixture.copies;
import static io.pub.cli.DeadLetterFixture.deadLetters;
import static io.pub.cli.DeadLetterFixture.pending;
import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Message;
import io.pub.spi.Controller;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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

        int moved = 0;
        for (int kill = 0; kill < 2; kill++) {
            Process child = start(url, kill);
            int lines = 0;
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null && lines < 30; line = out.readLine()) {
                    if (line.startsWith("DLQ:")) {
                        lines++;
                    }
                }
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(lines)
                    .as("run " + kill + " moved messages before it was killed; stderr: "
                            + Files.readString(tmp.resolve("child-" + kill + ".err")))
                    .isEqualTo(30);
            moved += lines;
        }

        // the last run waits for the killed run's claim to lapse (--lock-ttl), then finishes
        Cli.Result last = Cli.run(
                Clock.systemUTC(),
                "",
                d -> Thread.sleep(d.toMillis()),
                "--store",
                url,
                "--json",
                "redrive",
                "--lock-ttl",
                "1s");
        assertThat(last.code()).as(last.toString()).isZero();
        long finished = Json.parse(last.out()).path("redriven").asLong();
        assertThat(moved + finished)
                .as("each counted once, give or take those a kill cut between copy and"
                        + " acknowledgement, which the last run finishes and counts again")
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

    /** `pub redrive` in a JVM of its own, one line per message moved, paced so a kill lands mid-way. */
    private Process start(String url, int n) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PubCli.class.getName());
        cmd.addAll(List.of("--store", url, "redrive", "--verbose", "--rate", "200", "--lock-ttl", "1s"));
        return new ProcessBuilder(cmd)
                .redirectError(tmp.resolve("child-" + n + ".err").toFile())
                .start();
    }
}
