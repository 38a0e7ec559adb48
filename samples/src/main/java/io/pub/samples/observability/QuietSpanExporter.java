package io.pub.samples.observability;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a span exporter so that an unreachable collector costs one warning, not one per batch: the
 * OTLP exporter's own failure log is switched off and this logs when exporting starts failing (and
 * once more, at info, when it works again). Delivery never waits on it: the batch processor exports
 * on its own thread.
 */
final class QuietSpanExporter implements SpanExporter {
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(QuietSpanExporter.class);
    // java.util.logging forgets a level set on a logger nobody references: keep it
    private static final Logger EXPORTER_LOG = Logger.getLogger("io.opentelemetry.exporter");

    static {
        EXPORTER_LOG.setLevel(Level.OFF);
    }

    private final SpanExporter delegate;
    private final String endpoint;
    private final AtomicBoolean failing = new AtomicBoolean();

    QuietSpanExporter(SpanExporter delegate, String endpoint) {
        this.delegate = delegate;
        this.endpoint = endpoint;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        CompletableResultCode result = delegate.export(spans);
        result.whenComplete(() -> {
            if (result.isSuccess()) {
                if (failing.compareAndSet(true, false)) {
                    LOG.info("traces are exported to {} again", endpoint);
                }
            } else if (failing.compareAndSet(false, true)) {
                Throwable cause = result.getFailureThrowable();
                LOG.warn(
                        "cannot export traces to {} (JAEGER_ENDPOINT): {}; spans are dropped until it answers,"
                                + " and this is not logged again",
                        endpoint,
                        cause == null ? "export failed" : cause.toString());
            }
        });
        return result;
    }

    boolean failing() {
        return failing.get();
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }
}
