package io.pub.compat.floor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.Delivery;
import io.pub.Message;
import io.pub.Pub;
import io.pub.Settings;
import io.pub.couchbase.CouchbaseMockServer;
import io.pub.internal.OptionalLibraries;
import io.pub.jms.PubConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run by its own surefire execution with Micrometer and OpenTelemetry removed from the class path:
 * the engine and the provider work, untraced and unmetered, and load none of their classes.
 */
@Timeout(120)
class WithoutOptionalLibrariesTest {
    /** The store closes with its last connection, before the temporary directory is deleted. */
    private static final Settings NO_LINGER = Settings.of(Map.of("PUB_STORE_LINGER", "0"));

    @TempDir
    Path dir;

    @Test
    void micrometerAndOpenTelemetryAreAbsent() {
        ClassLoader loader = getClass().getClassLoader();
        assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry", false, loader))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("io.opentelemetry.api.OpenTelemetry", false, loader))
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(OptionalLibraries.MICROMETER).isFalse();
        assertThat(OptionalLibraries.OPENTELEMETRY).isFalse();
    }

    @Test
    void theNativeApiPublishesAndConsumes() throws Exception {
        try (Pub pub = Pub.builder().url("embedded:" + dir.resolve("native")).build()) {
            assertThat(pub.metrics().registry()).isNull();
            assertThat(pub.metrics().tracing().enabled()).isFalse();
            pub.createQueue("orders");
            pub.producer()
                    .publish(
                            "orders",
                            Message.builder()
                                    .body("one".getBytes(StandardCharsets.UTF_8))
                                    .build());
            List<String> got = new ArrayList<>();
            try (var consumer = pub.consumer(
                    pub.controller()
                            .subscription("orders", Pub.QUEUE_SUBSCRIPTION)
                            .orElseThrow(),
                    10)) {
                consumer.pull((Delivery d) -> got.add(new String(d.message().body(), StandardCharsets.UTF_8)));
            }
            assertThat(got).containsExactly("one");
        }
    }

    @Test
    void jmsOnTheEmbeddedStore() throws Exception {
        sendAndReceive("embedded:" + dir.resolve("jms"));
    }

    @Test
    void jmsOnCouchbase() throws Exception {
        try (CouchbaseMockServer mock = CouchbaseMockServer.start()) {
            sendAndReceive(mock.storeUrl());
        }
    }

    /** A selector, a transaction and a topic listener: the provider's paths that trace and meter. */
    private static void sendAndReceive(String url) throws Exception {
        try (Connection c = new PubConnectionFactory(url, NO_LINGER, Clock.systemUTC()).createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("plain");
            TextMessage red = s.createTextMessage("red");
            red.setStringProperty("colour", "red");
            TextMessage blue = s.createTextMessage("blue");
            blue.setStringProperty("colour", "blue");
            s.createProducer(q).send(red);
            s.createProducer(q).send(blue);
            MessageConsumer blues = s.createConsumer(q, "colour = 'blue'");
            assertThat(((TextMessage) blues.receive(5000)).getText()).isEqualTo("blue");
            blues.close();

            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            assertThat(((TextMessage) tx.createConsumer(q).receive(5000)).getText())
                    .isEqualTo("red");
            tx.commit();

            Topic t = s.createTopic("news");
            Session listening = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            CountDownLatch heard = new CountDownLatch(1);
            listening.createConsumer(t).setMessageListener(m -> heard.countDown());
            s.createProducer(t).send(s.createTextMessage("extra"));
            assertThat(heard.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
