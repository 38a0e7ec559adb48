package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import java.util.Hashtable;
import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;
import javax.naming.OperationNotSupportedException;
import org.junit.jupiter.api.Test;

/** The JNDI conventions of JMS clients, from the environment and from jndi.properties on the class path. */
class JndiTest extends JmsTestBase {
    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    private InitialContext context(String... pairs) throws NamingException {
        Hashtable<String, Object> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, PubInitialContextFactory.class.getName());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return new InitialContext(env);
    }

    @Test
    void bindsAnXaConnectionFactoryBesideThePlainDefault() throws Exception {
        InitialContext ctx = context("xaConnectionFactory.XA", store().url());
        assertThat(ctx.lookup("XA")).isInstanceOf(jakarta.jms.XAConnectionFactory.class);
        jakarta.jms.XAConnection c = ((jakarta.jms.XAConnectionFactory) ctx.lookup("XA")).createXAConnection();
        try {
            assertThat(c.createXASession().getXAResource()).isNotNull();
        } finally {
            c.close();
        }
        assertThat(ctx.lookup("ConnectionFactory"))
                .as("the default factory is still bound")
                .isNotInstanceOf(jakarta.jms.XAConnectionFactory.class);
    }

    @Test
    void looksUpFactoriesAndDestinations() throws Exception {
        String cid = name("jndi-client");
        InitialContext ctx = context(
                "connectionFactory.Plain",
                store().url(),
                "connectionFactory.WithId",
                store().url("clientID=" + cid),
                "queue.Orders",
                "orders-" + suffix,
                "topic.Prices",
                "prices-" + suffix);
        assertThat(ctx.lookup("Plain")).isInstanceOf(PubConnectionFactory.class);
        assertThat(((Queue) ctx.lookup("Orders")).getQueueName()).isEqualTo("orders-" + suffix);
        assertThat(((Topic) ctx.lookup("Prices")).getTopicName()).isEqualTo("prices-" + suffix);
        assertThat(((Queue) ctx.lookup("dynamicQueues/dq")).getQueueName()).isEqualTo("dq");
        assertThat(((Topic) ctx.lookup("dynamicTopics/dt")).getTopicName()).isEqualTo("dt");
        assertThat(((Queue) ctx.lookup("FileQueue")).getQueueName()).isEqualTo("file-queue");
        assertThat(((Topic) ctx.lookup("FileTopic")).getTopicName()).isEqualTo("file-topic");

        Connection c = track(((ConnectionFactory) ctx.lookup("WithId")).createConnection());
        assertThat(c.getClientID()).isEqualTo(cid);
        c.start();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = (Queue) ctx.lookup("Orders");
        send(s, q, "through jndi");
        assertThat(receiveTexts(s.createConsumer(q), 1)).containsExactly("through jndi");
        ctx.close();
    }

    @Test
    void unknownNamesAndWritesAreRefused() throws Exception {
        InitialContext ctx = context("connectionFactory.Plain", store().url());
        assertThatThrownBy(() -> ctx.lookup("Missing"))
                .isInstanceOf(NameNotFoundException.class)
                .hasMessageContaining("Missing");
        assertThatThrownBy(() -> ctx.bind("x", "y")).isInstanceOf(OperationNotSupportedException.class);
        assertThatThrownBy(() -> context("connectionFactory.Bad", "nosuchscheme:x"))
                .isInstanceOf(NamingException.class)
                .hasMessageContaining("connectionFactory.Bad");
    }

    @Test
    void withoutFactoriesConfiguredConnectionFactoryIsTheConfiguredStore() throws Exception {
        InitialContext ctx = context();
        assertThat(ctx.lookup("ConnectionFactory")).isInstanceOf(PubConnectionFactory.class);
    }
}
