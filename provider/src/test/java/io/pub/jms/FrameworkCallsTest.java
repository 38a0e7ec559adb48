package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;

/**
 * What connection pools and frameworks call on Pub's objects besides plain messaging (pooled-jms,
 * Spring's CachingConnectionFactory and listener containers, camel-jms): each must work, so that a pool
 * can hand a session out again and set a client ID on a connection it prepared. The compat modules
 * run the frameworks themselves.
 */
class FrameworkCallsTest extends JmsTestBase {
    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    @Test
    void aSessionTakenBackByAPoolIsResetAndStaysUsable() throws Exception {
        Connection c = connection();
        for (int mode : new int[] {Session.AUTO_ACKNOWLEDGE, Session.SESSION_TRANSACTED}) {
            Session s = session(c, mode);
            Queue q = s.createQueue(name("q" + mode));
            MessageConsumer consumer = s.createConsumer(q);
            consumer.setMessageListener(m -> {});
            MessageProducer producer = s.createProducer(null);
            QueueBrowser browser = s.createBrowser(q);
            // what pooled-jms does when the application closes its session: reset, close what it made, roll back
            assertThat(s.getMessageListener()).isNull();
            s.setMessageListener(null);
            consumer.setMessageListener(null);
            consumer.close();
            browser.close();
            producer.close();
            if (s.getTransacted()) {
                s.rollback();
            }
            // lent out again
            send(s, q, "again");
            if (s.getTransacted()) {
                s.commit();
            }
            assertThat(receiveTexts(s.createConsumer(q), 1)).containsExactly("again");
            if (s.getTransacted()) {
                s.commit();
            }
        }
    }

    @Test
    void aSessionMessageListenerIsAnApplicationServerFacilityAndIsRefused() throws Exception {
        Session s = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThatThrownBy(() -> s.setMessageListener(m -> {}))
                .isInstanceOf(JMSException.class)
                .hasMessageContaining("MessageConsumer");
        assertThat(s.getMessageListener()).isNull();
    }

    @Test
    void theClientIdCanFollowTheExceptionListenerAndTheMetadata() throws Exception {
        // a pool sets its ExceptionListener and reads the metadata before the application sets the client ID
        Connection c = track(factory().createConnection());
        c.setExceptionListener(e -> {});
        assertThat(c.getExceptionListener()).isNotNull();
        assertThat(c.getMetaData().getJMSMajorVersion()).isEqualTo(3);
        c.setClientID(name("pooled"));
        assertThat(c.getClientID()).isEqualTo(name("pooled"));
        // but not a session, or start
        Connection used = track(factory().createConnection());
        used.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThatThrownBy(() -> used.setClientID(name("late"))).isInstanceOf(jakarta.jms.IllegalStateException.class);
        Connection started = track(factory().createConnection());
        started.start();
        assertThatThrownBy(() -> started.setClientID(name("late2")))
                .isInstanceOf(jakarta.jms.IllegalStateException.class);
    }

    @Test
    void everyProducerPropertyCanBeReadAndSetOnAnAnonymousProducer() throws Exception {
        // pooled-jms shares one anonymous producer per session and sets its properties around every send
        Session s = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(null);
        assertThat(p.getDestination()).isNull();
        p.setDeliveryDelay(p.getDeliveryDelay());
        p.setDeliveryMode(p.getDeliveryMode());
        p.setPriority(p.getPriority());
        p.setTimeToLive(p.getTimeToLive());
        p.setDisableMessageID(p.getDisableMessageID());
        p.setDisableMessageTimestamp(p.getDisableMessageTimestamp());
        Queue q = s.createQueue(name("q"));
        p.send(q, s.createTextMessage("x"), jakarta.jms.DeliveryMode.NON_PERSISTENT, 7, 0);
        s.getMessageListener();
        assertThat(receiveTexts(s.createConsumer(q), 1)).containsExactly("x");
    }
}
