package io.pub;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.pub.spi.Subscription;
import java.util.List;

/**
 * The engine's traces (OpenTelemetry API only; the application brings the SDK and passes it to
 * {@link Pub.Builder#openTelemetry}). A PRODUCER span per published batch, a CONSUMER "receive" span
 * per poll and a CONSUMER "process" span per delivery; the producer's context travels in the message
 * headers ({@code traceparent}, {@code tracestate}: W3C trace context, or whatever the application's
 * propagators write) so a delivery's process span is a child of its publish span, in whichever JVM
 * it runs. Attributes follow the messaging semantic conventions with {@code messaging.system=pub}.
 *
 * <p>With the default no-op instance nothing is created or injected, so untraced use costs nothing.
 */
public final class PubTracing {
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");
    static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
    static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.pub.offset");
    static final AttributeKey<Long> DELIVERY_COUNT = AttributeKey.longKey("messaging.pub.delivery_count");

    private static final PubTracing NOOP = new PubTracing(OpenTelemetry.noop());

    private static final TextMapSetter<Message.Builder> SETTER = (builder, key, value) -> builder.header(key, value);
    private static final TextMapGetter<Message> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Message m) {
            return m.headers().keySet();
        }

        @Override
        public String get(Message m, String key) {
            return m == null ? null : m.headers().get(key);
        }
    };

    private final boolean enabled;
    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public PubTracing(OpenTelemetry openTelemetry) {
        OpenTelemetry otel = openTelemetry == null ? OpenTelemetry.noop() : openTelemetry;
        this.enabled = otel != OpenTelemetry.noop();
        this.tracer = otel.getTracer("io.pub");
        // the headers' format is part of Pub's message format, read by other JVMs whatever their
        // SDK is configured with, so it is always W3C trace context
        this.propagator = io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator.getInstance();
    }

    public static PubTracing noop() {
        return NOOP;
    }

    public boolean enabled() {
        return enabled;
    }

    /** The engine's tracer (for store-call spans). */
    public Tracer tracer() {
        return tracer;
    }

    /** A PRODUCER span for publishing {@code count} messages to one shard; the caller makes it current. */
    public Span startPublish(String topic, int shard, List<Message> batch) {
        if (!enabled) {
            return Span.getInvalid();
        }
        var b = tracer.spanBuilder("publish " + topic)
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute(SYSTEM, "pub")
                .setAttribute(DESTINATION, topic)
                .setAttribute(OPERATION, "publish")
                .setAttribute(PARTITION, Integer.toString(shard));
        if (batch.size() == 1) {
            if (batch.get(0).id() != null) {
                b.setAttribute(MESSAGE_ID, batch.get(0).id());
            }
        } else {
            b.setAttribute(BATCH_COUNT, (long) batch.size());
        }
        return b.startSpan();
    }

    /** The message with the current context written into its headers (unchanged when disabled). */
    public Message inject(Message m, Message.Builder builder) {
        if (!enabled) {
            return m;
        }
        propagator.inject(Context.current(), builder, SETTER);
        return builder.build();
    }

    /** A CONSUMER "receive" span around a poll; its store calls become its children. */
    public Span startReceive(Subscription s) {
        if (!enabled) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder("receive " + s.topic())
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(SYSTEM, "pub")
                .setAttribute(DESTINATION, s.topic())
                .setAttribute(OPERATION, "receive")
                .setAttribute(CONSUMER_GROUP, s.id())
                .startSpan();
    }

    /** Links a receive span to the publish spans of what it received. */
    public void received(Span receive, List<Delivery> deliveries) {
        if (!enabled || !receive.isRecording()) {
            return;
        }
        receive.setAttribute(BATCH_COUNT, (long) deliveries.size());
        for (Delivery d : deliveries) {
            var producer = Span.fromContext(extract(d.message())).getSpanContext();
            if (producer.isValid()) {
                receive.addLink(producer);
            }
        }
    }

    /**
     * A CONSUMER "process" span for one delivery, a child of the span that published it (from the
     * message headers), linked to the span current at the call (the receive, when there is one).
     */
    public Span startProcess(Subscription s, Delivery d) {
        if (!enabled) {
            return Span.getInvalid();
        }
        Message m = d.message();
        var b = tracer.spanBuilder("process " + s.topic())
                .setParent(extract(m))
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(SYSTEM, "pub")
                .setAttribute(DESTINATION, s.topic())
                .setAttribute(OPERATION, "process");
        var current = Span.current().getSpanContext();
        if (current.isValid()) {
            b.addLink(current);
        }
        Span span = b.startSpan();
        if (span.isRecording()) { // the rest only for spans kept: most are not at low sample rates
            span.setAttribute(CONSUMER_GROUP, s.id());
            span.setAttribute(PARTITION, Integer.toString(d.shard().shard()));
            span.setAttribute(OFFSET, d.offset());
            span.setAttribute(DELIVERY_COUNT, (long) d.deliveryCount());
            if (m.id() != null) {
                span.setAttribute(MESSAGE_ID, m.id());
            }
        }
        return span;
    }

    /** The context a message carries in its headers (root context if none). */
    public Context extract(Message m) {
        return propagator.extract(Context.root(), m, GETTER);
    }

    public static void failed(Span span, Throwable e) {
        if (span.isRecording()) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.toString());
        }
    }
}
