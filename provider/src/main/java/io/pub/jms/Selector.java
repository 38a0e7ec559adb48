package io.pub.jms;

import io.pub.Message;
import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidSelectorException;
import java.util.function.Predicate;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.selector.filter.BooleanExpression;
import org.apache.activemq.artemis.selector.filter.FilterException;
import org.apache.activemq.artemis.selector.filter.Filterable;
import org.apache.activemq.artemis.selector.impl.SelectorParser;

/**
 * A JMS message selector, parsed and evaluated by the Artemis selector library against stored
 * messages, so a consumer can decide before taking a lease. Header fields a selector may name
 * (JMSDeliveryMode, JMSPriority, JMSMessageID, JMSTimestamp, JMSCorrelationID, JMSType) are read
 * from the stored message; everything else is a property.
 */
final class Selector implements Predicate<Message> {
    private final String text;
    private final BooleanExpression expression;

    private Selector(String text, BooleanExpression expression) {
        this.text = text;
        this.expression = expression;
    }

    /** The selector, or null when {@code text} is null or blank (no selector). */
    static Selector parse(String text) throws InvalidSelectorException {
        if (text == null || text.isBlank()) {
            return null;
        }
        BooleanExpression parsed;
        try {
            parsed = SelectorParser.parse(text);
        } catch (FilterException | RuntimeException e) {
            InvalidSelectorException ex = new InvalidSelectorException("invalid message selector '" + text + "': "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()));
            ex.initCause(e);
            throw ex;
        }
        if (names(text, UNSUPPORTED)) {
            throw new InvalidSelectorException("invalid message selector '" + text + "': it names " + UNSUPPORTED
                    + ", which Pub cannot select on: a selector is evaluated before the message is leased, when"
                    + " its delivery count is not yet known; select on message properties instead");
        }
        return new Selector(text, parsed);
    }

    /** The property a selector may not name: it would silently match nothing. */
    private static final String UNSUPPORTED = "JMSXDeliveryCount";

    /**
     * True if the selector names {@code property} as an identifier: outside its string literals
     * ('...', with '' for a quote), as a whole word. Read from the text rather than the parsed tree,
     * whose AND and OR of more than two terms do not expose their operands.
     */
    static boolean names(String selector, String property) {
        int i = 0;
        int n = selector.length();
        while (i < n) {
            char ch = selector.charAt(i);
            if (ch == '\'') {
                i++;
                while (i < n) {
                    if (selector.charAt(i) == '\'') {
                        if (i + 1 < n && selector.charAt(i + 1) == '\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i++;
                }
                i++;
            } else if (Character.isJavaIdentifierStart(ch)) {
                int start = i;
                while (i < n && Character.isJavaIdentifierPart(selector.charAt(i))) {
                    i++;
                }
                if (selector.regionMatches(start, property, 0, property.length()) && i - start == property.length()) {
                    return true;
                }
            } else {
                i++;
            }
        }
        return false;
    }

    String text() {
        return text;
    }

    @Override
    public boolean test(Message m) {
        try {
            return expression.matches(new StoredFilterable(m));
        } catch (FilterException | RuntimeException e) {
            return false; // a selector that cannot be evaluated on a message does not select it
        }
    }

    private record StoredFilterable(Message m) implements Filterable {
        @Override
        public <T> T getBodyAs(Class<T> type) {
            return null;
        }

        @Override
        public Object getProperty(SimpleString name) {
            String n = name.toString();
            switch (n) {
                case "JMSDeliveryMode":
                    return String.valueOf(DeliveryMode.NON_PERSISTENT)
                                    .equals(m.headers().get(JmsHeaders.DELIVERY_MODE))
                            ? "NON_PERSISTENT"
                            : "PERSISTENT";
                case "JMSPriority":
                    return m.priority();
                case "JMSMessageID":
                    return m.id();
                case "JMSTimestamp":
                    String ts = m.headers().get(JmsHeaders.TIMESTAMP);
                    return ts == null ? null : Long.valueOf(ts);
                case "JMSCorrelationID":
                    return m.headers().get(JmsHeaders.CORRELATION_ID);
                case "JMSType":
                    return m.type();
                default:
                    return m.properties().get(n);
            }
        }

        @Override
        public Object getLocalConnectionId() {
            return null;
        }
    }
}
