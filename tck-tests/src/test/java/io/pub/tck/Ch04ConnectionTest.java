package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Jakarta Messaging 3.1 chapter 6.1: connections (client ID, start/stop, metadata, close). */
class Ch04ConnectionTest extends TckTest {

    @Test
    void metaDataDescribesJms31() throws Exception {
        Connection c = track(cf().createConnection());
        ConnectionMetaData md = c.getMetaData();
        assertThat(md.getJMSMajorVersion()).isEqualTo(3);
        assertThat(md.getJMSMinorVersion()).isGreaterThanOrEqualTo(0);
        assertThat(md.getJMSVersion()).startsWith("3.");
        assertThat(md.getJMSProviderName()).isNotBlank();
        assertThat(md.getProviderVersion()).isNotBlank();
        assertThat(md.getProviderMajorVersion()).isGreaterThanOrEqualTo(0);
        assertThat(md.getProviderMinorVersion()).isGreaterThanOrEqualTo(0);
        List<Object> names = elements(md.getJMSXPropertyNames());
        // JMSXGroupID and JMSXGroupSeq are required of every provider (section 3.5.9).
        assertThat(names).contains("JMSXGroupID", "JMSXGroupSeq");
    }

    @Test
    void clientIdFromFactoryIsReported() throws Exception {
        Connection c = track(clientIdCf().createConnection());
        assertThat(c.getClientID()).isEqualTo(clientId());
    }

    @Test
    void clientIdCanBeSetOnceBeforeAnyOtherUse() throws Exception {
        Connection c = track(cf().createConnection());
        c.setClientID("tck-set-" + suffix);
        assertThat(c.getClientID()).isEqualTo("tck-set-" + suffix);
        assertThatThrownBy(() -> c.setClientID("tck-other-" + suffix)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void clientIdCannotBeSetWhenFactoryConfiguredOne() throws Exception {
        Connection c = track(clientIdCf().createConnection());
        assertThatThrownBy(() -> c.setClientID("tck-other-" + suffix)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void clientIdCannotBeSetAfterConnectionIsUsed() throws Exception {
        Connection c = track(cf().createConnection());
        c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThatThrownBy(() -> c.setClientID("tck-late-" + suffix)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void duplicateClientIdIsRejected() throws Exception {
        track(clientIdCf().createConnection());
        Connection second = track(cf().createConnection());
        assertThatThrownBy(() -> second.setClientID(clientId())).isInstanceOf(InvalidClientIDException.class);
    }

    @Test
    void clientIdIsFreeAgainAfterClose() throws Exception {
        Connection first = clientIdCf().createConnection();
        first.close();
        Connection second = track(cf().createConnection());
        second.setClientID(clientId());
        assertThat(second.getClientID()).isEqualTo(clientId());
    }

    @Test
    void stoppedConnectionDeliversNothingUntilStarted() throws Exception {
        Connection c = track(cf().createConnection());
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = queue();
        s.createProducer(q).send(s.createTextMessage("held"));
        MessageConsumer consumer = s.createConsumer(q);
        assertThat(consumer.receive(ABSENT_MS)).isNull();
        c.start();
        assertThat(((TextMessage) mustReceive(consumer)).getText()).isEqualTo("held");
    }

    @Test
    void stopPausesDeliveryAndStartResumes() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = queue();
        MessageConsumer consumer = s.createConsumer(q);
        c.stop();
        s.createProducer(q).send(s.createTextMessage("after stop"));
        assertThat(consumer.receive(ABSENT_MS)).isNull();
        c.start();
        assertThat(mustReceive(consumer)).isNotNull();
    }

    @Test
    void startAndStopAreIdempotent() throws Exception {
        Connection c = track(cf().createConnection());
        c.start();
        c.start();
        c.stop();
        c.stop();
        c.start();
    }

    @Test
    void stopWaitsForListenerToReturn() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = queue();
        java.util.concurrent.CountDownLatch inListener = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean listenerDone = new java.util.concurrent.atomic.AtomicBoolean();
        s.createConsumer(q).setMessageListener(m -> {
            inListener.countDown();
            try {
                release.await(); // busy until the test lets it go, while stop() is waiting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            listenerDone.set(true);
        });
        Session ps = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        ps.createProducer(q).send(ps.createMessage());
        assertThat(inListener.await(ARRIVE_MS, java.util.concurrent.TimeUnit.MILLISECONDS))
                .isTrue();
        java.util.concurrent.atomic.AtomicBoolean doneWhenStopped = new java.util.concurrent.atomic.AtomicBoolean();
        Thread stopper = new Thread(() -> {
            try {
                c.stop();
                doneWhenStopped.set(listenerDone.get());
            } catch (jakarta.jms.JMSException e) {
                throw new java.lang.IllegalStateException(e);
            }
        });
        stopper.start();
        stopper.join(ABSENT_MS); // a stop() that does not wait returns meanwhile, with the listener still busy
        release.countDown();
        stopper.join(ARRIVE_MS);
        // Section 6.1.5: stop does not return until delivery of messages has paused, i.e. listeners returned.
        assertThat(doneWhenStopped).isTrue();
    }

    @Test
    void closeIsIdempotent() throws Exception {
        Connection c = cf().createConnection();
        c.close();
        c.close();
    }

    @Test
    void exceptionListenerCanBeSetAndRead() throws Exception {
        Connection c = track(cf().createConnection());
        assertThat(c.getExceptionListener()).isNull();
        jakarta.jms.ExceptionListener l = e -> {};
        c.setExceptionListener(l);
        assertThat(c.getExceptionListener()).isSameAs(l);
    }

    @Test
    void createSessionVariantsGiveTheRequestedMode() throws Exception {
        Connection c = track(cf().createConnection());
        assertThat(c.createSession().getAcknowledgeMode()).isEqualTo(Session.AUTO_ACKNOWLEDGE);
        assertThat(c.createSession(Session.CLIENT_ACKNOWLEDGE).getAcknowledgeMode())
                .isEqualTo(Session.CLIENT_ACKNOWLEDGE);
        assertThat(c.createSession(Session.DUPS_OK_ACKNOWLEDGE).getAcknowledgeMode())
                .isEqualTo(Session.DUPS_OK_ACKNOWLEDGE);
        Session tx = c.createSession(Session.SESSION_TRANSACTED);
        assertThat(tx.getTransacted()).isTrue();
        assertThat(tx.getAcknowledgeMode()).isEqualTo(Session.SESSION_TRANSACTED);
        Session tx2 = c.createSession(true, Session.AUTO_ACKNOWLEDGE);
        assertThat(tx2.getTransacted()).isTrue();
        assertThat(c.createSession(false, Session.CLIENT_ACKNOWLEDGE).getTransacted())
                .isFalse();
    }

    @Test
    void invalidSessionModeIsRejected() throws Exception {
        Connection c = track(cf().createConnection());
        // The specification names no exception for an unknown mode; Artemis throws JMSRuntimeException.
        assertThatThrownBy(() -> c.createSession(false, 99))
                .isInstanceOfAny(JMSException.class, jakarta.jms.JMSRuntimeException.class);
    }

    @Test
    void messagesSentOnOneConnectionArriveOnAnother() throws Exception {
        Queue q = queue();
        Session ps = session();
        ps.createProducer(q).send(ps.createTextMessage("across"));
        Session cs = session();
        Message m = mustReceive(cs.createConsumer(q));
        assertThat(((TextMessage) m).getText()).isEqualTo("across");
    }
}
