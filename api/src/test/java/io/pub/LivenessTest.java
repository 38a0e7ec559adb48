package io.pub;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.spi.Controller;
import io.pub.spi.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Liveness work (heartbeats and the claims held with them) never waits behind housekeeping, whose
 * scans of a large store can take long; and a heartbeat that lapsed is found out and reported.
 */
@Timeout(30)
class LivenessTest {
    private static final String HB = "hb:liveness";

    private final Controller memory =
            Stores.open("mem:liveness-" + UUID.randomUUID(), Settings.only(Map.of()), Clock.systemUTC());
    private final CountDownLatch scanning = new CountDownLatch(1);
    private final CountDownLatch endScan = new CountDownLatch(1);
    /** A permit per heartbeat claim the store was asked for. */
    private final Semaphore renewals = new Semaphore(0);

    @AfterEach
    void close() {
        endScan.countDown();
        memory.close();
    }

    /** The store, except that housekeeping's scan blocks until the test ends it, and heartbeat claims are counted. */
    private Controller slowScans() {
        return (Controller) Proxy.newProxyInstance(
                Controller.class.getClassLoader(), new Class<?>[] {Controller.class}, (proxy, method, args) -> {
                    if (method.getName().equals("topics")
                            && Thread.currentThread().getName().startsWith("pub-housekeeping")) {
                        scanning.countDown();
                        endScan.await();
                    }
                    if (method.getName().equals("claim") && HB.equals(args[0])) {
                        renewals.release();
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void heartbeatsAreRenewedWhileHousekeepingIsStuckInAScan() throws Exception {
        try (Pub pub = Pub.builder()
                .controller(slowScans())
                .meterRegistry(null)
                .config(Pub.Config.defaults().withHousekeepingInterval(Duration.ofMillis(100)))
                .build()) {
            assertThat(scanning.await(10, TimeUnit.SECONDS))
                    .as("housekeeping is scanning")
                    .isTrue();
            Heartbeat hb = pub.heartbeat(HB, Duration.ofMillis(300)); // renewed every 100 ms
            renewals.drainPermits(); // the claims made so far, the heartbeat's first among them
            assertThat(renewals.tryAcquire(3, 10, TimeUnit.SECONDS))
                    .as("heartbeat renewals while housekeeping is stuck")
                    .isTrue();
            assertThat(memory.readClaim(HB).orElseThrow().isLive(System.currentTimeMillis()))
                    .isTrue();
            hb.close();
        }
    }

    @Test
    void aHeartbeatThatLapsedOrVanishedIsReportedAndTakenAgain() throws Exception {
        MutableClock clock = new MutableClock();
        BlockingQueue<Heartbeat.Lapse> lapses = new LinkedBlockingQueue<>();
        try (Pub pub = Pub.builder()
                .controller(memory)
                .clock(clock)
                .meterRegistry(null)
                .config(Pub.Config.defaults().withHousekeepingInterval(Duration.ZERO))
                .build()) {
            Heartbeat hb = pub.heartbeat(HB, Duration.ofMillis(300), lapses::add);
            assertThat(hb.hold("clientID:a", "conn-a")).isTrue();

            clock.advance(Duration.ofSeconds(5)); // as if this JVM had paused past the heartbeat's TTL
            Heartbeat.Lapse late = lapses.poll(10, TimeUnit.SECONDS);
            assertThat(late).isNotNull();
            assertThat(late.reason()).contains("after it expired");
            assertThat(late.retaken()).isTrue();
            assertThat(late.lostClaims()).isEmpty();

            memory.releaseClaim(HB, HB); // removed from the store, as by another JVM
            Heartbeat.Lapse gone = lapses.poll(10, TimeUnit.SECONDS);
            assertThat(gone).isNotNull();
            assertThat(gone.reason()).contains("gone");
            assertThat(memory.readClaim(HB)).isPresent();

            // another owner took a held claim while it had lapsed
            clock.advance(Duration.ofSeconds(5));
            lapses.clear();
            memory.claim("clientID:a", "conn-b", clock.millis() + 60_000, clock.millis());
            Heartbeat.Lapse lost;
            do {
                lost = lapses.poll(10, TimeUnit.SECONDS);
            } while (lost != null && lost.lostClaims().isEmpty());
            assertThat(lost).isNotNull();
            assertThat(lost.lostClaims()).containsExactly("clientID:a");
            hb.close();
        }
    }
}
