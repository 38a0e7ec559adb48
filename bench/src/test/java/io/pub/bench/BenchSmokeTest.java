package io.pub.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness end to end on one small scenario against Artemis; measures nothing. */
class BenchSmokeTest {

    @Test
    @Timeout(60)
    void runsOneScenarioAgainstArtemisAndChecksEveryMessage() {
        Options options = Options.parse(
                "--targets=artemis-250us",
                "--scenarios=queue-1x1,latency-2000",
                "--messages=50",
                "--runs=1",
                "--disk-seconds=0.2");
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Bench bench = new Bench(
                options,
                new PrintStream(json, true, StandardCharsets.UTF_8),
                new PrintStream(console, true, StandardCharsets.UTF_8));

        List<RunResult> results = bench.run();

        assertThat(results).hasSize(2);
        for (RunResult r : results) {
            assertThat(r.error()).as(console.toString(StandardCharsets.UTF_8)).isNull();
            assertThat(r.sent()).isEqualTo(50);
            assertThat(r.delivered()).isEqualTo(50);
            assertThat(r.missing()).isZero();
            assertThat(r.duplicates()).isZero();
            assertThat(r.cpuMicrosPerDelivery()).isPositive();
            if (java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self/task"))) {
                assertThat(r.jitMicrosPerDelivery()).isNotNull().isNotNegative();
            }
        }
        RunResult paced = results.get(1);
        assertThat(paced.keptUp()).isNotNull();
        assertThat(paced.backlog()).isNotNull();
        assertThat(json.toString(StandardCharsets.UTF_8))
                .contains("\"scenario\":\"queue-1x1\"", "\"scenario\":\"latency-2000\"", "\"disk\"");
        assertThat(bench.disk()).contains("preallocated file").doesNotContain("failed");
        assertThat(Report.table(results, options, bench.descriptions(), bench.disk()))
                .contains(
                        "queue-1x1",
                        "artemis-250us",
                        "CPU per delivered message",
                        "of which JIT",
                        "Paced latency",
                        "O_DSYNC",
                        "BytesMessage (distinct bodies)");
    }

    @Test
    @Timeout(120)
    void roundsRunEveryTargetAgainInTheOtherOrderAndNumberTheirRunsOnward() {
        Options options = Options.parse(
                "--targets=artemis-250us,artemis-default",
                "--scenarios=queue-1x1",
                "--messages=20",
                "--runs=1",
                "--warm-rounds=1",
                "--rounds=2",
                "--disk-seconds=0");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Bench bench = new Bench(
                options,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(console, true, StandardCharsets.UTF_8));

        List<RunResult> results = bench.run();

        assertThat(results)
                .as(console.toString(StandardCharsets.UTF_8))
                .extracting(r -> r.target() + " " + r.run())
                // the warm round (250us, default) is not reported; the measured rounds go on alternating
                .containsExactly("artemis-default 1", "artemis-250us 1", "artemis-250us 2", "artemis-default 2");
        assertThat(results).allSatisfy(r -> {
            assertThat(r.error()).isNull();
            assertThat(r.delivered()).isEqualTo(20);
        });
        assertThat(Report.table(results, options, bench.descriptions(), bench.disk()))
                .contains("2 measured run(s) per cell after a warm-up run (1 in each of 2 rounds")
                .contains("after 1 warm round(s) not reported");
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("artemis-250us: starting, warm round 1 of 1", "artemis-default: starting, round 2 of 2");
    }

    @Test
    @Timeout(10)
    void distinctBodiesDifferFromOneMessageToTheNextAndRepeatedOnesDoNot() {
        assertThat(Bodies.DISTINCT.body(7)).hasSize(Bodies.BYTES).isNotEqualTo(Bodies.DISTINCT.body(8));
        assertThat(Bodies.DISTINCT.body(-1)).isEqualTo(Bodies.DISTINCT.body(1023));
        assertThat(Bodies.REPEATED.body(7)).isEqualTo(Bodies.REPEATED.body(8)).isEqualTo(Bodies.DISTINCT.body(0));
        assertThat(Options.parse().bodies()).isEqualTo(Bodies.DISTINCT);
        assertThat(Options.parse("--bodies=Repeated").bodies()).isEqualTo(Bodies.REPEATED);
    }

    @Test
    @Timeout(10)
    void rejectsBadOptionsNamingThem() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Options.parse("--runs=0"))
                .hasMessageContaining("--runs");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Options.parse("--rounds=0"))
                .hasMessageContaining("--rounds");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Options.parse("--warm-rounds=-1"))
                .hasMessageContaining("--warm-rounds");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Options.parse("--targets=rabbit"))
                .hasMessageContaining("rabbit");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Options.parse("--disk-seconds=-1"))
                .hasMessageContaining("--disk-seconds");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Options.parse("--warmup-seconds=0"))
                .hasMessageContaining("--warmup-seconds");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Options.parse("--bodies=same"))
                .hasMessageContaining("--bodies")
                .hasMessageContaining("distinct|repeated")
                .hasMessageContaining("'same'");
    }
}
