package io.pub.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pub.Delivery;
import io.pub.Message;
import io.pub.Pub;
import io.pub.Subscriber;
import io.pub.spi.MutableClock;
import io.pub.spi.Subscription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer JVM killed mid-batch: the leases it took are in the store, so nobody gets those
 * messages while the leases live; once they expire another consumer gets every one of them again,
 * marked redelivered, and nothing is lost.
 */
@Timeout(90)
class EmbeddedConsumerCrashTest {
    @TempDir
    Path tmp;

    private Pub open(Path dir, MutableClock clock) {
        return Pub.builder()
                .url("embedded:" + dir)
                .clock(clock)
                .meterRegistry(new SimpleMeterRegistry())
                .config(Pub.Config.defaults()
                        .withLeaseDuration(Duration.ofSeconds(30))
                        .withHousekeepingInterval(Duration.ZERO))
                .build();
    }

    @Test
    void aKilledConsumersMessagesAreRedeliveredAfterItsLeasesExpire() throws Exception {
        Path dir = tmp.resolve("store");
        Set<String> sent = new HashSet<>();
        MutableClock clock = new MutableClock(Instant.now());
        try (Pub pub = open(dir, clock)) {
            pub.createQueue("jobs");
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                batch.add(Message.builder().id("job-" + i).build());
                sent.add("job-" + i);
            }
            pub.producer().publish("jobs", batch);
        }

        Process child = ChildJvm.start(CrashConsumer.class, tmp.resolve("child.err"), dir.toString(), "40");
        ChildJvm.Output out = new ChildJvm.Output(child);
        try {
            out.await(l -> l.contains("READY"), Duration.ofSeconds(60));
            assertThat(child.isAlive())
                    .as("child died early: %s", Files.readString(tmp.resolve("child.err")))
                    .isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Set<String> held = new HashSet<>();
        for (String line : out.all(Duration.ofSeconds(30))) {
            if (line.startsWith("HELD ")) {
                held.add(line.substring(5));
            }
        }
        assertThat(held).hasSize(40);

        clock.set(Instant.now());
        try (Pub pub = open(dir, clock)) {
            Subscription queue = pub.createQueue("jobs");
            Subscriber s = pub.subscriber(queue, pub.subscriberOptions());
            Set<String> first = new HashSet<>();
            for (List<Delivery> b = s.poll(50); !b.isEmpty(); b = s.poll(50)) {
                b.forEach(d -> first.add(d.message().id()));
                s.ack(b);
            }
            assertThat(first).as("the dead consumer's leases are still live").doesNotContainAnyElementsOf(held);
            assertThat(first).hasSize(60);

            clock.advance(Duration.ofSeconds(31));
            Set<String> redelivered = new HashSet<>();
            for (List<Delivery> b = s.poll(50); !b.isEmpty(); b = s.poll(50)) {
                for (Delivery d : b) {
                    assertThat(d.redelivered()).isTrue();
                    assertThat(d.deliveryCount()).isEqualTo(2);
                    redelivered.add(d.message().id());
                }
                s.ack(b);
            }
            assertThat(redelivered).isEqualTo(held);
            Set<String> all = new HashSet<>(first);
            all.addAll(redelivered);
            assertThat(all).isEqualTo(sent);
        }
    }
}
