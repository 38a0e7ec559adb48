package io.pub.tck;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Hashtable;
import java.util.UUID;
import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Base of every conformance test: runs each test class once per {@link Target}, and gives tests a
 * connection factory and destinations obtained through JNDI only, with names unique to the test.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Target.class)
@ExtendWith(TargetExtension.class)
@Timeout(30)
public abstract class TckTest {
    /** Long enough for a message that must arrive. */
    protected static final long ARRIVE_MS = 2_000;

    /** How long to wait before concluding that a message does not arrive. */
    protected static final long ABSENT_MS = 200;

    @Parameter
    protected Target target;

    /** Set by {@link TargetExtension} before each test. */
    Target.Backend backend;

    /** Unique to the test: physical destination names, client IDs and subscription names carry it. */
    protected final String suffix = UUID.randomUUID().toString().substring(0, 8);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    @AfterEach
    void closeResources() {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception ignored) {
                // a test may have closed it already, or left it in a failed state on purpose
            }
        }
    }

    /**
     * Skips the test on the Artemis target: for a rule of the specification that Artemis does not follow
     * (or not deterministically), so that Pub is still judged on it. {@code why} says what Artemis does.
     */
    protected void assumePub(String why) {
        org.junit.jupiter.api.Assumptions.assumeTrue(target != Target.ARTEMIS, "not judged on Artemis: " + why);
    }

    /** Closes the resource after the test, even when the test fails. */
    protected <T extends AutoCloseable> T track(T resource) {
        resources.push(resource);
        return resource;
    }

    protected Hashtable<String, Object> jndiEnvironment() {
        Hashtable<String, Object> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, backend.contextFactory);
        env.put("connectionFactory.ConnectionFactory", backend.url);
        env.put("connectionFactory.ClientIdConnectionFactory", backend.urlWithClientId(clientId()));
        return env;
    }

    protected Object lookup(String name, String key, String value) {
        Hashtable<String, Object> env = jndiEnvironment();
        if (key != null) {
            env.put(key, value);
        }
        try {
            InitialContext ctx = new InitialContext(env);
            try {
                return ctx.lookup(name);
            } finally {
                ctx.close();
            }
        } catch (NamingException e) {
            throw new IllegalStateException("JNDI lookup of " + name + " failed on " + target, e);
        }
    }

    protected ConnectionFactory cf() {
        return (ConnectionFactory) lookup("ConnectionFactory", null, null);
    }

    /** A factory configured with {@link #clientId()}. */
    protected ConnectionFactory clientIdCf() {
        return (ConnectionFactory) lookup("ClientIdConnectionFactory", null, null);
    }

    protected String clientId() {
        return "tck-client-" + suffix;
    }

    protected String physical(String name) {
        return "tck_" + name + "_" + suffix;
    }

    protected Queue queue(String name) {
        return (Queue) lookup(name, "queue." + name, physical(name));
    }

    protected Topic topic(String name) {
        return (Topic) lookup(name, "topic." + name, physical(name));
    }

    protected Queue queue() {
        return queue("Q");
    }

    protected Topic topic() {
        return topic("T");
    }

    protected jakarta.jms.Destination destination(Kind kind) {
        return kind == Kind.QUEUE ? queue() : topic();
    }

    /** A session with a consumer and a producer on one destination; the consumer exists before any send. */
    protected record Pipe(
            Session session,
            jakarta.jms.Destination destination,
            jakarta.jms.MessageProducer producer,
            MessageConsumer consumer) {}

    protected Pipe pipe(Kind kind) throws Exception {
        return pipe(kind, Session.AUTO_ACKNOWLEDGE);
    }

    protected Pipe pipe(Kind kind, int sessionMode) throws Exception {
        Session s = connection().createSession(sessionMode);
        jakarta.jms.Destination d = destination(kind);
        MessageConsumer c = s.createConsumer(d);
        return new Pipe(s, d, s.createProducer(d), c);
    }

    /** A started connection without client ID, closed after the test. */
    protected Connection connection() throws Exception {
        Connection c = track(cf().createConnection());
        c.start();
        return c;
    }

    protected Session session() throws Exception {
        return connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    protected JMSContext context() {
        return track(cf().createContext());
    }

    protected JMSContext context(int sessionMode) {
        return track(cf().createContext(sessionMode));
    }

    protected String subscriptionName(String name) {
        return "tck-sub-" + name + "-" + suffix;
    }

    /** The elements of an enumeration from the JMS API (which hands out raw enumerations). */
    protected static java.util.List<Object> elements(java.util.Enumeration<?> e) {
        java.util.List<Object> list = new java.util.ArrayList<>();
        while (e.hasMoreElements()) {
            list.add(e.nextElement());
        }
        return list;
    }

    protected static Message mustReceive(MessageConsumer consumer) throws Exception {
        Message m = consumer.receive(ARRIVE_MS);
        if (m == null) {
            throw new AssertionError("no message arrived within " + ARRIVE_MS + " ms");
        }
        return m;
    }

    protected static void mustNotReceive(MessageConsumer consumer) throws Exception {
        Message m = consumer.receive(ABSENT_MS);
        if (m != null) {
            throw new AssertionError("expected no message, received " + m);
        }
    }
}
