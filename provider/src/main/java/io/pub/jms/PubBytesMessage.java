package io.pub.jms;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;

/**
 * A message whose body is a stream of uninterpreted bytes, written and read with the encoding of
 * java.io.DataOutput/DataInput. New messages are write-only until {@link #reset()}; received ones
 * are read-only. A read that fails leaves the read position where it was.
 */
final class PubBytesMessage extends PubMessage implements BytesMessage {
    private ByteArrayOutputStream written = new ByteArrayOutputStream();
    private DataOutputStream out = new DataOutputStream(written);

    /** Non-null while the message is in read mode. */
    private byte[] data;

    private ByteArrayInputStream position;
    private DataInputStream in;

    PubBytesMessage() {}

    private interface Read<T> {
        T read(DataInputStream in) throws IOException;
    }

    private interface Write {
        void write(DataOutputStream out) throws IOException;
    }

    private <T> T read(Read<T> r) throws JMSException {
        if (data == null) {
            throw new MessageNotReadableException("the BytesMessage is write-only; call reset() to read it");
        }
        position.mark(0);
        try {
            return r.read(in);
        } catch (EOFException e) {
            position.reset();
            throw JmsExceptions.withCause(new MessageEOFException("end of the BytesMessage body reached"), e);
        } catch (UTFDataFormatException e) {
            position.reset();
            throw JmsExceptions.withCause(new MessageFormatException("not a modified UTF-8 string: " + e), e);
        } catch (IOException e) {
            position.reset();
            throw JmsExceptions.withCause(new JMSException("cannot read the BytesMessage body: " + e), e);
        }
    }

    private void write(Write w) throws JMSException {
        checkBodyWritable();
        try {
            w.write(out);
        } catch (UTFDataFormatException e) {
            throw JmsExceptions.withCause(new MessageFormatException("string too long for writeUTF: " + e), e);
        } catch (IOException e) {
            throw JmsExceptions.withCause(new JMSException("cannot write the BytesMessage body: " + e), e);
        }
    }

    @Override
    public long getBodyLength() throws JMSException {
        if (data == null) {
            throw new MessageNotReadableException("the BytesMessage is write-only; call reset() first");
        }
        return data.length;
    }

    @Override
    public boolean readBoolean() throws JMSException {
        return read(DataInputStream::readBoolean);
    }

    @Override
    public byte readByte() throws JMSException {
        return read(DataInputStream::readByte);
    }

    @Override
    public int readUnsignedByte() throws JMSException {
        return read(DataInputStream::readUnsignedByte);
    }

    @Override
    public short readShort() throws JMSException {
        return read(DataInputStream::readShort);
    }

    @Override
    public int readUnsignedShort() throws JMSException {
        return read(DataInputStream::readUnsignedShort);
    }

    @Override
    public char readChar() throws JMSException {
        return read(DataInputStream::readChar);
    }

    @Override
    public int readInt() throws JMSException {
        return read(DataInputStream::readInt);
    }

    @Override
    public long readLong() throws JMSException {
        return read(DataInputStream::readLong);
    }

    @Override
    public float readFloat() throws JMSException {
        return read(DataInputStream::readFloat);
    }

    @Override
    public double readDouble() throws JMSException {
        return read(DataInputStream::readDouble);
    }

    @Override
    public String readUTF() throws JMSException {
        return read(in -> in.readUTF());
    }

    @Override
    public int readBytes(byte[] value) throws JMSException {
        return readBytes(value, value.length);
    }

    /** Reads up to length bytes; fewer than asked means the body is exhausted, -1 that it was. */
    @Override
    public int readBytes(byte[] value, int length) throws JMSException {
        if (length < 0 || length > value.length) {
            throw new IndexOutOfBoundsException(
                    "length must be between 0 and the array length " + value.length + ", was " + length);
        }
        return read(in -> in.read(value, 0, length));
    }

    @Override
    public void writeBoolean(boolean value) throws JMSException {
        write(o -> o.writeBoolean(value));
    }

    @Override
    public void writeByte(byte value) throws JMSException {
        write(o -> o.writeByte(value));
    }

    @Override
    public void writeShort(short value) throws JMSException {
        write(o -> o.writeShort(value));
    }

    @Override
    public void writeChar(char value) throws JMSException {
        write(o -> o.writeChar(value));
    }

    @Override
    public void writeInt(int value) throws JMSException {
        write(o -> o.writeInt(value));
    }

    @Override
    public void writeLong(long value) throws JMSException {
        write(o -> o.writeLong(value));
    }

    @Override
    public void writeFloat(float value) throws JMSException {
        write(o -> o.writeFloat(value));
    }

    @Override
    public void writeDouble(double value) throws JMSException {
        write(o -> o.writeDouble(value));
    }

    @Override
    public void writeUTF(String value) throws JMSException {
        write(o -> o.writeUTF(value));
    }

    @Override
    public void writeBytes(byte[] value) throws JMSException {
        write(o -> o.write(value));
    }

    @Override
    public void writeBytes(byte[] value, int offset, int length) throws JMSException {
        write(o -> o.write(value, offset, length));
    }

    @Override
    public void writeObject(Object value) throws JMSException {
        if (value == null) {
            throw new NullPointerException("BytesMessage.writeObject does not accept null");
        } else if (value instanceof Boolean v) {
            writeBoolean(v);
        } else if (value instanceof Byte v) {
            writeByte(v);
        } else if (value instanceof Short v) {
            writeShort(v);
        } else if (value instanceof Character v) {
            writeChar(v);
        } else if (value instanceof Integer v) {
            writeInt(v);
        } else if (value instanceof Long v) {
            writeLong(v);
        } else if (value instanceof Float v) {
            writeFloat(v);
        } else if (value instanceof Double v) {
            writeDouble(v);
        } else if (value instanceof String v) {
            writeUTF(v);
        } else if (value instanceof byte[] v) {
            writeBytes(v);
        } else {
            throw new MessageFormatException("BytesMessage.writeObject does not accept "
                    + value.getClass().getName() + "; expected a primitive wrapper, String or byte[]");
        }
    }

    /** Makes the body read-only and moves to its start. */
    @Override
    public void reset() throws JMSException {
        if (data == null) {
            data = written.toByteArray();
            written = null;
            out = null;
        }
        position = new ByteArrayInputStream(data);
        in = new DataInputStream(position);
        setBodyReadOnly(true);
    }

    private byte[] bytes() {
        return data != null ? data : written.toByteArray();
    }

    @Override
    String bodyKind() {
        return JmsHeaders.BODY_BYTES;
    }

    @Override
    byte[] encodeBody() {
        return bytes();
    }

    @Override
    void decodeBody(byte[] body, boolean nullBody) {
        data = body;
        position = new ByteArrayInputStream(data);
        in = new DataInputStream(position);
    }

    @Override
    void bodyBecameReadOnly() {
        if (data == null) {
            decodeBody(written.toByteArray(), false);
            written = null;
            out = null;
        }
    }

    @Override
    boolean hasNoBody() {
        return data != null ? data.length == 0 : written.size() == 0;
    }

    @Override
    Object bodyValue() {
        return bytes().clone();
    }

    @Override
    void clearBodyContent() {
        data = null;
        position = null;
        in = null;
        written = new ByteArrayOutputStream();
        out = new DataOutputStream(written);
    }
}
