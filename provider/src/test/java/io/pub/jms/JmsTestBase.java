package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/** Helpers of the provider tests: a store, unique names, connections closed after each test. */
@Timeout(30)
abstract class JmsTestBase {
    /** Long enough for a message that must arrive. */
    static final long ARRIVE_MS = 5_000;
    /** How long to wait before concluding that a message does not arrive. */
    static final long ABSENT_MS = 300;

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    protected final String suffix = UUID.randomUUID().toString().substring(0, 8);

    protected abstract TestStores store();

    @AfterEach
    void closeResources() {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception ignored) {
                // a test may have closed it already
            }
        }
    }

    protected <T extends AutoCloseable> T track(T resource) {
        resources.push(resource);
        return resource;
    }

    protected String name(String base) {
        return base + "-" + suffix;
    }

    protected PubConnectionFactory factory() {
        return store().factory("");
    }

    protected PubConnectionFactory factory(String options) {
        return store().factory(options);
    }

    /** A started connection without client ID. */
    protected Connection connection() throws JMSException {
        return connection("");
    }

    protected Connection connection(String options) throws JMSException {
        Connection c = track(factory(options).createConnection());
        c.start();
        return c;
    }

    protected Session session(Connection c, int mode) throws JMSException {
        return mode == Session.SESSION_TRANSACTED ? c.createSession(true, mode) : c.createSession(false, mode);
    }

    protected static void send(Session s, Destination d, String... texts) throws JMSException {
        MessageProducer p = s.createProducer(d);
        for (String t : texts) {
            p.send(s.createTextMessage(t));
        }
        p.close();
    }

    protected static String text(Message m) throws JMSException {
        return m == null ? null : ((TextMessage) m).getText();
    }

    /** Receives {@code n} messages (each must arrive) and returns their texts in order. */
    protected static List<String> receiveTexts(MessageConsumer c, int n) throws JMSException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Message m = c.receive(ARRIVE_MS);
            assertThat(m).as("message %d of %d", i + 1, n).isNotNull();
            out.add(text(m));
        }
        return out;
    }

    protected static void assertNothing(MessageConsumer c) throws JMSException {
        assertThat(c.receive(ABSENT_MS)).isNull();
    }

    protected static String[] texts(String prefix, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = prefix + i;
        }
        return out;
    }
}
