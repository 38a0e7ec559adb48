package io.pub.jms;

import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.MessageFormatException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message whose body is a set of named values of the primitive wrapper types, String and
 * byte[], read with the conversions of specification 3.11.3. A received body is decoded on first
 * access, so a corrupt stored body fails the read (MessageFormatException), not the delivery.
 */
final class PubMapMessage extends PubMessage implements MapMessage {
    private Map<String, Object> map = new LinkedHashMap<>();
    private byte[] encoded;

    PubMapMessage() {}

    private Map<String, Object> map() throws JMSException {
        if (encoded != null) {
            map = BodyCodec.decodeMap(encoded);
            encoded = null;
        }
        return map;
    }

    private Object get(String name) throws JMSException {
        return map().get(name);
    }

    private void set(String name, Object value) throws JMSException {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("MapMessage item name must not be null or empty");
        }
        checkBodyWritable();
        map().put(name, value);
    }

    @Override
    public boolean getBoolean(String name) throws JMSException {
        return TypedValues.toBoolean(get(name));
    }

    @Override
    public byte getByte(String name) throws JMSException {
        return TypedValues.toByte(get(name));
    }

    @Override
    public short getShort(String name) throws JMSException {
        return TypedValues.toShort(get(name));
    }

    @Override
    public char getChar(String name) throws JMSException {
        return TypedValues.toChar(get(name));
    }

    @Override
    public int getInt(String name) throws JMSException {
        return TypedValues.toInt(get(name));
    }

    @Override
    public long getLong(String name) throws JMSException {
        return TypedValues.toLong(get(name));
    }

    @Override
    public float getFloat(String name) throws JMSException {
        return TypedValues.toFloat(get(name));
    }

    @Override
    public double getDouble(String name) throws JMSException {
        return TypedValues.toDouble(get(name));
    }

    @Override
    public String getString(String name) throws JMSException {
        return TypedValues.toText(get(name));
    }

    @Override
    public byte[] getBytes(String name) throws JMSException {
        return TypedValues.toBytes(get(name));
    }

    /** A byte[] value is returned as a copy, so the caller cannot change the message. */
    @Override
    public Object getObject(String name) throws JMSException {
        Object v = get(name);
        return v instanceof byte[] b ? b.clone() : v;
    }

    @Override
    public Enumeration<String> getMapNames() throws JMSException {
        return Collections.enumeration(map().keySet());
    }

    @Override
    public boolean itemExists(String name) throws JMSException {
        return map().containsKey(name);
    }

    @Override
    public void setBoolean(String name, boolean value) throws JMSException {
        set(name, value);
    }

    @Override
    public void setByte(String name, byte value) throws JMSException {
        set(name, value);
    }

    @Override
    public void setShort(String name, short value) throws JMSException {
        set(name, value);
    }

    @Override
    public void setChar(String name, char value) throws JMSException {
        set(name, value);
    }

    @Override
    public void setInt(String name, int value) throws JMSException {
        set(name, value);
    }

    @Override
    public void setLong(String name, long value) throws JMSException {
        set(name, value);
    }

    @Override
    public void setFloat(String name, float value) throws JMSException {
        set(name, value);
    }

    @Override
    public void setDouble(String name, double value) throws JMSException {
        set(name, value);
    }

    @Override
    public void setString(String name, String value) throws JMSException {
        set(name, value);
    }

    @Override
    public void setBytes(String name, byte[] value) throws JMSException {
        set(name, value == null ? null : value.clone());
    }

    @Override
    public void setBytes(String name, byte[] value, int offset, int length) throws JMSException {
        byte[] copy = new byte[length];
        System.arraycopy(value, offset, copy, 0, length);
        set(name, copy);
    }

    @Override
    public void setObject(String name, Object value) throws JMSException {
        if (value != null && !TypedValues.isBodyType(value)) {
            throw new MessageFormatException("MapMessage item '" + name + "' has type "
                    + value.getClass().getName() + "; expected a primitive wrapper, String or byte[]");
        }
        set(name, value instanceof byte[] b ? b.clone() : value);
    }

    @Override
    String bodyKind() {
        return JmsHeaders.BODY_MAP;
    }

    @Override
    byte[] encodeBody() {
        return encoded != null ? encoded : BodyCodec.encodeMap(map);
    }

    @Override
    void decodeBody(byte[] body, boolean nullBody) {
        encoded = body;
    }

    @Override
    boolean hasNoBody() {
        return encoded != null ? encoded.length == 0 : map.isEmpty();
    }

    /** A copy, so changing the returned map does not change the message. */
    @Override
    Object bodyValue() throws JMSException {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : map().entrySet()) {
            copy.put(e.getKey(), e.getValue() instanceof byte[] b ? b.clone() : e.getValue());
        }
        return copy;
    }

    @Override
    void clearBodyContent() {
        map = new LinkedHashMap<>();
        encoded = null;
    }
}
