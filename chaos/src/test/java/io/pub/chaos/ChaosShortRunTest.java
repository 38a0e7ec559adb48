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
 * <p>Spared here: failures of the store calls behind acknowledging ({@code markDone}) and giving
 * back ({@code release}). They expose two provider bugs this program found, which the long mode
 * (nothing spared) reports until they are fixed; drop {@link #SPARED} then:
 *
 * <ol>
 *   <li>A failed acknowledge, commit, recover, rollback or close leaves the affected deliveries in
 *       the engine Subscriber's outstanding set, whose leases the consumer's renewal task keeps
 *       renewing for the life of the JVM, even after the consumer, session and connection are closed:
 *       those messages are never redelivered while that JVM lives (the drain reports them stuck).
 *   <li>AUTO_ACKNOWLEDGE receive acknowledges before returning; when that acknowledgement's outcome is
 *       unknown (the store applied it, the reply was lost), receive throws and the message, already
 *       marked done, is never delivered: an acknowledged send lost.
 * </ol>
 *
 * <p>Tolerated here (still printed with the run's report): {@link #TOLERATED}, a third provider bug
 * that no fault provokes and no seed avoids, since it depends on where in a consumer's code a pause
 * falls (about 1 in 30 pauses of a consumer JVM on CouchbaseMock, 1 in 90 on the embedded store):
 *
 * <ol start="3">
 *   <li>A consumer that leased a message and was paused (or starved) past the lease before handing it
 *       out still hands it out afterwards, although another consumer has meanwhile taken the lapsed
 *       lease and delivered it: two consumers process it at once, and the stale one carries a lower
 *       JMSXDeliveryCount than the delivery before it (AUTO_ACKNOWLEDGE even acknowledges it).
 * </ol>
 */
class ChaosShortRunTest {
    /** Violations of bug 3 above; every other kind fails the test. */
    static final Set<String> TOLERATED = Set.of("stale delivery");

    /** {@code --spare known-bugs} on the command line. */
    static final Set<String> SPARED = Control.spared(Control.KNOWN_BUGS);

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
                SPARED,
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
        assertThat(r.violations().keySet()).as("violations").isSubsetOf(TOLERATED);
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
