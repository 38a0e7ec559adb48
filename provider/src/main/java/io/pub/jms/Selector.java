package io.pub.jms;

import io.pub.Message;
import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidSelectorException;
import java.util.function.Predicate;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.selector.filter.BinaryExpression;
import org.apache.activemq.artemis.selector.filter.BooleanExpression;
import org.apache.activemq.artemis.selector.filter.Expression;
import org.apache.activemq.artemis.selector.filter.FilterException;
import org.apache.activemq.artemis.selector.filter.Filterable;
import org.apache.activemq.artemis.selector.filter.LogicExpression;
import org.apache.activemq.artemis.selector.filter.PropertyExpression;
import org.apache.activemq.artemis.selector.filter.UnaryExpression;
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
        if (names(parsed, UNSUPPORTED)) {
            throw new InvalidSelectorException("invalid message selector '" + text + "': it names " + UNSUPPORTED
                    + ", which Pub cannot select on: a selector is evaluated before the message is leased, when"
                    + " its delivery count is not yet known; select on message properties instead");
        }
        return new Selector(text, parsed);
    }

    /** The property a selector may not name: it would silently match nothing. */
    private static final String UNSUPPORTED = "JMSXDeliveryCount";

    private static boolean names(Expression e, String property) {
        if (e instanceof PropertyExpression p) {
            return p.getName().equals(property);
        }
        if (e instanceof BinaryExpression b) {
            return names(b.getLeft(), property) || names(b.getRight(), property);
        }
        if (e instanceof LogicExpression l) {
            return names(l.getLeft(), property) || names(l.getRight(), property);
        }
        if (e instanceof UnaryExpression u) {
            return names(u.getRight(), property);
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
