package io.pub.compat.floor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pub.Settings;
import io.pub.jms.PubConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The JMS provider's meters, registered in Micrometer 1.15's global registry as an application sees them. */
@Timeout(60)
class FloorMetricsTest {
    /** The store closes with its last connection, before the temporary directory is deleted. */
    private static final Settings NO_LINGER = Settings.of(Map.of("PUB_STORE_LINGER", "0"));

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void register() {
        Metrics.addRegistry(registry);
    }

    @AfterEach
    void unregister() {
        Metrics.removeRegistry(registry);
    }

    @Test
    void sendsAndDeliveriesAreCounted() throws Exception {
        PubConnectionFactory factory =
                new PubConnectionFactory("embedded:" + dir.resolve("store"), NO_LINGER, Clock.systemUTC());
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue q = s.createQueue("metered");
            MessageProducer p = s.createProducer(q);
            for (int i = 0; i < 3; i++) {
                p.send(s.createTextMessage("m" + i));
            }
            MessageConsumer consumer = s.createConsumer(q);
            TextMessage last = null;
            for (int i = 0; i < 3; i++) {
                last = (TextMessage) consumer.receive(5000);
                assertThat(last.getText()).isEqualTo("m" + i);
            }
            last.acknowledge();
            // the acknowledgement is written in the background: its leases go once it is
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> registry.get("pub.leases.live").gauge().value() == 0);
            assertThat(registry.get("pub.leases.live").gauge().value()).isZero();
        }
        assertThat(registry.get("pub.published")
                        .tag("topic", "metered")
                        .counter()
                        .count())
                .isEqualTo(3);
        assertThat(registry.get("pub.delivered")
                        .tag("topic", "metered")
                        .counter()
                        .count())
                .isEqualTo(3);
        assertThat(registry.get("pub.acked").tag("topic", "metered").counter().count())
                .isEqualTo(3);
        assertThat(registry.get("pub.publish.latency")
                        .tag("topic", "metered")
                        .timer()
                        .count())
                .isEqualTo(3);
        assertThat(registry.get("pub.store.op").timers().stream()
                        .mapToLong(io.micrometer.core.instrument.Timer::count)
                        .sum())
                .isPositive();
    }
}
