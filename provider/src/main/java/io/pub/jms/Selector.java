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
        try {
            return new Selector(text, SelectorParser.parse(text));
        } catch (FilterException | RuntimeException e) {
            InvalidSelectorException ex = new InvalidSelectorException("invalid message selector '" + text + "': "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()));
            ex.initCause(e);
            throw ex;
        }
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
