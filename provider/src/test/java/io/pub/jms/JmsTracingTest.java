package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application that registered an OpenTelemetry SDK gets one trace per message through plain JMS:
 * the send's PRODUCER span and the delivery's CONSUMER span share a trace, the consumer's a child of
 * the producer's through the trace context the message carries.
 */
@Timeout(60)
class JmsTracingTest {
    @TempDir
    Path dir;

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();

    @BeforeEach
    void registerSdk() {
        GlobalOpenTelemetry.resetForTest();
        OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .buildAndRegisterGlobal();
    }

    @AfterEach
    void unregister() {
        GlobalOpenTelemetry.resetForTest();
    }

    private SpanData only(String name) {
        List<SpanData> found = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name))
                .toList();
        assertThat(found).as("spans named %s", name).hasSize(1);
        return found.get(0);
    }

    @Test
    void aReceivedMessageContinuesTheTraceOfItsSend() throws Exception {
        PubConnectionFactory factory = new PubConnectionFactory("embedded:" + dir.resolve("sync"));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("traced");
            s.createProducer(q).send(s.createTextMessage("hello"));
            assertThat(((TextMessage) s.createConsumer(q).receive(5000)).getText())
                    .isEqualTo("hello");
        }
        SpanData publish = only("publish traced");
        SpanData process = only("process traced");
        assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(process.getTraceId()).isEqualTo(publish.getTraceId());
        assertThat(process.getParentSpanId()).isEqualTo(publish.getSpanId());
    }

    @Test
    void aListenersWorkRunsInsideItsProcessSpan() throws Exception {
        PubConnectionFactory factory = new PubConnectionFactory("embedded:" + dir.resolve("listener"));
        CountDownLatch got = new CountDownLatch(1);
        String[] traceSeenByListener = new String[1];
        try (Connection c = factory.createConnection()) {
            Session listening = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = listening.createQueue("traced-listener");
            MessageConsumer consumer = listening.createConsumer(q);
            consumer.setMessageListener(m -> {
                traceSeenByListener[0] = io.opentelemetry.api.trace.Span.current()
                        .getSpanContext()
                        .getTraceId();
                got.countDown();
            });
            c.start();
            Session sending = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            sending.createProducer(q).send(sending.createTextMessage("hi"));
            assertThat(got.await(10, TimeUnit.SECONDS)).isTrue();
        }
        SpanData publish = only("publish traced-listener");
        assertThat(traceSeenByListener[0]).isEqualTo(publish.getTraceId());
    }
}
