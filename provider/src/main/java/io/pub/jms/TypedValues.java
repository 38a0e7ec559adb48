package io.pub.jms;

import jakarta.jms.MessageFormatException;
import java.util.Locale;
import java.util.Set;

/**
 * The value conversions of the Jakarta Messaging specification: the property table (3.5.4) and the
 * StreamMessage/MapMessage table (3.11.3), which adds char and byte[]. A value written as the row
 * type can be read as the column type; other pairs throw MessageFormatException. String-to-number
 * conversion uses the wrapper's valueOf, so a bad string throws NumberFormatException, and reading
 * null as a primitive behaves like valueOf(null): false for boolean, NumberFormatException for the
 * integral types, NullPointerException for float, double and char.
 */
final class TypedValues {
    private static final Set<String> RESERVED =
            Set.of("NULL", "TRUE", "FALSE", "NOT", "AND", "OR", "BETWEEN", "LIKE", "IN", "IS", "ESCAPE");

    /** Header fields a selector can name: a property with such a name could never be selected. */
    private static final Set<String> HEADER_NAMES = Set.of(
            "JMSDestination",
            "JMSDeliveryMode",
            "JMSExpiration",
            "JMSDeliveryTime",
            "JMSPriority",
            "JMSMessageID",
            "JMSTimestamp",
            "JMSCorrelationID",
            "JMSReplyTo",
            "JMSType",
            "JMSRedelivered");

    private TypedValues() {}

    static boolean toBoolean(Object v) throws MessageFormatException {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v == null || v instanceof String) {
            return Boolean.valueOf((String) v);
        }
        throw illegal(v, "boolean");
    }

    static byte toByte(Object v) throws MessageFormatException {
        if (v instanceof Byte b) {
            return b;
        }
        if (v == null || v instanceof String) {
            return Byte.valueOf((String) v);
        }
        throw illegal(v, "byte");
    }

    static short toShort(Object v) throws MessageFormatException {
        if (v instanceof Byte || v instanceof Short) {
            return ((Number) v).shortValue();
        }
        if (v == null || v instanceof String) {
            return Short.valueOf((String) v);
        }
        throw illegal(v, "short");
    }

    static int toInt(Object v) throws MessageFormatException {
        if (v instanceof Byte || v instanceof Short || v instanceof Integer) {
            return ((Number) v).intValue();
        }
        if (v == null || v instanceof String) {
            return Integer.valueOf((String) v);
        }
        throw illegal(v, "int");
    }

    static long toLong(Object v) throws MessageFormatException {
        if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v == null || v instanceof String) {
            return Long.valueOf((String) v);
        }
        throw illegal(v, "long");
    }

    static float toFloat(Object v) throws MessageFormatException {
        if (v instanceof Float f) {
            return f;
        }
        if (v == null || v instanceof String) {
            return Float.valueOf((String) v);
        }
        throw illegal(v, "float");
    }

    static double toDouble(Object v) throws MessageFormatException {
        if (v instanceof Float || v instanceof Double) {
            return ((Number) v).doubleValue();
        }
        if (v == null || v instanceof String) {
            return Double.valueOf((String) v);
        }
        throw illegal(v, "double");
    }

    /** char has no String conversion, so null reads as NullPointerException (specification 3.11.3). */
    static char toChar(Object v) throws MessageFormatException {
        if (v instanceof Character c) {
            return c;
        }
        if (v == null) {
            throw new NullPointerException("the value is null and cannot be read as char");
        }
        throw illegal(v, "char");
    }

    static String toText(Object v) throws MessageFormatException {
        if (v == null || v instanceof String) {
            return (String) v;
        }
        if (v instanceof byte[]) {
            throw illegal(v, "String");
        }
        return v.toString();
    }

    static byte[] toBytes(Object v) throws MessageFormatException {
        if (v == null) {
            return null;
        }
        if (v instanceof byte[] b) {
            return b.clone();
        }
        throw illegal(v, "byte[]");
    }

    /** The property value types: the eight of specification 3.5.2. */
    static boolean isPropertyType(Object v) {
        return v instanceof Boolean
                || v instanceof Byte
                || v instanceof Short
                || v instanceof Integer
                || v instanceof Long
                || v instanceof Float
                || v instanceof Double
                || v instanceof String;
    }

    /** The MapMessage and StreamMessage value types: the property types plus Character and byte[]. */
    static boolean isBodyType(Object v) {
        return isPropertyType(v) || v instanceof Character || v instanceof byte[];
    }

    /**
     * Checks a property name against the selector identifier rules (specification 3.8.1.1): a Java
     * identifier, not a reserved word, not a header field name. JMSX and JMS_ names are checked by
     * the caller, which knows which of them it supports.
     */
    static void checkPropertyName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("property name must not be null or empty");
        }
        if (!Character.isJavaIdentifierStart(name.charAt(0))
                || !name.chars().skip(1).allMatch(Character::isJavaIdentifierPart)) {
            throw new IllegalArgumentException(
                    "property name '" + name + "' is not a valid identifier: it must be a Java identifier");
        }
        if (RESERVED.contains(name.toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException(
                    "property name '" + name + "' is a reserved word of the message selector syntax");
        }
        if (HEADER_NAMES.contains(name)) {
            throw new IllegalArgumentException(
                    "property name '" + name + "' is a message header field; use its setJMS... method");
        }
    }

    private static MessageFormatException illegal(Object v, String target) {
        return new MessageFormatException(
                "a value of type " + typeName(v) + " cannot be read as " + target + " (Jakarta Messaging 3.5.4)");
    }

    static String typeName(Object v) {
        return v instanceof byte[] ? "byte[]" : v.getClass().getSimpleName();
    }
}
