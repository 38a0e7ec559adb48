package io.pub.jms;

import jakarta.jms.JMSException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.StreamMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A message whose body is a sequence of typed values, read in order with the conversions of
 * specification 3.11.3. Write-only until {@link #reset()}; a read that throws MessageFormatException,
 * NumberFormatException or NullPointerException leaves the position on the same value, so it can be
 * read again as another type.
 */
final class PubStreamMessage extends PubMessage implements StreamMessage {
    private List<Object> values = new ArrayList<>();
    private byte[] encoded;
    private boolean reading;
    private int index;
    /** Offset into the byte[] value being read in chunks by readBytes; -1 when none is. */
    private int bytesOffset = -1;

    PubStreamMessage() {}

    private interface Conversion<T> {
        T convert(Object value) throws JMSException;
    }

    private List<Object> values() throws JMSException {
        if (encoded != null) {
            values = BodyCodec.decodeList(encoded);
            encoded = null;
        }
        return values;
    }

    private Object current() throws JMSException {
        if (!reading) {
            throw new MessageNotReadableException("the StreamMessage is write-only; call reset() to read it");
        }
        if (bytesOffset >= 0) {
            throw new MessageFormatException("a byte[] value is partly read: call readBytes until it returns"
                    + " less than the buffer length or -1 before reading the next value");
        }
        if (index >= values().size()) {
            throw new MessageEOFException("end of the StreamMessage body reached");
        }
        return values.get(index);
    }

    private <T> T read(Conversion<T> conversion) throws JMSException {
        T result = conversion.convert(current());
        index++;
        return result;
    }

    @Override
    public boolean readBoolean() throws JMSException {
        return read(TypedValues::toBoolean);
    }

    @Override
    public byte readByte() throws JMSException {
        return read(TypedValues::toByte);
    }

    @Override
    public short readShort() throws JMSException {
        return read(TypedValues::toShort);
    }

    @Override
    public char readChar() throws JMSException {
        return read(TypedValues::toChar);
    }

    @Override
    public int readInt() throws JMSException {
        return read(TypedValues::toInt);
    }

    @Override
    public long readLong() throws JMSException {
        return read(TypedValues::toLong);
    }

    @Override
    public float readFloat() throws JMSException {
        return read(TypedValues::toFloat);
    }

    @Override
    public double readDouble() throws JMSException {
        return read(TypedValues::toDouble);
    }

    @Override
    public String readString() throws JMSException {
        return read(TypedValues::toText);
    }

    @Override
    public Object readObject() throws JMSException {
        return read(v -> v instanceof byte[] b ? b.clone() : v);
    }

    /**
     * Reads a byte[] value in chunks: returns how many bytes were copied; fewer than the buffer's
     * length ends the value, and a call after a full buffer with nothing left returns -1. A null
     * value reads as -1, an empty one as 0.
     */
    @Override
    public int readBytes(byte[] value) throws JMSException {
        if (bytesOffset < 0) {
            Object v = current();
            if (v == null) {
                index++;
                return -1;
            }
            if (!(v instanceof byte[] b)) {
                throw new MessageFormatException(
                        "the next value is a " + TypedValues.typeName(v) + ", not a byte[]; readBytes cannot read it");
            }
            if (b.length == 0) {
                index++;
                return 0;
            }
            bytesOffset = 0;
        }
        byte[] field = (byte[]) values.get(index);
        int remaining = field.length - bytesOffset;
        if (remaining == 0) {
            endBytes();
            return -1;
        }
        int n = Math.min(value.length, remaining);
        System.arraycopy(field, bytesOffset, value, 0, n);
        bytesOffset += n;
        if (n < value.length) {
            endBytes();
        }
        return n;
    }

    private void endBytes() {
        bytesOffset = -1;
        index++;
    }

    private void write(Object value) throws JMSException {
        checkBodyWritable();
        values().add(value);
    }

    @Override
    public void writeBoolean(boolean value) throws JMSException {
        write(value);
    }

    @Override
    public void writeByte(byte value) throws JMSException {
        write(value);
    }

    @Override
    public void writeShort(short value) throws JMSException {
        write(value);
    }

    @Override
    public void writeChar(char value) throws JMSException {
        write(value);
    }

    @Override
    public void writeInt(int value) throws JMSException {
        write(value);
    }

    @Override
    public void writeLong(long value) throws JMSException {
        write(value);
    }

    @Override
    public void writeFloat(float value) throws JMSException {
        write(value);
    }

    @Override
    public void writeDouble(double value) throws JMSException {
        write(value);
    }

    @Override
    public void writeString(String value) throws JMSException {
        write(value);
    }

    @Override
    public void writeBytes(byte[] value) throws JMSException {
        write(value == null ? null : value.clone());
    }

    @Override
    public void writeBytes(byte[] value, int offset, int length) throws JMSException {
        byte[] copy = new byte[length];
        System.arraycopy(value, offset, copy, 0, length);
        write(copy);
    }

    @Override
    public void writeObject(Object value) throws JMSException {
        if (value != null && !TypedValues.isBodyType(value)) {
            throw new MessageFormatException("StreamMessage.writeObject does not accept "
                    + value.getClass().getName() + "; expected a primitive wrapper, String or byte[]");
        }
        write(value instanceof byte[] b ? b.clone() : value);
    }

    /** Makes the body read-only and moves to its first value. */
    @Override
    public void reset() throws JMSException {
        setBodyReadOnly(true);
        reading = true;
        index = 0;
        bytesOffset = -1;
    }

    @Override
    String bodyKind() {
        return JmsHeaders.BODY_STREAM;
    }

    @Override
    byte[] encodeBody() {
        return encoded != null ? encoded : BodyCodec.encodeList(values);
    }

    @Override
    void decodeBody(byte[] body, boolean nullBody) {
        encoded = body;
    }

    @Override
    void bodyBecameReadOnly() {
        reading = true;
        index = 0;
        bytesOffset = -1;
    }

    /** getBody never returns a StreamMessage body (specification: MessageFormatException). */
    @Override
    boolean hasNoBody() {
        return false;
    }

    @Override
    Object bodyValue() throws JMSException {
        throw new MessageFormatException("the body of a StreamMessage cannot be returned by getBody");
    }

    @Override
    void clearBodyContent() {
        values = new ArrayList<>();
        encoded = null;
        reading = false;
        index = 0;
        bytesOffset = -1;
    }
}
