package io.pub.samples.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.pub.Consumer;
import io.pub.Delivery;
import io.pub.Pub;
import io.pub.Settings;
import io.pub.couchbase.CouchbaseMockServer;
import io.pub.spi.Subscription;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One trace from a producer JVM to a consumer JVM: a child JVM publishes to a CouchbaseMock store
 * both reach; this JVM consumes, and its process span is the child of the child JVM's publish span.
 */
@Timeout(90)
class CrossJvmTraceTest {

    @Test
    void theProcessSpanContinuesTheTraceOfThePublishingJvm() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (CouchbaseMockServer mock = CouchbaseMockServer.start();
                OpenTelemetrySdk sdk = Tracing.sdk(exporter);
                Pub pub = Pub.builder()
                        .settings(Settings.only(Map.of("PUB_HOUSEKEEPING_INTERVAL", "0")))
                        .url(mock.storeUrl())
                        .openTelemetry(sdk)
                        .build()) {
            pub.createTopic("traced", 1);
            Subscription sub = pub.subscribe(
                    new Subscription("traced", "audit", Subscription.Kind.SHARED_DURABLE, null, false, null, 0));

            Process child = new ProcessBuilder(
                            System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                            "-cp",
                            System.getProperty("java.class.path"),
                            TracePublisherChild.class.getName(),
                            mock.storeUrl(),
                            "traced",
                            "cross-1")
                    .redirectErrorStream(true)
                    .start();
            String childOut;
            try {
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
                childOut = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                child.destroyForcibly();
            }
            assertThat(child.exitValue()).as(childOut).isZero();
            String[] span = childOut.lines()
                    .filter(l -> l.startsWith("SPAN "))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("child printed no span: " + childOut))
                    .split(" ");

            List<Delivery> got = new ArrayList<>();
            try (Consumer c = pub.consumer(sub, 10)) {
                for (int i = 0; i < 50 && got.isEmpty(); i++) {
                    c.pull(got::add);
                }
            }
            assertThat(got).hasSize(1);
            assertThat(got.get(0).message().id()).isEqualTo("cross-1");

            SpanData process = exporter.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals("process traced"))
                    .findFirst()
                    .orElseThrow();
            assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(process.getTraceId()).isEqualTo(span[1]);
            assertThat(process.getParentSpanId()).isEqualTo(span[2]);
            assertThat(process.getParentSpanContext().isRemote()).isTrue();
        }
    }
}
