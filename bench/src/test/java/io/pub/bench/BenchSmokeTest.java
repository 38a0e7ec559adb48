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
        Options options =
                Options.parse("--targets=artemis-250us", "--scenarios=queue-1x1", "--messages=50", "--runs=1");
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Bench bench = new Bench(
                options,
                new PrintStream(json, true, StandardCharsets.UTF_8),
                new PrintStream(console, true, StandardCharsets.UTF_8));

        List<RunResult> results = bench.run();

        assertThat(results).hasSize(1);
        RunResult r = results.get(0);
        assertThat(r.error()).as(console.toString(StandardCharsets.UTF_8)).isNull();
        assertThat(r.sent()).isEqualTo(50);
        assertThat(r.delivered()).isEqualTo(50);
        assertThat(r.missing()).isZero();
        assertThat(r.duplicates()).isZero();
        assertThat(json.toString(StandardCharsets.UTF_8)).contains("\"scenario\":\"queue-1x1\"");
        assertThat(Report.table(results, options, bench.descriptions())).contains("queue-1x1", "artemis-250us");
    }

    @Test
    void rejectsBadOptionsNamingThem() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Options.parse("--runs=0"))
                .hasMessageContaining("--runs");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Options.parse("--targets=rabbit"))
                .hasMessageContaining("rabbit");
    }
}
