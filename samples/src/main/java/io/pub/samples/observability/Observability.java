package io.pub.samples.observability;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.pub.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Pub application needs to be observed: a Prometheus registry with the JVM and process
 * binders served at {@code :METRICS_PORT/metrics}, an OpenTelemetry SDK exporting over OTLP/HTTP to
 * JAEGER_ENDPOINT with a parent-based ratio sampler, and optionally a flight recording. Hand
 * {@link #registry()} and {@link #openTelemetry()} to {@code Pub.builder()}.
 */
public final class Observability implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Observability.class);
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final AttributeKey<String> SERVICE_VERSION = AttributeKey.stringKey("service.version");

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;
    private final MetricsServer server;
    private final OpenTelemetrySdk sdk;
    private Profiler profiler;

    private Observability(
            PrometheusMeterRegistry registry,
            JvmGcMetrics gc,
            MetricsServer server,
            OpenTelemetrySdk sdk,
            Profiler profiler) {
        this.registry = registry;
        this.gc = gc;
        this.server = server;
        this.sdk = sdk;
        this.profiler = profiler;
    }

    /**
     * The settings: METRICS_ENABLED (true), METRICS_PORT (9090; 0 = any free port), TRACING_ENABLED
     * (true), TRACING_SERVICE_NAME (pub-e2e), TRACING_SERVICE_VERSION (1.0.0), JAEGER_ENDPOINT
     * (http://localhost:4318), TRACING_SAMPLE_RATE (1.0), ENABLE_PROFILING (false), PROFILE_FILE.
     */
    public record Options(
            boolean metricsEnabled,
            int metricsPort,
            boolean tracingEnabled,
            String serviceName,
            String serviceVersion,
            String endpoint,
            double sampleRate,
            boolean profiling,
            Path profileFile) {

        public static Options from(Settings s, String defaultProfileFile) {
            int port = s.getInt("METRICS_PORT", 9090, 0);
            if (port > 65535) {
                throw new IllegalArgumentException("METRICS_PORT must be between 0 and 65535, was " + port);
            }
            String endpoint = s.get("JAEGER_ENDPOINT", "http://localhost:4318");
            checkEndpoint(endpoint);
            return new Options(
                    s.getBoolean("METRICS_ENABLED", true),
                    port,
                    s.getBoolean("TRACING_ENABLED", true),
                    s.get("TRACING_SERVICE_NAME", "pub-e2e"),
                    s.get("TRACING_SERVICE_VERSION", "1.0.0"),
                    endpoint,
                    s.getDouble("TRACING_SAMPLE_RATE", 1.0, 0.0, 1.0),
                    s.getBoolean("ENABLE_PROFILING", false),
                    Path.of(s.get("PROFILE_FILE", defaultProfileFile)));
        }

        private static void checkEndpoint(String endpoint) {
            try {
                URI uri = new URI(endpoint);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new IllegalArgumentException(
                            "JAEGER_ENDPOINT must be an http(s) URL such as http://localhost:4318, was '" + endpoint
                                    + "'");
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(
                        "JAEGER_ENDPOINT is not a valid URL ('" + endpoint + "'): " + e.getReason(), e);
            }
        }
    }

    /** Starts what {@code options} asks for, exporting spans over OTLP/HTTP. */
    public static Observability start(Options options) {
        return start(options, null);
    }

    /** As {@link #start(Options)}, with spans going to {@code exporter} instead (null: OTLP/HTTP). */
    public static Observability start(Options options, SpanExporter exporter) {
        PrometheusMeterRegistry registry = null;
        JvmGcMetrics gc = null;
        MetricsServer server = null;
        OpenTelemetrySdk sdk = null;
        Profiler profiler = null;
        try {
            if (options.metricsEnabled()) {
                registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                registry.config().commonTags("application", options.serviceName());
                new JvmMemoryMetrics().bindTo(registry);
                gc = new JvmGcMetrics();
                gc.bindTo(registry);
                new JvmThreadMetrics().bindTo(registry);
                new ProcessorMetrics().bindTo(registry);
                new UptimeMetrics().bindTo(registry);
                server = MetricsServer.start(registry, options.metricsPort());
            }
            if (options.tracingEnabled()) {
                sdk = tracing(options, exporter);
            }
            if (options.profiling()) {
                profiler = Profiler.start(options.profileFile());
            }
            return new Observability(registry, gc, server, sdk, profiler);
        } catch (RuntimeException e) {
            new Observability(registry, gc, server, sdk, profiler).close();
            throw e;
        }
    }

    private static OpenTelemetrySdk tracing(Options options, SpanExporter exporter) {
        SpanExporter out = exporter;
        if (out == null) {
            String url = options.endpoint().replaceAll("/+$", "");
            if (!url.endsWith("/v1/traces")) {
                url = url + "/v1/traces";
            }
            out = new QuietSpanExporter(
                    OtlpHttpSpanExporter.builder()
                            .setEndpoint(url)
                            .setTimeout(Duration.ofSeconds(5))
                            .build(),
                    url);
        }
        Resource resource = Resource.getDefault()
                .merge(Resource.create(
                        Attributes.of(SERVICE_NAME, options.serviceName(), SERVICE_VERSION, options.serviceVersion())));
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource)
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(options.sampleRate())))
                .addSpanProcessor(BatchSpanProcessor.builder(out)
                        .setScheduleDelay(Duration.ofSeconds(1))
                        .build())
                .build();
        return OpenTelemetrySdk.builder()
                .setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    /** The Prometheus registry (with JVM binders), or null when metrics are off. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The SDK, or {@link OpenTelemetry#noop()} when tracing is off. */
    public OpenTelemetry openTelemetry() {
        return sdk == null ? OpenTelemetry.noop() : sdk;
    }

    /** The port metrics are served on, or -1 when metrics are off. */
    public int metricsPort() {
        return server == null ? -1 : server.port();
    }

    public MetricsServer metricsServer() {
        return server;
    }

    /** The flight recording file, or null when profiling is off. */
    public Path profileFile() {
        return profiler == null ? null : profiler.file();
    }

    /** Stops the flight recording now (writing its file); returns the file, or null if none. */
    public synchronized Path stopProfiling() {
        if (profiler == null) {
            return null;
        }
        Path file = profiler.file();
        profiler.close();
        profiler = null;
        return file;
    }

    /** Exports spans still buffered; waits at most {@code timeout}. */
    public void flushTraces(Duration timeout) {
        if (sdk != null) {
            sdk.getSdkTracerProvider().forceFlush().join(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the recording (writing its file), the SDK (flushing spans, a few seconds at most) and the server. */
    @Override
    public void close() {
        try {
            stopProfiling();
        } catch (RuntimeException e) {
            LOG.warn("could not write the flight recording: {}", e.toString());
        }
        if (sdk != null) {
            sdk.getSdkTracerProvider().shutdown().join(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        if (gc != null) {
            gc.close();
        }
        if (registry != null) {
            registry.close();
        }
    }
}
