package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidClientIDRuntimeException;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Jakarta Messaging 3.1 sections 6.1.1-6.1.3 and 5: connection factories obtained through JNDI. */
class ConnectionFactoryTest extends TckTest {

    private void assumeAuthentication() {
        Assumptions.assumeTrue(backend.authenticates(), target + " does not authenticate users");
    }

    @Test
    void jndiGivesAConnectionFactoryAndDestinations() throws Exception {
        assertThat(cf()).isInstanceOf(ConnectionFactory.class);
        Queue q = queue();
        Topic t = topic();
        assertThat(q.getQueueName()).isNotBlank();
        assertThat(t.getTopicName()).isNotBlank();
    }

    @Test
    void factoryIsAlsoAQueueAndTopicConnectionFactory() throws Exception {
        ConnectionFactory cf = cf();
        assertThat(cf).isInstanceOf(QueueConnectionFactory.class).isInstanceOf(TopicConnectionFactory.class);
        QueueConnection qc = track(((QueueConnectionFactory) cf).createQueueConnection());
        qc.start();
        Queue q = queue();
        jakarta.jms.QueueSession qs = qc.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
        qs.createSender(q).send(qs.createTextMessage("ptp"));
        assertThat(qs.createReceiver(q).receive(ARRIVE_MS)).isNotNull();
        TopicConnection tc = track(((TopicConnectionFactory) cf).createTopicConnection());
        tc.start();
        Topic t = topic();
        jakarta.jms.TopicSession ts = tc.createTopicSession(false, Session.AUTO_ACKNOWLEDGE);
        jakarta.jms.TopicSubscriber sub = ts.createSubscriber(t);
        ts.createPublisher(t).publish(ts.createTextMessage("pubsub"));
        assertThat(sub.receive(ARRIVE_MS)).isNotNull();
    }

    @Test
    void createConnectionWithCredentials() throws Exception {
        // A provider without authentication accepts any credentials; one with it accepts valid ones.
        String user = backend.authenticates() ? backend.user : "tck-user";
        String password = backend.authenticates() ? backend.password : "tck-password";
        Connection c = track(cf().createConnection(user, password));
        c.start();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = queue();
        s.createProducer(q).send(s.createMessage());
        mustReceive(s.createConsumer(q));
    }

    @Test
    void createContextWithCredentials() {
        String user = backend.authenticates() ? backend.user : "tck-user";
        String password = backend.authenticates() ? backend.password : "tck-password";
        JMSContext ctx = track(cf().createContext(user, password));
        Queue q = queue();
        ctx.createProducer().send(q, "x");
        assertThat(ctx.createConsumer(q).receiveBody(String.class, ARRIVE_MS)).isEqualTo("x");
        JMSContext tx = track(cf().createContext(user, password, JMSContext.SESSION_TRANSACTED));
        assertThat(tx.getTransacted()).isTrue();
    }

    @Test
    void wrongPasswordIsASecurityException() {
        assumeAuthentication();
        assertThatThrownBy(() -> track(cf().createConnection(backend.user, "wrong")))
                .isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> track(cf().createContext(backend.user, "wrong")))
                .isInstanceOf(JMSSecurityRuntimeException.class);
        assertThatThrownBy(() -> track(cf().createContext("nobody", "wrong", JMSContext.CLIENT_ACKNOWLEDGE)))
                .isInstanceOf(JMSSecurityRuntimeException.class);
    }

    @Test
    void methodsWithoutCredentialsUseTheDefaultIdentity() throws Exception {
        // Sections 6.1.2 and 6.1.3: createConnection() and createContext() use the default user identity,
        // also where the factory checks credentials (as it does here: wrong ones are refused).
        assumeAuthentication();
        ConnectionFactory cf = cf();
        assertThatThrownBy(() -> track(cf.createConnection(backend.user, "wrong")))
                .isInstanceOf(JMSSecurityException.class);
        Queue q = queue();
        Connection c = track(cf.createConnection());
        c.start();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        s.createProducer(q).send(s.createTextMessage("default identity"));
        jakarta.jms.MessageConsumer consumer = s.createConsumer(q);
        assertThat(((jakarta.jms.TextMessage) mustReceive(consumer)).getText()).isEqualTo("default identity");
        consumer.close(); // a consumer left open could hold the later messages (Artemis prefetches)
        QueueConnection qc = track(((QueueConnectionFactory) cf).createQueueConnection());
        qc.createQueueSession(false, Session.AUTO_ACKNOWLEDGE).close();
        TopicConnection tc = track(((TopicConnectionFactory) cf).createTopicConnection());
        tc.createTopicSession(false, Session.AUTO_ACKNOWLEDGE).close();
        JMSContext ctx = track(cf.createContext());
        ctx.createProducer().send(q, "context");
        try (jakarta.jms.JMSConsumer jc = ctx.createConsumer(q)) {
            assertThat(jc.receiveBody(String.class, ARRIVE_MS)).isEqualTo("context");
        }
        JMSContext tx = track(cf.createContext(JMSContext.SESSION_TRANSACTED));
        tx.createProducer().send(q, "transacted");
        tx.commit();
        try (jakarta.jms.JMSConsumer jc = ctx.createConsumer(q)) {
            assertThat(jc.receiveBody(String.class, ARRIVE_MS)).isEqualTo("transacted");
        }
    }

    @Test
    void createContextVariants() {
        ConnectionFactory cf = cf();
        assertThat(track(cf.createContext()).getSessionMode()).isEqualTo(JMSContext.AUTO_ACKNOWLEDGE);
        assertThat(track(cf.createContext(JMSContext.CLIENT_ACKNOWLEDGE)).getSessionMode())
                .isEqualTo(JMSContext.CLIENT_ACKNOWLEDGE);
        assertThat(track(cf.createContext(JMSContext.DUPS_OK_ACKNOWLEDGE)).getSessionMode())
                .isEqualTo(JMSContext.DUPS_OK_ACKNOWLEDGE);
        assertThat(track(cf.createContext(JMSContext.SESSION_TRANSACTED)).getSessionMode())
                .isEqualTo(JMSContext.SESSION_TRANSACTED);
    }

    @Test
    void factoryWithClientIdGivesItToEachConnection() throws Exception {
        Connection c = track(clientIdCf().createConnection());
        assertThat(c.getClientID()).isEqualTo(clientId());
        c.close();
        Connection next = track(clientIdCf().createConnection());
        assertThat(next.getClientID()).isEqualTo(clientId());
    }

    @Test
    void factoryWithClientIdCannotHaveTwoOpenConnections() throws Exception {
        ConnectionFactory cf = clientIdCf();
        track(cf.createConnection()).start();
        // The client ID is in use; the provider may refuse at creation or at first use of the connection.
        assertThatThrownBy(() -> {
                    Connection second = track(cf.createConnection());
                    second.start();
                    second.createSession(false, Session.AUTO_ACKNOWLEDGE);
                })
                .isInstanceOf(InvalidClientIDException.class);
        assertThatThrownBy(() -> {
                    JMSContext second = track(cf.createContext());
                    second.createProducer();
                })
                .isInstanceOf(InvalidClientIDRuntimeException.class);
    }

    @Test
    void connectionsWithoutClientIdCanCoexist() throws Exception {
        Connection a = track(cf().createConnection());
        Connection b = track(cf().createConnection());
        a.start();
        b.start();
        a.createSession(false, Session.AUTO_ACKNOWLEDGE);
        b.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @Test
    void eachLookupGivesAWorkingFactory() throws Exception {
        for (int i = 0; i < 3; i++) {
            Connection c = track(cf().createConnection());
            c.close();
        }
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = queue();
        s.createProducer(q).send(s.createMessage());
        mustReceive(s.createConsumer(q));
    }
}
