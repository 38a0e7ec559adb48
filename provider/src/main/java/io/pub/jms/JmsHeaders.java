package io.pub.jms;

/**
 * Names of the string headers a JMS message keeps in {@link io.pub.Message#headers()}. They live in
 * one place because the producer, the consumer and the message mapping must agree on them, and a
 * stored message outlives the code that wrote it: never rename a value, only add new ones.
 */
final class JmsHeaders {
    static final String CORRELATION_ID = "JMSCorrelationID";
    /** A correlation id set as bytes, Base64-encoded so any byte sequence survives. */
    static final String CORRELATION_ID_BYTES = "JMSCorrelationIDBytes";
    /** {@code queue:name}, {@code topic:name}, {@code temp-queue:name} or {@code temp-topic:name}. */
    static final String REPLY_TO = "JMSReplyTo";
    /** {@link jakarta.jms.DeliveryMode} as a decimal number; absent means persistent. */
    static final String DELIVERY_MODE = "JMSDeliveryMode";
    /** Epoch milliseconds; absent when the producer disabled timestamps. */
    static final String TIMESTAMP = "JMSTimestamp";

    /** The body kind, one of the BODY_* values; absent for messages published by the native API. */
    static final String BODY = "pub.body";
    /** Present ("true") when a text or object body was null, which an empty byte array cannot say. */
    static final String NULL_BODY = "pub.nullBody";

    static final String BODY_NONE = "none";
    static final String BODY_TEXT = "text";
    static final String BODY_BYTES = "bytes";
    static final String BODY_MAP = "map";
    static final String BODY_OBJECT = "object";
    static final String BODY_STREAM = "stream";

    /** Id of the connection that published the message, for consumers created with noLocal. */
    static final String ORIGIN = "pub.origin";
    /** W3C trace context, carried so one trace runs from producer to consumer across JVMs. */
    static final String TRACEPARENT = "traceparent";

    static final String TRACESTATE = "tracestate";

    /** Destination kinds used in {@link #REPLY_TO}. */
    static final String KIND_QUEUE = "queue";

    static final String KIND_TOPIC = "topic";
    static final String KIND_TEMP_QUEUE = "temp-queue";
    static final String KIND_TEMP_TOPIC = "temp-topic";

    /** The JMSX properties Pub supports, as ConnectionMetaData.getJMSXPropertyNames should list them. */
    static final String JMSX_GROUP_ID = "JMSXGroupID";

    static final String JMSX_GROUP_SEQ = "JMSXGroupSeq";
    static final String JMSX_DELIVERY_COUNT = "JMSXDeliveryCount";

    private JmsHeaders() {}
}
