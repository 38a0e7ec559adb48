package io.pub;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.pub.PubTracing.TraceScope;
import io.pub.PubTracing.TraceSpan;
import io.pub.spi.Subscription;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every use of the OpenTelemetry API, in one class that is loaded only when an application hands
 * the engine an OpenTelemetry instance (or asks for the global one and the API is on the class
 * path), so the engine runs without OpenTelemetry's jars. Only API present in opentelemetry-api
 * 1.49 (the supported floor) is called.
 */
final class OtelTracing {
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");
    static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
    static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.pub.offset");
    static final AttributeKey<Long> DELIVERY_COUNT = AttributeKey.longKey("messaging.pub.delivery_count");

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

    private final Tracer tracer;
    // the headers' format is part of Pub's message format, read by other JVMs whatever their SDK is
    // configured with, so it is always W3C trace context
    private final TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();

    private OtelTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("io.pub");
    }

    /** Tracing through {@code openTelemetry}, or null for the no-op instance (nothing to record). */
    static OtelTracing of(OpenTelemetry openTelemetry) {
        return openTelemetry == null || openTelemetry == OpenTelemetry.noop() ? null : new OtelTracing(openTelemetry);
    }

    /** Tracing through the application's registered global instance, or null when none is registered. */
    static OtelTracing global() {
        return of(registeredGlobal());
    }

    /**
     * The registered global OpenTelemetry, or null. {@code GlobalOpenTelemetry.get()} is not used: when
     * nothing is registered yet it registers a no-op instance, after which the application's own
     * registration fails. {@code getOrNoop()} reads without that side effect but exists only from
     * 1.57; on older versions the registered instance is read from the field that holds it (its name
     * is fixed in those released versions), and if even that fails the provider does not trace.
     */
    static OpenTelemetry registeredGlobal() {
        try {
            Method getOrNoop = GlobalOpenTelemetry.class.getMethod("getOrNoop");
            return (OpenTelemetry) getOrNoop.invoke(null);
        } catch (NoSuchMethodException e) {
            return registeredBefore157();
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(PubTracing.class)
                    .info("not tracing: cannot read the global OpenTelemetry ({})", e.toString());
            return null;
        }
    }

    private static OpenTelemetry registeredBefore157() {
        try {
            Field field = GlobalOpenTelemetry.class.getDeclaredField("globalOpenTelemetry");
            field.setAccessible(true);
            return (OpenTelemetry) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(PubTracing.class)
                    .info(
                            "not tracing through GlobalOpenTelemetry: opentelemetry-api before 1.57 offers no way to"
                                    + " read it without registering a no-op instance ({}); pass an OpenTelemetry"
                                    + " to Pub.builder().openTelemetry(...) or use opentelemetry-api 1.57+",
                            e.toString());
            return null;
        }
    }

    TraceSpan startPublish(String topic, int shard, List<Message> batch) {
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
        return new Live(b.startSpan());
    }

    Message inject(Message.Builder builder) {
        propagator.inject(Context.current(), builder, SETTER);
        return builder.build();
    }

    TraceSpan startReceive(Subscription s) {
        return new Live(tracer.spanBuilder("receive " + s.topic())
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(SYSTEM, "pub")
                .setAttribute(DESTINATION, s.topic())
                .setAttribute(OPERATION, "receive")
                .setAttribute(CONSUMER_GROUP, s.id())
                .startSpan());
    }

    void received(TraceSpan receive, List<Delivery> deliveries) {
        if (!(receive instanceof Live live) || !live.span.isRecording()) {
            return;
        }
        live.span.setAttribute(BATCH_COUNT, (long) deliveries.size());
        for (Delivery d : deliveries) {
            var producer = Span.fromContext(extract(d.message())).getSpanContext();
            if (producer.isValid()) {
                live.span.addLink(producer);
            }
        }
    }

    TraceSpan startProcess(Subscription s, Delivery d) {
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
        return new Live(span);
    }

    /** A CLIENT span for a store call, only under a recording engine span (unsampled parents get no children). */
    TraceSpan startStoreCall(String store, String op) {
        if (!Span.current().isRecording()) {
            return PubTracing.NO_SPAN;
        }
        return new Live(tracer.spanBuilder("pub.store " + op)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("db.system", "pub-" + store)
                .setAttribute("db.operation.name", op)
                .startSpan());
    }

    private Context extract(Message m) {
        return propagator.extract(Context.root(), m, GETTER);
    }

    /** An OpenTelemetry span behind Pub's handle. */
    private record Live(Span span) implements TraceSpan {
        @Override
        public TraceScope makeCurrent() {
            Scope scope = span.makeCurrent();
            return scope::close;
        }

        @Override
        public void failed(Throwable e) {
            if (span.isRecording()) {
                span.recordException(e);
                span.setStatus(StatusCode.ERROR, e.toString());
            }
        }

        @Override
        public void end() {
            span.end();
        }
    }
}
