package io.pub.tck;

import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageEOFException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Message implementations that belong to no provider, to check that a provider sends "foreign" messages
 * (section 3.13 / MessageProducer javadoc). Only what a provider needs to copy a message is implemented
 * with care; typed getters convert as the property conversion table says for the types the tests use.
 */
final class ForeignMessages {
    private ForeignMessages() {}

    static class Plain implements Message {
        private String messageId;
        private long timestamp;
        private byte[] correlationIdBytes;
        private String correlationId;
        private Destination replyTo;
        private Destination destination;
        private int deliveryMode = jakarta.jms.DeliveryMode.PERSISTENT;
        private boolean redelivered;
        private String type;
        private long expiration;
        private long deliveryTime;
        private int priority = 4;
        private final Map<String, Object> properties = new LinkedHashMap<>();

        @Override
        public String getJMSMessageID() {
            return messageId;
        }

        @Override
        public void setJMSMessageID(String id) {
            messageId = id;
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
            return correlationIdBytes;
        }

        @Override
        public void setJMSCorrelationIDAsBytes(byte[] correlationID) {
            correlationIdBytes = correlationID;
        }

        @Override
        public void setJMSCorrelationID(String correlationID) {
            correlationId = correlationID;
        }

        @Override
        public String getJMSCorrelationID() {
            return correlationId;
        }

        @Override
        public Destination getJMSReplyTo() {
            return replyTo;
        }

        @Override
        public void setJMSReplyTo(Destination replyTo) {
            this.replyTo = replyTo;
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
        public void setJMSDeliveryMode(int deliveryMode) {
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
        public void setJMSPriority(int priority) {
            this.priority = priority;
        }

        @Override
        public void clearProperties() {
            properties.clear();
        }

        @Override
        public boolean propertyExists(String name) {
            return properties.containsKey(name);
        }

        @Override
        public boolean getBooleanProperty(String name) {
            Object v = properties.get(name);
            return v instanceof Boolean b ? b : Boolean.parseBoolean((String) v);
        }

        @Override
        public byte getByteProperty(String name) {
            Object v = properties.get(name);
            return v instanceof Byte b ? b : Byte.parseByte(String.valueOf(v));
        }

        @Override
        public short getShortProperty(String name) {
            return ((Number) properties.get(name)).shortValue();
        }

        @Override
        public int getIntProperty(String name) {
            return ((Number) properties.get(name)).intValue();
        }

        @Override
        public long getLongProperty(String name) {
            return ((Number) properties.get(name)).longValue();
        }

        @Override
        public float getFloatProperty(String name) {
            return ((Number) properties.get(name)).floatValue();
        }

        @Override
        public double getDoubleProperty(String name) {
            return ((Number) properties.get(name)).doubleValue();
        }

        @Override
        public String getStringProperty(String name) {
            Object v = properties.get(name);
            return v == null ? null : String.valueOf(v);
        }

        @Override
        public Object getObjectProperty(String name) {
            return properties.get(name);
        }

        @Override
        public Enumeration<?> getPropertyNames() {
            return Collections.enumeration(new ArrayList<>(properties.keySet()));
        }

        @Override
        public void setBooleanProperty(String name, boolean value) {
            properties.put(name, value);
        }

        @Override
        public void setByteProperty(String name, byte value) {
            properties.put(name, value);
        }

        @Override
        public void setShortProperty(String name, short value) {
            properties.put(name, value);
        }

        @Override
        public void setIntProperty(String name, int value) {
            properties.put(name, value);
        }

        @Override
        public void setLongProperty(String name, long value) {
            properties.put(name, value);
        }

        @Override
        public void setFloatProperty(String name, float value) {
            properties.put(name, value);
        }

        @Override
        public void setDoubleProperty(String name, double value) {
            properties.put(name, value);
        }

        @Override
        public void setStringProperty(String name, String value) {
            properties.put(name, value);
        }

        @Override
        public void setObjectProperty(String name, Object value) {
            properties.put(name, value);
        }

        @Override
        public void acknowledge() {}

        @Override
        public void clearBody() {}

        @Override
        public <T> T getBody(Class<T> c) throws JMSException {
            return null;
        }

        @Override
        @SuppressWarnings("rawtypes")
        public boolean isBodyAssignableTo(Class c) {
            return true;
        }
    }

    static final class Text extends Plain implements TextMessage {
        private String text;

        Text(String text) {
            this.text = text;
        }

        @Override
        public void setText(String text) {
            this.text = text;
        }

        @Override
        public String getText() {
            return text;
        }

        @Override
        public <T> T getBody(Class<T> c) {
            return c.cast(text);
        }
    }

    static final class Obj extends Plain implements ObjectMessage {
        private Serializable object;

        Obj(Serializable object) {
            this.object = object;
        }

        @Override
        public void setObject(Serializable object) {
            this.object = object;
        }

        @Override
        public Serializable getObject() {
            return object;
        }
    }

    static final class MapMsg extends Plain implements MapMessage {
        private final Map<String, Object> map = new LinkedHashMap<>();

        @Override
        public boolean getBoolean(String name) {
            return (Boolean) map.get(name);
        }

        @Override
        public byte getByte(String name) {
            return (Byte) map.get(name);
        }

        @Override
        public short getShort(String name) {
            return ((Number) map.get(name)).shortValue();
        }

        @Override
        public char getChar(String name) {
            return (Character) map.get(name);
        }

        @Override
        public int getInt(String name) {
            return ((Number) map.get(name)).intValue();
        }

        @Override
        public long getLong(String name) {
            return ((Number) map.get(name)).longValue();
        }

        @Override
        public float getFloat(String name) {
            return ((Number) map.get(name)).floatValue();
        }

        @Override
        public double getDouble(String name) {
            return ((Number) map.get(name)).doubleValue();
        }

        @Override
        public String getString(String name) {
            Object v = map.get(name);
            return v == null ? null : String.valueOf(v);
        }

        @Override
        public byte[] getBytes(String name) {
            return (byte[]) map.get(name);
        }

        @Override
        public Object getObject(String name) {
            return map.get(name);
        }

        @Override
        public Enumeration<?> getMapNames() {
            return Collections.enumeration(new ArrayList<>(map.keySet()));
        }

        @Override
        public void setBoolean(String name, boolean value) {
            map.put(name, value);
        }

        @Override
        public void setByte(String name, byte value) {
            map.put(name, value);
        }

        @Override
        public void setShort(String name, short value) {
            map.put(name, value);
        }

        @Override
        public void setChar(String name, char value) {
            map.put(name, value);
        }

        @Override
        public void setInt(String name, int value) {
            map.put(name, value);
        }

        @Override
        public void setLong(String name, long value) {
            map.put(name, value);
        }

        @Override
        public void setFloat(String name, float value) {
            map.put(name, value);
        }

        @Override
        public void setDouble(String name, double value) {
            map.put(name, value);
        }

        @Override
        public void setString(String name, String value) {
            map.put(name, value);
        }

        @Override
        public void setBytes(String name, byte[] value) {
            map.put(name, value.clone());
        }

        @Override
        public void setBytes(String name, byte[] value, int offset, int length) {
            map.put(name, java.util.Arrays.copyOfRange(value, offset, offset + length));
        }

        @Override
        public void setObject(String name, Object value) {
            map.put(name, value);
        }

        @Override
        public boolean itemExists(String name) {
            return map.containsKey(name);
        }
    }

    /** Written with DataOutputStream, read back with DataInputStream after reset(). */
    static final class Bytes extends Plain implements BytesMessage {
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(written);
        private DataInputStream in;
        private byte[] body = new byte[0];

        private DataInputStream in() {
            if (in == null) {
                reset();
            }
            return in;
        }

        private static JMSException eof(IOException e) {
            JMSException j =
                    e instanceof EOFException ? new MessageEOFException("end of body") : new JMSException("io");
            j.setLinkedException(e);
            return j;
        }

        @Override
        public long getBodyLength() {
            return body.length;
        }

        @Override
        public boolean readBoolean() throws JMSException {
            try {
                return in().readBoolean();
            } catch (IOException e) {
                throw eof(e);
            }
        }

        @Override
        public byte readByte() throws JMSException {
            try {
                return in().readByte();
            } catch (IOException e) {
                throw eof(e);
            }
        }

        @Override
        public int readUnsignedByte() throws JMSException {
            try {
                return in().readUnsignedByte();
            } catch (IOException e) {
                throw eof(e);
            }
        }

        @Override
        public short readShort() throws JMSException {
            try {
                return in().readShort();
            } catch (IOException e) {
                throw eof(e);
            }
        }

        @Override
        public int readUnsignedShort() throws JMSException {
            try {
                return in().readUnsignedShort();
            } catch (IOException e) {
                throw eof(e);
            }
        }

        @Override
        public char readChar() throws JMSException {
            try {
                return in().readChar();
            } catch (IOException e) {
                throw eof(e);
            }
        }

        @Override
        public int readInt() throws JMSException {
            try {
                return in().readInt();
            } catch (IOException e) {
                throw eof(e);
            }
        }

        @Override
        public long readLong() throws JMSException {
            try {
                return in().readLong();
            } catch (IOException e) {
                throw eof(e);
            }
        }

        @Override
        public float readFloat() throws JMSException {
            try {
                return in().readFloat();
            } catch (IOException e) {
                throw eof(e);
            }
        }

        @Override
        public double readDouble() throws JMSException {
            try {
                return in().readDouble();
            } catch (IOException e) {
                throw eof(e);
            }
        }

        @Override
        public String readUTF() throws JMSException {
            try {
                return in().readUTF();
            } catch (IOException e) {
                throw eof(e);
            }
        }

        @Override
        public int readBytes(byte[] value) throws JMSException {
            return readBytes(value, value.length);
        }

        @Override
        public int readBytes(byte[] value, int length) throws JMSException {
            try {
                return in().read(value, 0, length);
            } catch (IOException e) {
                throw eof(e);
            }
        }

        private void write(IoAction a) throws JMSException {
            try {
                a.run();
                out.flush();
                body = written.toByteArray();
            } catch (IOException e) {
                throw eof(e);
            }
        }

        private interface IoAction {
            void run() throws IOException;
        }

        @Override
        public void writeBoolean(boolean value) throws JMSException {
            write(() -> out.writeBoolean(value));
        }

        @Override
        public void writeByte(byte value) throws JMSException {
            write(() -> out.writeByte(value));
        }

        @Override
        public void writeShort(short value) throws JMSException {
            write(() -> out.writeShort(value));
        }

        @Override
        public void writeChar(char value) throws JMSException {
            write(() -> out.writeChar(value));
        }

        @Override
        public void writeInt(int value) throws JMSException {
            write(() -> out.writeInt(value));
        }

        @Override
        public void writeLong(long value) throws JMSException {
            write(() -> out.writeLong(value));
        }

        @Override
        public void writeFloat(float value) throws JMSException {
            write(() -> out.writeFloat(value));
        }

        @Override
        public void writeDouble(double value) throws JMSException {
            write(() -> out.writeDouble(value));
        }

        @Override
        public void writeUTF(String value) throws JMSException {
            write(() -> out.writeUTF(value));
        }

        @Override
        public void writeBytes(byte[] value) throws JMSException {
            write(() -> out.write(value));
        }

        @Override
        public void writeBytes(byte[] value, int offset, int length) throws JMSException {
            write(() -> out.write(value, offset, length));
        }

        @Override
        public void writeObject(Object value) throws JMSException {
            throw new JMSException("not used by the tests");
        }

        @Override
        public void reset() {
            in = new DataInputStream(new ByteArrayInputStream(body));
        }
    }

    /** A list of values; readObject hands them out in order and throws MessageEOFException at the end. */
    static final class Stream extends Plain implements StreamMessage {
        private final List<Object> values = new ArrayList<>();
        private int position;

        private Object next() throws JMSException {
            if (position >= values.size()) {
                throw new MessageEOFException("end of stream");
            }
            return values.get(position++);
        }

        @Override
        public boolean readBoolean() throws JMSException {
            return (Boolean) next();
        }

        @Override
        public byte readByte() throws JMSException {
            return (Byte) next();
        }

        @Override
        public short readShort() throws JMSException {
            return ((Number) next()).shortValue();
        }

        @Override
        public char readChar() throws JMSException {
            return (Character) next();
        }

        @Override
        public int readInt() throws JMSException {
            return ((Number) next()).intValue();
        }

        @Override
        public long readLong() throws JMSException {
            return ((Number) next()).longValue();
        }

        @Override
        public float readFloat() throws JMSException {
            return ((Number) next()).floatValue();
        }

        @Override
        public double readDouble() throws JMSException {
            return ((Number) next()).doubleValue();
        }

        @Override
        public String readString() throws JMSException {
            Object v = next();
            return v == null ? null : String.valueOf(v);
        }

        @Override
        public int readBytes(byte[] value) throws JMSException {
            byte[] b = (byte[]) next();
            System.arraycopy(b, 0, value, 0, b.length);
            return b.length;
        }

        @Override
        public Object readObject() throws JMSException {
            return next();
        }

        @Override
        public void writeBoolean(boolean value) {
            values.add(value);
        }

        @Override
        public void writeByte(byte value) {
            values.add(value);
        }

        @Override
        public void writeShort(short value) {
            values.add(value);
        }

        @Override
        public void writeChar(char value) {
            values.add(value);
        }

        @Override
        public void writeInt(int value) {
            values.add(value);
        }

        @Override
        public void writeLong(long value) {
            values.add(value);
        }

        @Override
        public void writeFloat(float value) {
            values.add(value);
        }

        @Override
        public void writeDouble(double value) {
            values.add(value);
        }

        @Override
        public void writeString(String value) {
            values.add(value);
        }

        @Override
        public void writeBytes(byte[] value) {
            values.add(value.clone());
        }

        @Override
        public void writeBytes(byte[] value, int offset, int length) {
            values.add(java.util.Arrays.copyOfRange(value, offset, offset + length));
        }

        @Override
        public void writeObject(Object value) {
            values.add(value);
        }

        @Override
        public void reset() {
            position = 0;
        }
    }
}
