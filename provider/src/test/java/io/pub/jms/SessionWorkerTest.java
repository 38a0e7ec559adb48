package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The session's delivery runs on its worker and uses the session's reference to that worker (to hold
 * its running lock while a listener runs). A worker whose thread ran before the session held it made
 * the first delivery fail on a null reference after taking the message from the consumer, which then
 * stayed leased in nobody's hands (seen once in a CI run: the first of three messages never reached
 * the listener).
 */
@Timeout(30)
class SessionWorkerTest {

    @Test
    void nothingRunsBeforeStart() throws Exception {
        AtomicReference<SessionWorker> held = new AtomicReference<>();
        AtomicBoolean ranUnheld = new AtomicBoolean();
        CountDownLatch ran = new CountDownLatch(1);
        SessionWorker worker = new SessionWorker(
                () -> {
                    if (held.get() == null) {
                        ranUnheld.set(true);
                    }
                    ran.countDown();
                    return false;
                },
                () -> {},
                e -> {});
        // a thread started by the constructor would have called deliverOne by now
        assertThat(ran.await(100, TimeUnit.MILLISECONDS)).isFalse();
        held.set(worker);
        worker.start();
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ranUnheld).isFalse();
        worker.shutdown();
    }
}
