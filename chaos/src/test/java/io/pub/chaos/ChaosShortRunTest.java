package io.pub.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos program's short run, on each store: 20 s of kills, pauses and store faults against real
 * child JVMs, then the drain and every invariant check. The long mode is {@code chaos/run.sh}.
 *
 * <p>Nothing is spared and nothing tolerated: every fault kind is injected into every store call,
 * and any violation fails the test.
 */
class ChaosShortRunTest {
    /** The run goes on past its 20 s (up to 2 minutes) on a slow machine until it has done this much. */
    static final int MIN_ACKNOWLEDGED_SENDS = 100;

    @TempDir
    Path dir;

    private ChaosRun.Result run(ChaosRun.Store store, long seed) throws Exception {
        Duration lease = Duration.ofSeconds(3);
        Duration heartbeat = Duration.ofSeconds(3);
        ChaosRun.Config config = new ChaosRun.Config(
                store,
                Duration.ofSeconds(20),
                seed,
                dir,
                store == ChaosRun.Store.EMBEDDED ? 40 : 15,
                lease,
                heartbeat,
                Duration.ofSeconds(60),
                Set.of(),
                EnumSet.allOf(ChaosRun.Action.class),
                MIN_ACKNOWLEDGED_SENDS);
        ChaosRun.Result r = new ChaosRun(config, System.out).run();
        Chaos.print(r, System.out);
        return r;
    }

    private static void assertDidItsJob(ChaosRun.Result r) {
        // what it claims to have done, it did: otherwise a clean result would prove nothing
        assertThat(r.figure("JVMs killed")).as("JVMs killed").isPositive();
        assertThat(r.figure("JVMs paused")).as("JVMs paused").isPositive();
        assertThat(r.figure("faults injected")).as("faults injected").isPositive();
        assertThat(r.figure("acknowledged sends"))
                .as("acknowledged sends")
                .isGreaterThanOrEqualTo(MIN_ACKNOWLEDGED_SENDS);
        assertThat(r.figure("redeliveries")).as("redeliveries").isPositive();
        assertThat(r.figure("cursor samples")).as("cursor samples").isPositive();
        assertThat(r.violations()).as("violations").isEmpty();
    }

    @Test
    @Timeout(360)
    void embeddedStore() throws Exception {
        assertDidItsJob(run(ChaosRun.Store.EMBEDDED, 20260613));
    }

    @Test
    @Timeout(360)
    void couchbaseMock() throws Exception {
        assertDidItsJob(run(ChaosRun.Store.COUCHBASE_MOCK, 20260614));
    }
}
