package io.pub.samples.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.pub.Consumer;
import io.pub.Delivery;
import io.pub.Message;
import io.pub.Pub;
import io.pub.Settings;
import io.pub.spi.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TracingTest {
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");

    static SpanData one(List<SpanData> spans, String name) {
        List<SpanData> found =
                spans.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(found).as(name + " in " + spans).hasSize(1);
        return found.get(0);
    }

    @Test
    void publishAndProcessSpansShareATraceWithStoreCallsAsChildren() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (OpenTelemetrySdk sdk = Tracing.sdk(exporter);
                Pub pub = Pub.builder()
                        .settings(Settings.only(Map.of("PUB_STORE_URL", "mem:trace-" + UUID.randomUUID())))
                        .openTelemetry(sdk)
                        .build()) {
            pub.createTopic("orders", 1);
            Subscription sub = pub.subscribe(
                    new Subscription("orders", "billing", Subscription.Kind.SHARED_DURABLE, null, false, null, 0));
            exporter.reset();

            pub.producer()
                    .publish(
                            "orders",
                            Message.builder().id("m-1").body(new byte[] {1}).build());
            List<Delivery> got = new ArrayList<>();
            try (Consumer c = pub.consumer(sub, 10)) {
                assertThat(c.pull(got::add)).isEqualTo(1);
            }
            Message received = got.get(0).message();
            assertThat(received.headers()).containsKey("traceparent");

            List<SpanData> spans = exporter.getFinishedSpanItems();
            SpanData publish = one(spans, "publish orders");
            assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(publish.getAttributes().get(SYSTEM)).isEqualTo("pub");
            assertThat(publish.getAttributes().get(DESTINATION)).isEqualTo("orders");
            assertThat(publish.getAttributes().get(OPERATION)).isEqualTo("publish");
            assertThat(publish.getAttributes().get(MESSAGE_ID)).isEqualTo("m-1");
            assertThat(received.headers().get("traceparent")).contains(publish.getSpanId());

            SpanData append = one(spans, "pub.store append");
            assertThat(append.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(append.getParentSpanId()).isEqualTo(publish.getSpanId());

            SpanData process = one(spans, "process orders");
            assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(process.getTraceId()).isEqualTo(publish.getTraceId());
            assertThat(process.getParentSpanId()).isEqualTo(publish.getSpanId());
            assertThat(process.getAttributes().get(OPERATION)).isEqualTo("process");
            assertThat(process.getAttributes().get(MESSAGE_ID)).isEqualTo("m-1");
            assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.consumer.group.name")))
                    .isEqualTo("billing");

            List<SpanData> receives = spans.stream()
                    .filter(s -> s.getName().equals("receive orders"))
                    .toList();
            SpanData receive = receives.stream()
                    .filter(r -> !r.getLinks().isEmpty())
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no receive span linked to a publish: " + spans));
            assertThat(receive.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(receive.getLinks().get(0).getSpanContext().getSpanId()).isEqualTo(publish.getSpanId());
            List<String> pollCalls = spans.stream()
                    .filter(s -> s.getParentSpanId().equals(receive.getSpanId()))
                    .map(SpanData::getName)
                    .toList();
            // a poll reads and leases in one store call (Controller.leaseNext)
            assertThat(pollCalls).contains("pub.store leaseNext");
        }
    }

    @Test
    void noTracingMeansNoHeadersAndNoSpans() {
        try (Pub pub = Pub.builder()
                .settings(Settings.only(Map.of("PUB_STORE_URL", "mem:notrace-" + UUID.randomUUID())))
                .build()) {
            pub.createTopic("t", 1);
            Subscription sub =
                    pub.subscribe(new Subscription("t", "s", Subscription.Kind.SHARED_DURABLE, null, false, null, 0));
            pub.producer().publish("t", Message.builder().id("x").build());
            try (Consumer c = pub.consumer(sub, 10)) {
                assertThat(c.pull(d -> assertThat(d.message().headers()).isEmpty()))
                        .isEqualTo(1);
            }
        }
    }
}
