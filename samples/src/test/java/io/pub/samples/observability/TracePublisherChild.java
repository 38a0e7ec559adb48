package io.pub.samples.observability;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.pub.Message;
import io.pub.Pub;
import io.pub.Settings;
import java.util.Map;

/**
 * Runs in a child JVM: publishes one message to {@code args[1]} on the store {@code args[0]} with
 * tracing on, then prints its publish span as {@code SPAN <trace id> <span id>}.
 */
public final class TracePublisherChild {
    public static void main(String[] args) {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (OpenTelemetrySdk sdk = Tracing.sdk(exporter);
                Pub pub = Pub.builder()
                        .settings(Settings.only(Map.of("PUB_HOUSEKEEPING_INTERVAL", "0")))
                        .url(args[0])
                        .openTelemetry(sdk)
                        .build()) {
            pub.producer().publish(args[1], Message.builder().id(args[2]).build());
            for (SpanData s : exporter.getFinishedSpanItems()) {
                if (s.getName().startsWith("publish ")) {
                    System.out.println("SPAN " + s.getTraceId() + " " + s.getSpanId());
                }
            }
        }
        System.out.flush();
        System.exit(0);
    }
}
