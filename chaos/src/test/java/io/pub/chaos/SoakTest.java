package io.pub.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The soak mode's bounds, and a short soak (the long one is {@code chaos/run.sh --soak --minutes N}). */
class SoakTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    private static List<Soak.Sample> samples(long[] heapMib, int[] threads, long[] fds, long[] diskMib) {
        List<Soak.Sample> out = new ArrayList<>();
        out.add(new Soak.Sample(0, 1, 1, 1, 1, 0, 0)); // before warm-up: ignored
        for (int i = 0; i < heapMib.length; i++) {
            out.add(new Soak.Sample(i + 1, heapMib[i] * MIB, threads[i], fds[i], diskMib[i] * MIB, 100, 100));
        }
        return out;
    }

    @Test
    @Timeout(10)
    void flatFiguresPassAndGrowthBeyondTheBoundsFails() {
        assertThat(Soak.judge(samples(
                        new long[] {40, 45, 42, 44, 41, 46},
                        new int[] {30, 31, 30, 31, 32, 31},
                        new long[] {100, 104, 101, 103, 110, 105},
                        new long[] {50, 120, 80, 130, 90, 140})))
                .isEmpty();
        assertThat(Soak.judge(samples(
                        new long[] {40, 45, 60, 70, 80, 90},
                        new int[] {30, 31, 34, 38, 40, 45},
                        new long[] {100, 104, 120, 130, 140, 150},
                        new long[] {50, 60, 200, 300, 400, 500})))
                .hasSize(4)
                .anySatisfy(f -> assertThat(f).startsWith("heap after GC grew"))
                .anySatisfy(f -> assertThat(f).startsWith("threads grew"))
                .anySatisfy(f -> assertThat(f).startsWith("open file descriptors grew"))
                .anySatisfy(f -> assertThat(f).startsWith("store directory grew"));
        assertThat(Soak.judge(samples(new long[] {1}, new int[] {1}, new long[] {1}, new long[] {1})))
                .singleElement()
                .asString()
                .startsWith("too few samples");
    }

    @Test
    @Timeout(120)
    void aShortSoakStaysWithinItsBounds() throws Exception {
        Soak.Result r =
                new Soak(new Soak.Config(Duration.ofSeconds(24), Duration.ofSeconds(2), 200, dir), System.out).run();
        assertThat(r.samples()).hasSizeGreaterThanOrEqualTo(10);
        assertThat(r.sent()).isPositive();
        assertThat(r.failures()).isEmpty();
    }
}
