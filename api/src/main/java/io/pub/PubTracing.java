package io.pub;

import io.opentelemetry.api.OpenTelemetry;
import io.pub.internal.OptionalLibraries;
import io.pub.spi.Subscription;
import java.util.List;

/**
 * The engine's traces (OpenTelemetry API only; the application brings the SDK and passes it to
 * {@link Pub.Builder#openTelemetry}). A PRODUCER span per published batch, a CONSUMER "receive" span
 * per poll and a CONSUMER "process" span per delivery; the producer's context travels in the message
 * headers ({@code traceparent}, {@code tracestate}: W3C trace context) so a delivery's process span is
 * a child of its publish span, in whichever JVM it runs. Attributes follow the messaging semantic
 * conventions with {@code messaging.system=pub}.
 *
 * <p>OpenTelemetry is optional: this class names its types only in the constructor, and every call
 * into it is made by a class loaded only when tracing is on. Untraced, nothing is created or
 * injected and the spans handed out are one shared no-op.
 */
public final class PubTracing {
    /** The span of untraced work: does nothing. */
    static final TraceSpan NO_SPAN = new TraceSpan() {
        @Override
        public TraceScope makeCurrent() {
            return NO_SCOPE;
        }

        @Override
        public void failed(Throwable e) {}

        @Override
        public void end() {}
    };

    private static final TraceScope NO_SCOPE = () -> {};
    private static final PubTracing NOOP = new PubTracing((OtelTracing) null);

    private final OtelTracing otel;

    /** Traces through {@code openTelemetry} (null or the no-op instance: no tracing). */
    public PubTracing(OpenTelemetry openTelemetry) {
        this(openTelemetry == null ? null : OtelTracing.of(openTelemetry));
    }

    private PubTracing(OtelTracing otel) {
        this.otel = otel;
    }

    public static PubTracing noop() {
        return NOOP;
    }

    /**
     * Traces through the OpenTelemetry instance the application registered globally (or the Java
     * agent did), read without registering anything; no tracing when OpenTelemetry's API is not on
     * the class path or nothing is registered.
     */
    public static PubTracing global() {
        if (!OptionalLibraries.OPENTELEMETRY) {
            return NOOP;
        }
        OtelTracing otel = OtelTracing.global();
        return otel == null ? NOOP : new PubTracing(otel);
    }

    public boolean enabled() {
        return otel != null;
    }

    /** A PRODUCER span for publishing a batch to one shard; the caller makes it current and ends it. */
    public TraceSpan startPublish(String topic, int shard, List<Message> batch) {
        return otel == null ? NO_SPAN : otel.startPublish(topic, shard, batch);
    }

    /** The message with the current context written into its headers ({@code m} when not tracing). */
    public Message inject(Message m, Message.Builder builder) {
        return otel == null ? m : otel.inject(builder);
    }

    /** A CONSUMER "receive" span around a poll; its store calls become its children. */
    public TraceSpan startReceive(Subscription s) {
        return otel == null ? NO_SPAN : otel.startReceive(s);
    }

    /** Links a receive span to the publish spans of what it received. */
    public void received(TraceSpan receive, List<Delivery> deliveries) {
        if (otel != null) {
            otel.received(receive, deliveries);
        }
    }

    /**
     * A CONSUMER "process" span for one delivery, a child of the span that published it (from the
     * message headers), linked to the span current at the call (the receive, when there is one).
     */
    public TraceSpan startProcess(Subscription s, Delivery d) {
        return otel == null ? NO_SPAN : otel.startProcess(s, d);
    }

    /** A CLIENT span for a call to the store, when an engine span is current and recording. */
    public TraceSpan startStoreCall(String store, String op) {
        return otel == null ? NO_SPAN : otel.startStoreCall(store, op);
    }

    /** One of the engine's spans, or nothing when not tracing. */
    public interface TraceSpan {
        /** Makes the span current on this thread until the returned scope is closed. */
        TraceScope makeCurrent();

        /** Records {@code e} on the span and marks it failed. */
        void failed(Throwable e);

        void end();
    }

    /** The span made current; closing it restores the previous one. */
    public interface TraceScope extends AutoCloseable {
        @Override
        void close();
    }
}
