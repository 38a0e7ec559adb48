package io.pub.cli;

import io.pub.Message;
import java.util.function.Predicate;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.selector.filter.BooleanExpression;
import org.apache.activemq.artemis.selector.filter.FilterException;
import org.apache.activemq.artemis.selector.filter.Filterable;
import org.apache.activemq.artemis.selector.impl.SelectorParser;

/**
 * A JMS message selector evaluated on stored messages, as the provider's consumers and queue
 * browsers evaluate it (io.pub.jms.Selector, package-private there): the same parser (Apache
 * Artemis' artemis-selector), the same header fields read from the stored message, everything else a
 * property. SelectorParityTest runs the same selectors through a JMS QueueBrowser and through this.
 */
final class StoredSelector implements Predicate<Message> {
    /** What the provider refuses: a selector is evaluated before a delivery count exists. */
    private static final String UNSUPPORTED = "JMSXDeliveryCount";

    private final String text;
    private final BooleanExpression expression;

    private StoredSelector(String text, BooleanExpression expression) {
        this.text = text;
        this.expression = expression;
    }

    /** The selector, or null for none (null or blank); a bad one is the user's error. */
    static StoredSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        BooleanExpression parsed;
        try {
            parsed = SelectorParser.parse(text);
        } catch (FilterException | RuntimeException e) {
            // the parser's own exception says where ("Parse error at line 1, column 9. Encountered: ="); its
            // wrapper only repeats the selector
            Throwable why = e.getCause() != null ? e.getCause() : e;
            throw CliException.badInput("invalid message selector '" + text + "': "
                    + (why.getMessage() == null
                            ? why.toString()
                            : why.getMessage().strip()));
        }
        if (names(text, UNSUPPORTED)) {
            throw CliException.badInput("invalid message selector '" + text + "': it names " + UNSUPPORTED
                    + ", which Pub cannot select on; dead letters carry PubDeliveryCount");
        }
        return new StoredSelector(text, parsed);
    }

    String text() {
        return text;
    }

    @Override
    public boolean test(Message m) {
        try {
            return expression.matches(new StoredFilterable(m));
        } catch (FilterException | RuntimeException e) {
            return false; // as in JMS: a selector that cannot be evaluated on a message does not select it
        }
    }

    /** True if {@code selector} names {@code property} as an identifier, outside its string literals. */
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
                if (i - start == property.length() && selector.regionMatches(start, property, 0, property.length())) {
                    return true;
                }
            } else {
                i++;
            }
        }
        return false;
    }

    private record StoredFilterable(Message m) implements Filterable {
        @Override
        public <T> T getBodyAs(Class<T> type) {
            return null;
        }

        @Override
        public Object getProperty(SimpleString name) {
            String n = name.toString();
            return switch (n) {
                case "JMSDeliveryMode" -> StoredView.persistent(m) ? "PERSISTENT" : "NON_PERSISTENT";
                case "JMSPriority" -> m.priority();
                case "JMSMessageID" -> m.id();
                case "JMSTimestamp" -> StoredView.jmsTimestamp(m);
                case "JMSCorrelationID" -> m.headers().get(StoredView.CORRELATION_ID);
                case "JMSType" -> m.type();
                default -> m.properties().get(n);
            };
        }

        @Override
        public Object getLocalConnectionId() {
            return null;
        }
    }
}
