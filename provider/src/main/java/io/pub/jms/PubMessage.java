package io.pub.jms;

import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JMS message without a body, and the base of the five body types: headers, typed properties,
 * the read-only rules and the conversion to and from the stored {@link io.pub.Message} (delegated
 * to {@link MessageMapping}). Not thread-safe, as the specification allows.
 */
class PubMessage implements Message {
    private String messageId;
    private long timestamp;
    private String correlationId;
    private byte[] correlationIdBytes;
    private Destination replyTo;
    private Destination destination;
    private int deliveryMode = DeliveryMode.PERSISTENT;
    private boolean redelivered;
    private String type;
    private long expiration;
    private long deliveryTime;
    private int priority = Message.DEFAULT_PRIORITY;

    private final Map<String, Object> properties = new LinkedHashMap<>();
    /** JMSXDeliveryCount, set by the provider on receipt; 0 while the message was never delivered. */
    private int deliveryCount;

    private boolean propertiesReadOnly;
    private boolean bodyReadOnly;
    private Acknowledger acknowledger;

    PubMessage() {}

    // ---- conversion to and from the stored model (the contract the session code relies on)

    /** The stored form of this message; the message itself is not changed. */
    io.pub.Message toStored(long publishTime) {
        return MessageMapping.toStored(this, publishTime);
    }

    /** A received message: the right body class, read-only body and properties. */
    static PubMessage fromStored(io.pub.Message stored, Destination destination, int deliveryCount) {
        return MessageMapping.fromStored(stored, destination, deliveryCount);
    }

    /** A Pub copy of another provider's message, with its body, headers and properties. */
    static PubMessage copyOf(Message foreign) throws JMSException {
        return MessageMapping.copyOf(foreign);
    }

    void setAcknowledger(Acknowledger acknowledger) {
        this.acknowledger = acknowledger;
    }

    @Override
    public void acknowledge() throws JMSException {
        // A message the application created (or one whose session does not acknowledge per message)
        // has no acknowledger: acknowledging it does nothing.
        if (acknowledger != null) {
            acknowledger.acknowledge();
        }
    }

    // ---- body hooks, overridden by the body types

    String bodyKind() {
        return JmsHeaders.BODY_NONE;
    }

    /** The body as stored; null for a null text or object body. */
    byte[] encodeBody() {
        return new byte[0];
    }

    /** Restores the body written by {@link #encodeBody()}; a corrupt body fails when it is read. */
    void decodeBody(byte[] body, boolean nullBody) {}

    /** True when the message has no body, so getBody returns null for any type. */
    boolean hasNoBody() {
        return true;
    }

    /** The value getBody returns; MessageFormatException where the body cannot be returned. */
    Object bodyValue() throws JMSException {
        return null;
    }

    void clearBodyContent() {}

    /** Called when the body becomes read-only on receipt; streams switch to reading. */
    void bodyBecameReadOnly() {}

    /** Makes body and properties read-only, as for a received message. */
    final void makeReadOnly() {
        propertiesReadOnly = true;
        bodyReadOnly = true;
        bodyBecameReadOnly();
    }

    final boolean isBodyReadOnly() {
        return bodyReadOnly;
    }

    final void setBodyReadOnly(boolean readOnly) {
        bodyReadOnly = readOnly;
    }

    final void checkBodyWritable() throws MessageNotWriteableException {
        if (bodyReadOnly) {
            throw new MessageNotWriteableException(
                    "the message body is read-only (a received or reset message); call clearBody() first");
        }
    }

    @Override
    public void clearBody() throws JMSException {
        bodyReadOnly = false;
        clearBodyContent();
    }

    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        if (hasNoBody()) {
            return null;
        }
        Object body = bodyValue();
        if (c == null || !c.isInstance(body)) {
            throw new MessageFormatException("the body of this " + getClass().getSimpleName() + " is a "
                    + TypedValues.typeName(body) + " and cannot be assigned to " + c);
        }
        return c.cast(body);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean isBodyAssignableTo(Class c) throws JMSException {
        if (hasNoBody()) {
            return true;
        }
        try {
            return c != null && c.isInstance(bodyValue());
        } catch (MessageFormatException e) {
            return false;
        }
    }

    // ---- headers: settable on any message, received or not (the producer sets them on send)

    @Override
    public String getJMSMessageID() {
        return messageId;
    }

    @Override
    public void setJMSMessageID(String id) {
        this.messageId = id;
    }

    @Override
    public long getJMSTimestamp() {
        return timestamp;
    }

    @Override
    public void setJMSTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    @Override
    public byte[] getJMSCorrelationIDAsBytes() {
        if (correlationIdBytes != null) {
            return correlationIdBytes.clone();
        }
        return correlationId == null ? null : correlationId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void setJMSCorrelationIDAsBytes(byte[] correlationID) {
        this.correlationIdBytes = correlationID == null ? null : correlationID.clone();
        this.correlationId = null;
    }

    @Override
    public void setJMSCorrelationID(String correlationID) {
        this.correlationId = correlationID;
        this.correlationIdBytes = null;
    }

    @Override
    public String getJMSCorrelationID() {
        if (correlationIdBytes != null) {
            return new String(correlationIdBytes, StandardCharsets.UTF_8);
        }
        return correlationId;
    }

    /** True when the correlation id was set as bytes, which the stored form keeps byte for byte. */
    final boolean correlationIdIsBytes() {
        return correlationIdBytes != null;
    }

    @Override
    public Destination getJMSReplyTo() {
        return replyTo;
    }

    /** Foreign queues and topics are converted by name, so the reply-to can be stored. */
    @Override
    public void setJMSReplyTo(Destination replyTo) throws JMSException {
        this.replyTo = replyTo == null ? null : PubDestination.of(replyTo);
    }

    /** For headers read back from the store, already checked when the message was sent. */
    final void restoreReplyTo(Destination replyTo) {
        this.replyTo = replyTo;
    }

    final void restoreDeliveryMode(int deliveryMode) {
        this.deliveryMode = deliveryMode;
    }

    final void restorePriority(int priority) {
        this.priority = priority;
    }

    @Override
    public Destination getJMSDestination() {
        return destination;
    }

    @Override
    public void setJMSDestination(Destination destination) {
        this.destination = destination;
    }

    @Override
    public int getJMSDeliveryMode() {
        return deliveryMode;
    }

    @Override
    public void setJMSDeliveryMode(int deliveryMode) throws JMSException {
        if (deliveryMode != DeliveryMode.PERSISTENT && deliveryMode != DeliveryMode.NON_PERSISTENT) {
            throw new JMSException(
                    "JMSDeliveryMode must be DeliveryMode.PERSISTENT (2) or NON_PERSISTENT (1), was " + deliveryMode);
        }
        this.deliveryMode = deliveryMode;
    }

    @Override
    public boolean getJMSRedelivered() {
        return redelivered;
    }

    @Override
    public void setJMSRedelivered(boolean redelivered) {
        this.redelivered = redelivered;
    }

    @Override
    public String getJMSType() {
        return type;
    }

    @Override
    public void setJMSType(String type) {
        this.type = type;
    }

    @Override
    public long getJMSExpiration() {
        return expiration;
    }

    @Override
    public void setJMSExpiration(long expiration) {
        this.expiration = expiration;
    }

    @Override
    public long getJMSDeliveryTime() {
        return deliveryTime;
    }

    @Override
    public void setJMSDeliveryTime(long deliveryTime) {
        this.deliveryTime = deliveryTime;
    }

    @Override
    public int getJMSPriority() {
        return priority;
    }

    @Override
    public void setJMSPriority(int priority) throws JMSException {
        if (priority < 0 || priority > 9) {
            throw new JMSException("JMSPriority must be between 0 and 9, was " + priority);
        }
        this.priority = priority;
    }

    // ---- properties

    /** The stored properties: user, JMS_ and JMSX group properties, without JMSXDeliveryCount. */
    final Map<String, Object> storedProperties() {
        return properties;
    }

    final void setDeliveryCount(int deliveryCount) {
        this.deliveryCount = deliveryCount;
    }

    @Override
    public void clearProperties() {
        // JMSXDeliveryCount stays: the provider, not the application, owns it.
        properties.clear();
        propertiesReadOnly = false;
    }

    @Override
    public boolean propertyExists(String name) {
        return get(name) != null || properties.containsKey(name);
    }

    private Object get(String name) {
        if (deliveryCount > 0 && JmsHeaders.JMSX_DELIVERY_COUNT.equals(name)) {
            return deliveryCount;
        }
        return properties.get(name);
    }

    @Override
    public boolean getBooleanProperty(String name) throws JMSException {
        return TypedValues.toBoolean(get(name));
    }

    @Override
    public byte getByteProperty(String name) throws JMSException {
        return TypedValues.toByte(get(name));
    }

    @Override
    public short getShortProperty(String name) throws JMSException {
        return TypedValues.toShort(get(name));
    }

    @Override
    public int getIntProperty(String name) throws JMSException {
        return TypedValues.toInt(get(name));
    }

    @Override
    public long getLongProperty(String name) throws JMSException {
        return TypedValues.toLong(get(name));
    }

    @Override
    public float getFloatProperty(String name) throws JMSException {
        return TypedValues.toFloat(get(name));
    }

    @Override
    public double getDoubleProperty(String name) throws JMSException {
        return TypedValues.toDouble(get(name));
    }

    @Override
    public String getStringProperty(String name) throws JMSException {
        return TypedValues.toText(get(name));
    }

    @Override
    public Object getObjectProperty(String name) {
        return get(name);
    }

    @Override
    public Enumeration<String> getPropertyNames() {
        List<String> names = new ArrayList<>(properties.keySet());
        if (deliveryCount > 0) {
            names.add(JmsHeaders.JMSX_DELIVERY_COUNT);
        }
        return Collections.enumeration(names);
    }

    @Override
    public void setBooleanProperty(String name, boolean value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setByteProperty(String name, byte value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setShortProperty(String name, short value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setIntProperty(String name, int value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setLongProperty(String name, long value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setFloatProperty(String name, float value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setDoubleProperty(String name, double value) throws JMSException {
        put(name, value);
    }

    /** A null value is kept on this message but not stored: a stored message has no null properties. */
    @Override
    public void setStringProperty(String name, String value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setObjectProperty(String name, Object value) throws JMSException {
        if (value != null && !TypedValues.isPropertyType(value)) {
            throw new MessageFormatException(
                    "property '" + name + "' has type " + value.getClass().getName()
                            + "; expected Boolean, Byte, Short, Integer, Long, Float, Double or String");
        }
        put(name, value);
    }

    private void put(String name, Object value) throws JMSException {
        TypedValues.checkPropertyName(name);
        checkReservedPrefix(name, value);
        if (propertiesReadOnly) {
            throw new MessageNotWriteableException("the properties of a received message are read-only; "
                    + "call clearProperties() before setting '" + name + "'");
        }
        properties.put(name, value);
    }

    /**
     * The JMSX properties of specification table 3.3 an application may set, with their types.
     * JMSXGroupID and JMSXGroupSeq are the senders' own; the others are normally set by providers,
     * and are carried as they are so that applications moved from providers that let them set
     * these keep working. JMSXDeliveryCount is Pub's to set on receipt.
     */
    private static final Map<String, Class<?>> JMSX_TYPES = Map.of(
            JmsHeaders.JMSX_GROUP_ID,
            String.class,
            JmsHeaders.JMSX_GROUP_SEQ,
            Integer.class,
            "JMSXUserID",
            String.class,
            "JMSXAppID",
            String.class,
            "JMSXProducerTXID",
            String.class,
            "JMSXConsumerTXID",
            String.class,
            "JMSXRcvTimestamp",
            Long.class,
            "JMSXState",
            Integer.class);

    /**
     * Names starting with JMS belong to the specification: header fields, the JMSX properties of
     * table 3.3 (with fixed types), and JMS_vendor names, which are free.
     */
    private static void checkReservedPrefix(String name, Object value) throws MessageFormatException {
        if (!name.startsWith("JMS") || name.startsWith("JMS_")) {
            return;
        }
        Class<?> type = JMSX_TYPES.get(name);
        if (type != null) {
            if (value != null && !type.isInstance(value)) {
                throw new MessageFormatException(name + " must be a " + type.getSimpleName() + " (specification table"
                        + " 3.3), was " + TypedValues.typeName(value));
            }
        } else if (name.equals(JmsHeaders.JMSX_DELIVERY_COUNT)) {
            throw new IllegalArgumentException(
                    "JMSXDeliveryCount is set by the provider when it delivers a message; it cannot be set");
        } else if (name.startsWith("JMSX")) {
            throw new IllegalArgumentException("property name '" + name + "' is reserved: JMSX names are defined"
                    + " by the specification (JMSXGroupID, JMSXGroupSeq, JMSXUserID, JMSXAppID, ...)");
        } else {
            throw new IllegalArgumentException("property name '" + name + "' is reserved: names starting with JMS"
                    + " are header fields or specification-defined; provider-specific names start with JMS_");
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[id=" + messageId + ", destination=" + destination + ", type=" + type
                + ", redelivered=" + redelivered + ", properties=" + properties.keySet() + "]";
    }
}
