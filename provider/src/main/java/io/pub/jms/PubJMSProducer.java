package io.pub.jms;

import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageFormatRuntimeException;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A JMSProducer: send options, message properties and headers that apply to every send, over the
 * context's one anonymous MessageProducer. Lightweight, as the specification intends: it holds no
 * provider resources of its own.
 */
final class PubJMSProducer implements JMSProducer {
    private final PubJMSContext context;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private int deliveryMode = Message.DEFAULT_DELIVERY_MODE;
    private int priority = Message.DEFAULT_PRIORITY;
    private long timeToLive = Message.DEFAULT_TIME_TO_LIVE;
    private long deliveryDelay = Message.DEFAULT_DELIVERY_DELAY;
    private boolean disableMessageID;
    private boolean disableMessageTimestamp;
    private CompletionListener async;
    private String correlationID;
    private byte[] correlationIDBytes;
    private String type;
    private Destination replyTo;

    PubJMSProducer(PubJMSContext context) {
        this.context = context;
    }

    // ---- sends ----------------------------------------------------------------------------

    @Override
    public JMSProducer send(Destination destination, Message message) {
        if (message == null) {
            throw new MessageFormatRuntimeException("message must not be null");
        }
        checkDestination(destination);
        try {
            for (Map.Entry<String, Object> p : properties.entrySet()) {
                message.setObjectProperty(p.getKey(), p.getValue());
            }
            if (correlationID != null) {
                message.setJMSCorrelationID(correlationID);
            }
            if (correlationIDBytes != null) {
                message.setJMSCorrelationIDAsBytes(correlationIDBytes);
            }
            if (type != null) {
                message.setJMSType(type);
            }
            if (replyTo != null) {
                message.setJMSReplyTo(replyTo);
            }
            context.send(destination, message, this);
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
        return this;
    }

    @Override
    public JMSProducer send(Destination destination, String body) {
        checkDestination(destination);
        return send(destination, context.createTextMessage(body));
    }

    @Override
    public JMSProducer send(Destination destination, Map<String, Object> body) {
        checkDestination(destination);
        MapMessage message = context.createMapMessage();
        if (body != null) {
            try {
                for (Map.Entry<String, Object> e : body.entrySet()) {
                    message.setObject(e.getKey(), e.getValue());
                }
            } catch (JMSException e) {
                throw JmsExceptions.toRuntime(e);
            }
        }
        return send(destination, message);
    }

    @Override
    public JMSProducer send(Destination destination, byte[] body) {
        checkDestination(destination);
        BytesMessage message = context.createBytesMessage();
        if (body != null) {
            try {
                message.writeBytes(body);
            } catch (JMSException e) {
                throw JmsExceptions.toRuntime(e);
            }
        }
        return send(destination, message);
    }

    @Override
    public JMSProducer send(Destination destination, Serializable body) {
        checkDestination(destination);
        return send(destination, context.createObjectMessage(body));
    }

    private void checkDestination(Destination destination) {
        context.checkOpen();
        if (destination == null) {
            throw new InvalidDestinationRuntimeException("destination must not be null");
        }
    }

    // ---- send options ------------------------------------------------------------------------

    @Override
    public JMSProducer setDisableMessageID(boolean value) {
        disableMessageID = value;
        return this;
    }

    @Override
    public boolean getDisableMessageID() {
        return disableMessageID;
    }

    @Override
    public JMSProducer setDisableMessageTimestamp(boolean value) {
        disableMessageTimestamp = value;
        return this;
    }

    @Override
    public boolean getDisableMessageTimestamp() {
        return disableMessageTimestamp;
    }

    @Override
    public JMSProducer setDeliveryMode(int deliveryMode) {
        if (deliveryMode != DeliveryMode.PERSISTENT && deliveryMode != DeliveryMode.NON_PERSISTENT) {
            throw new JMSRuntimeException("deliveryMode must be DeliveryMode.PERSISTENT (" + DeliveryMode.PERSISTENT
                    + ") or NON_PERSISTENT (" + DeliveryMode.NON_PERSISTENT + "), was " + deliveryMode);
        }
        this.deliveryMode = deliveryMode;
        return this;
    }

    @Override
    public int getDeliveryMode() {
        return deliveryMode;
    }

    @Override
    public JMSProducer setPriority(int priority) {
        if (priority < 0 || priority > 9) {
            throw new JMSRuntimeException("priority must be between 0 and 9, was " + priority);
        }
        this.priority = priority;
        return this;
    }

    @Override
    public int getPriority() {
        return priority;
    }

    @Override
    public JMSProducer setTimeToLive(long timeToLive) {
        if (timeToLive < 0) {
            throw new JMSRuntimeException("timeToLive must be >= 0 ms (0 = unlimited), was " + timeToLive);
        }
        this.timeToLive = timeToLive;
        return this;
    }

    @Override
    public long getTimeToLive() {
        return timeToLive;
    }

    @Override
    public JMSProducer setDeliveryDelay(long deliveryDelay) {
        if (deliveryDelay < 0) {
            throw new JMSRuntimeException("deliveryDelay must be >= 0 ms, was " + deliveryDelay);
        }
        this.deliveryDelay = deliveryDelay;
        return this;
    }

    @Override
    public long getDeliveryDelay() {
        return deliveryDelay;
    }

    long deliveryDelay() {
        return deliveryDelay;
    }

    @Override
    public JMSProducer setAsync(CompletionListener completionListener) {
        this.async = completionListener;
        return this;
    }

    @Override
    public CompletionListener getAsync() {
        return async;
    }

    // ---- properties ---------------------------------------------------------------------------

    @Override
    public JMSProducer setProperty(String name, boolean value) {
        return put(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, byte value) {
        return put(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, short value) {
        return put(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, int value) {
        return put(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, long value) {
        return put(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, float value) {
        return put(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, double value) {
        return put(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, String value) {
        return put(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, Object value) {
        if (value != null && !TypedValues.isPropertyType(value)) {
            throw new MessageFormatRuntimeException("property '" + name + "' has a value of type "
                    + TypedValues.typeName(value)
                    + "; expected Boolean, Byte, Short, Integer, Long, Float, Double or String");
        }
        return put(name, value);
    }

    private JMSProducer put(String name, Object value) {
        TypedValues.checkPropertyName(name);
        properties.put(name, value);
        return this;
    }

    @Override
    public JMSProducer clearProperties() {
        properties.clear();
        return this;
    }

    @Override
    public boolean propertyExists(String name) {
        return properties.containsKey(name);
    }

    @Override
    public boolean getBooleanProperty(String name) {
        try {
            return TypedValues.toBoolean(properties.get(name));
        } catch (MessageFormatException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public byte getByteProperty(String name) {
        try {
            return TypedValues.toByte(properties.get(name));
        } catch (MessageFormatException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public short getShortProperty(String name) {
        try {
            return TypedValues.toShort(properties.get(name));
        } catch (MessageFormatException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public int getIntProperty(String name) {
        try {
            return TypedValues.toInt(properties.get(name));
        } catch (MessageFormatException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public long getLongProperty(String name) {
        try {
            return TypedValues.toLong(properties.get(name));
        } catch (MessageFormatException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public float getFloatProperty(String name) {
        try {
            return TypedValues.toFloat(properties.get(name));
        } catch (MessageFormatException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public double getDoubleProperty(String name) {
        try {
            return TypedValues.toDouble(properties.get(name));
        } catch (MessageFormatException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public String getStringProperty(String name) {
        try {
            return TypedValues.toText(properties.get(name));
        } catch (MessageFormatException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public Object getObjectProperty(String name) {
        return properties.get(name);
    }

    @Override
    public Set<String> getPropertyNames() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(properties.keySet()));
    }

    // ---- headers ----------------------------------------------------------------------------

    @Override
    public JMSProducer setJMSCorrelationIDAsBytes(byte[] correlationID) {
        this.correlationIDBytes = correlationID == null ? null : correlationID.clone();
        this.correlationID = null;
        return this;
    }

    @Override
    public byte[] getJMSCorrelationIDAsBytes() {
        return correlationIDBytes == null ? null : correlationIDBytes.clone();
    }

    @Override
    public JMSProducer setJMSCorrelationID(String correlationID) {
        this.correlationID = correlationID;
        this.correlationIDBytes = null;
        return this;
    }

    @Override
    public String getJMSCorrelationID() {
        return correlationID;
    }

    @Override
    public JMSProducer setJMSType(String type) {
        this.type = type;
        return this;
    }

    @Override
    public String getJMSType() {
        return type;
    }

    @Override
    public JMSProducer setJMSReplyTo(Destination replyTo) {
        this.replyTo = replyTo;
        return this;
    }

    @Override
    public Destination getJMSReplyTo() {
        return replyTo;
    }
}
