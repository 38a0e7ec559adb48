package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conversion tables of the specification, every cell: 3.5.4 for properties (eight types) and
 * 3.11.3 for MapMessage and StreamMessage (plus char and byte[]). A cell either converts to the
 * expected value or throws MessageFormatException.
 */
class MessageConversionTest {
    enum T {
        BOOLEAN,
        BYTE,
        SHORT,
        CHAR,
        INT,
        LONG,
        FLOAT,
        DOUBLE,
        STRING,
        BYTES
    }

    /** Specification table 3.11.3 (3.5.4 is its restriction to properties): row written, column read. */
    static final Map<T, Set<T>> READABLE_AS = Map.of(
            T.BOOLEAN, EnumSet.of(T.BOOLEAN, T.STRING),
            T.BYTE, EnumSet.of(T.BYTE, T.SHORT, T.INT, T.LONG, T.STRING),
            T.SHORT, EnumSet.of(T.SHORT, T.INT, T.LONG, T.STRING),
            T.CHAR, EnumSet.of(T.CHAR, T.STRING),
            T.INT, EnumSet.of(T.INT, T.LONG, T.STRING),
            T.LONG, EnumSet.of(T.LONG, T.STRING),
            T.FLOAT, EnumSet.of(T.FLOAT, T.DOUBLE, T.STRING),
            T.DOUBLE, EnumSet.of(T.DOUBLE, T.STRING),
            T.STRING, EnumSet.of(T.BOOLEAN, T.BYTE, T.SHORT, T.INT, T.LONG, T.FLOAT, T.DOUBLE, T.STRING),
            T.BYTES, EnumSet.of(T.BYTES));

    static final Set<T> PROPERTY_TYPES =
            EnumSet.of(T.BOOLEAN, T.BYTE, T.SHORT, T.INT, T.LONG, T.FLOAT, T.DOUBLE, T.STRING);

    static Object sample(T t) {
        return switch (t) {
            case BOOLEAN -> true;
            case BYTE -> (byte) 7;
            case SHORT -> (short) 7;
            case CHAR -> 'c';
            case INT -> 7;
            case LONG -> 7L;
            case FLOAT -> 7.5f;
            case DOUBLE -> 7.5d;
            case STRING -> "7";
            case BYTES -> new byte[] {1, 2, 3};
        };
    }

    /** What reading {@code v} as {@code t} must return where the table allows it. */
    static Object expected(Object v, T t) {
        return switch (t) {
            case BOOLEAN -> v instanceof String s ? Boolean.valueOf(s) : v;
            case BYTE -> v instanceof String s ? Byte.valueOf(s) : ((Number) v).byteValue();
            case SHORT -> v instanceof String s ? Short.valueOf(s) : ((Number) v).shortValue();
            case INT -> v instanceof String s ? Integer.valueOf(s) : ((Number) v).intValue();
            case LONG -> v instanceof String s ? Long.valueOf(s) : ((Number) v).longValue();
            case FLOAT -> v instanceof String s ? Float.valueOf(s) : ((Number) v).floatValue();
            case DOUBLE -> v instanceof String s ? Double.valueOf(s) : ((Number) v).doubleValue();
            case STRING -> String.valueOf(v);
            case CHAR, BYTES -> v;
        };
    }

    static Stream<Arguments> propertyCells() {
        List<Arguments> cells = new ArrayList<>();
        for (T written : PROPERTY_TYPES) {
            for (T read : PROPERTY_TYPES) {
                cells.add(Arguments.of(written, read));
            }
        }
        return cells.stream();
    }

    static Stream<Arguments> bodyCells() {
        List<Arguments> cells = new ArrayList<>();
        for (T written : T.values()) {
            for (T read : T.values()) {
                cells.add(Arguments.of(written, read));
            }
        }
        return cells.stream();
    }

    // ---- properties (3.5.4)

    static void setProperty(PubMessage m, String name, T t, Object v) throws JMSException {
        switch (t) {
            case BOOLEAN -> m.setBooleanProperty(name, (Boolean) v);
            case BYTE -> m.setByteProperty(name, (Byte) v);
            case SHORT -> m.setShortProperty(name, (Short) v);
            case INT -> m.setIntProperty(name, (Integer) v);
            case LONG -> m.setLongProperty(name, (Long) v);
            case FLOAT -> m.setFloatProperty(name, (Float) v);
            case DOUBLE -> m.setDoubleProperty(name, (Double) v);
            case STRING -> m.setStringProperty(name, (String) v);
            default -> throw new IllegalArgumentException(t.name());
        }
    }

    static Object getProperty(PubMessage m, String name, T t) throws JMSException {
        return switch (t) {
            case BOOLEAN -> m.getBooleanProperty(name);
            case BYTE -> m.getByteProperty(name);
            case SHORT -> m.getShortProperty(name);
            case INT -> m.getIntProperty(name);
            case LONG -> m.getLongProperty(name);
            case FLOAT -> m.getFloatProperty(name);
            case DOUBLE -> m.getDoubleProperty(name);
            case STRING -> m.getStringProperty(name);
            default -> throw new IllegalArgumentException(t.name());
        };
    }

    @ParameterizedTest(name = "property written as {0} read as {1}")
    @MethodSource("propertyCells")
    void propertyConversionTable(T written, T read) throws JMSException {
        for (boolean viaObject : new boolean[] {false, true}) {
            PubMessage m = new PubMessage();
            Object v = sample(written);
            if (viaObject) {
                m.setObjectProperty("p", v);
            } else {
                setProperty(m, "p", written, v);
            }
            assertThat(m.getObjectProperty("p")).isEqualTo(v);
            if (READABLE_AS.get(written).contains(read)) {
                assertThat(getProperty(m, "p", read)).isEqualTo(expected(v, read));
            } else {
                assertThatThrownBy(() -> getProperty(m, "p", read)).isInstanceOf(MessageFormatException.class);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = T.class,
            names = {"BYTE", "SHORT", "INT", "LONG", "FLOAT", "DOUBLE"})
    void badStringToNumberIsNumberFormatException(T read) throws JMSException {
        PubMessage m = new PubMessage();
        m.setStringProperty("p", "not a number");
        assertThatThrownBy(() -> getProperty(m, "p", read)).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void stringToBooleanFollowsBooleanValueOf() throws JMSException {
        PubMessage m = new PubMessage();
        m.setStringProperty("yes", "TRUE");
        m.setStringProperty("other", "yes");
        assertThat(m.getBooleanProperty("yes")).isTrue();
        assertThat(m.getBooleanProperty("other")).isFalse();
    }

    /** Reading an absent (null) property as a primitive is valueOf(null) of that primitive. */
    @Test
    void absentPropertyReadsLikeValueOfNull() throws JMSException {
        PubMessage m = new PubMessage();
        assertThat(m.getBooleanProperty("absent")).isFalse();
        assertThat(m.getStringProperty("absent")).isNull();
        assertThat(m.getObjectProperty("absent")).isNull();
        for (T t : List.of(T.BYTE, T.SHORT, T.INT, T.LONG)) {
            assertThatThrownBy(() -> getProperty(m, "absent", t)).isInstanceOf(NumberFormatException.class);
        }
        // Float.valueOf(null) and Double.valueOf(null) throw NullPointerException
        assertThatThrownBy(() -> m.getFloatProperty("absent")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.getDoubleProperty("absent")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void objectPropertyAcceptsOnlyTheEightTypes() {
        PubMessage m = new PubMessage();
        assertThatThrownBy(() -> m.setObjectProperty("c", 'c')).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.setObjectProperty("b", new byte[1])).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.setObjectProperty("l", List.of())).isInstanceOf(MessageFormatException.class);
    }

    // ---- MapMessage (3.11.3)

    static void setItem(PubMapMessage m, String name, T t, Object v) throws JMSException {
        switch (t) {
            case BOOLEAN -> m.setBoolean(name, (Boolean) v);
            case BYTE -> m.setByte(name, (Byte) v);
            case SHORT -> m.setShort(name, (Short) v);
            case CHAR -> m.setChar(name, (Character) v);
            case INT -> m.setInt(name, (Integer) v);
            case LONG -> m.setLong(name, (Long) v);
            case FLOAT -> m.setFloat(name, (Float) v);
            case DOUBLE -> m.setDouble(name, (Double) v);
            case STRING -> m.setString(name, (String) v);
            case BYTES -> m.setBytes(name, (byte[]) v);
        }
    }

    static Object getItem(PubMapMessage m, String name, T t) throws JMSException {
        return switch (t) {
            case BOOLEAN -> m.getBoolean(name);
            case BYTE -> m.getByte(name);
            case SHORT -> m.getShort(name);
            case CHAR -> m.getChar(name);
            case INT -> m.getInt(name);
            case LONG -> m.getLong(name);
            case FLOAT -> m.getFloat(name);
            case DOUBLE -> m.getDouble(name);
            case STRING -> m.getString(name);
            case BYTES -> m.getBytes(name);
        };
    }

    @ParameterizedTest(name = "map item written as {0} read as {1}")
    @MethodSource("bodyCells")
    void mapConversionTable(T written, T read) throws JMSException {
        for (boolean viaObject : new boolean[] {false, true}) {
            PubMapMessage m = new PubMapMessage();
            Object v = sample(written);
            if (viaObject) {
                m.setObject("i", v);
            } else {
                setItem(m, "i", written, v);
            }
            assertThat(m.getObject("i")).isEqualTo(v);
            if (READABLE_AS.get(written).contains(read)) {
                assertThat(getItem(m, "i", read)).isEqualTo(expected(v, read));
            } else {
                assertThatThrownBy(() -> getItem(m, "i", read)).isInstanceOf(MessageFormatException.class);
            }
        }
    }

    @Test
    void mapNullAndAbsentItemsReadLikeValueOfNull() throws JMSException {
        PubMapMessage m = new PubMapMessage();
        m.setString("s", null);
        m.setBytes("b", null);
        for (String name : List.of("s", "b", "absent")) {
            assertThat(m.getBoolean(name)).isFalse();
            assertThat(m.getString(name)).isNull();
            assertThat(m.getBytes(name)).isNull();
            assertThat(m.getObject(name)).isNull();
            assertThatThrownBy(() -> m.getInt(name)).isInstanceOf(NumberFormatException.class);
            assertThatThrownBy(() -> m.getDouble(name)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> m.getChar(name)).isInstanceOf(NullPointerException.class);
        }
        assertThat(m.itemExists("s")).isTrue();
        assertThat(m.itemExists("absent")).isFalse();
    }

    @Test
    void mapRejectsBadNamesAndTypesAndCopiesArrays() throws JMSException {
        PubMapMessage m = new PubMapMessage();
        assertThatThrownBy(() -> m.setInt(null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setInt("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setObject("x", new Object())).isInstanceOf(MessageFormatException.class);
        byte[] b = {1, 2, 3};
        m.setBytes("b", b);
        b[0] = 9;
        m.getBytes("b")[1] = 9;
        assertThat(m.getBytes("b")).containsExactly(1, 2, 3);
        m.setBytes("part", new byte[] {1, 2, 3, 4}, 1, 2);
        assertThat(m.getBytes("part")).containsExactly(2, 3);
        assertThat(java.util.Collections.list(m.getMapNames())).containsExactly("b", "part");
    }

    // ---- StreamMessage (3.11.3)

    static void write(PubStreamMessage m, T t, Object v) throws JMSException {
        switch (t) {
            case BOOLEAN -> m.writeBoolean((Boolean) v);
            case BYTE -> m.writeByte((Byte) v);
            case SHORT -> m.writeShort((Short) v);
            case CHAR -> m.writeChar((Character) v);
            case INT -> m.writeInt((Integer) v);
            case LONG -> m.writeLong((Long) v);
            case FLOAT -> m.writeFloat((Float) v);
            case DOUBLE -> m.writeDouble((Double) v);
            case STRING -> m.writeString((String) v);
            case BYTES -> m.writeBytes((byte[]) v);
        }
    }

    static Object read(PubStreamMessage m, T t) throws JMSException {
        return switch (t) {
            case BOOLEAN -> m.readBoolean();
            case BYTE -> m.readByte();
            case SHORT -> m.readShort();
            case CHAR -> m.readChar();
            case INT -> m.readInt();
            case LONG -> m.readLong();
            case FLOAT -> m.readFloat();
            case DOUBLE -> m.readDouble();
            case STRING -> m.readString();
            case BYTES -> {
                byte[] buffer = new byte[16];
                int n = m.readBytes(buffer);
                yield java.util.Arrays.copyOf(buffer, n);
            }
        };
    }

    @ParameterizedTest(name = "stream value written as {0} read as {1}")
    @MethodSource("bodyCells")
    void streamConversionTable(T written, T read) throws JMSException {
        for (boolean viaObject : new boolean[] {false, true}) {
            PubStreamMessage m = new PubStreamMessage();
            Object v = sample(written);
            if (viaObject) {
                m.writeObject(v);
            } else {
                write(m, written, v);
            }
            m.writeString("next");
            m.reset();
            if (READABLE_AS.get(written).contains(read)) {
                assertThat(read(m, read)).isEqualTo(expected(v, read));
            } else {
                assertThatThrownBy(() -> read(m, read)).isInstanceOf(MessageFormatException.class);
                // the failed read did not move: the value reads again as what it was written as
                assertThat(m.readObject()).isEqualTo(v);
            }
            assertThat(m.readString()).isEqualTo("next");
        }
    }

    @Test
    void streamNumberFormatFailureDoesNotMoveThePosition() throws JMSException {
        PubStreamMessage m = new PubStreamMessage();
        m.writeString("abc");
        m.reset();
        assertThatThrownBy(m::readInt).isInstanceOf(NumberFormatException.class);
        assertThat(m.readString()).isEqualTo("abc");
    }

    @Test
    void streamNullValuesReadLikeValueOfNull() throws JMSException {
        PubStreamMessage m = new PubStreamMessage();
        m.writeObject(null);
        m.writeString(null);
        m.writeBytes(null);
        m.reset();
        assertThatThrownBy(m::readChar).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(m::readInt).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(m::readFloat).isInstanceOf(NullPointerException.class);
        assertThat(m.readBoolean()).isFalse();
        assertThat(m.readString()).isNull();
        assertThat(m.readBytes(new byte[4])).isEqualTo(-1);
        assertThatThrownBy(m::readObject).isInstanceOf(jakarta.jms.MessageEOFException.class);
    }
}
