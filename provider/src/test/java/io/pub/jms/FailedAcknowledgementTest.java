package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.spi.StoreException;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An acknowledgement the store fails never loses a message and never keeps one for ever: a receive
 * whose acknowledgement's outcome is unknown hands the message out (and tells the ExceptionListener),
 * and deliveries whose acknowledgement failed are no longer renewed, so they come again once their
 * lease lapses, also after their consumer closed.
 */
class FailedAcknowledgementTest extends JmsTestBase {
    private final String storeName = "acks-" + UUID.randomUUID();

    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    @AfterEach
    void heal() {
        FaultyStore.heal(storeName);
    }

    private Connection faulty(BlockingQueue<JMSException> errors) throws JMSException {
        return faulty(errors, "");
    }

    private Connection faulty(BlockingQueue<JMSException> errors, String options) throws JMSException {
        PubConnectionFactory f = new PubConnectionFactory(
                "faulty:" + storeName + "?leaseDuration=10s" + options, TestStores.SETTINGS, TestStores.CLOCK);
        Connection c = track(f.createConnection());
        c.setExceptionListener(errors::add);
        c.start();
        return c;
    }

    @Test
    void aReceiveWhoseAcknowledgementWasAppliedButNotAnsweredStillHandsTheMessageOut() throws Exception {
        BlockingQueue<JMSException> errors = new LinkedBlockingQueue<>();
        Connection c = faulty(errors);
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        send(s, q, "only");
        MessageConsumer consumer = s.createConsumer(q);
        // the store applies the acknowledgement, and its reply is lost (a timeout after the write)
        FaultyStore.failAfter(storeName, "markDone", () -> new StoreException("reply lost"));
        Message m = consumer.receive(ARRIVE_MS);
        assertThat(text(m)).isEqualTo("only");
        JMSException reported = errors.poll(ARRIVE_MS, TimeUnit.MILLISECONDS);
        assertThat(reported).isNotNull();
        assertThat(reported.getMessage()).contains("handed out all the same").contains("reply lost");
    }

    @Test
    void deliveriesWhoseBlockingAcknowledgementFailedAreNotRenewedForEver() throws Exception {
        BlockingQueue<JMSException> errors = new LinkedBlockingQueue<>();
        Connection c = faulty(errors, "&blockOnAcknowledge=true");
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        send(s, q, "held");
        MessageConsumer consumer = s.createConsumer(q);
        Message m = consumer.receive(ARRIVE_MS);
        assertThat(text(m)).isEqualTo("held");

        FaultyStore.fail(storeName, "markDone", () -> new StoreException("acknowledge refused"));
        assertThatThrownBy(m::acknowledge).isInstanceOf(JMSException.class).hasMessageContaining("refused");
        FaultyStore.heal(storeName);
        consumer.close();
        s.close();
        assertLapsesAndComesAgain(c, q, consumer);
    }

    @Test
    void deliveriesWhoseBackgroundAcknowledgementFailedAreReportedAndNotRenewedForEver() throws Exception {
        BlockingQueue<JMSException> errors = new LinkedBlockingQueue<>();
        Connection c = faulty(errors);
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        send(s, q, "held");
        MessageConsumer consumer = s.createConsumer(q);
        Message m = consumer.receive(ARRIVE_MS);
        assertThat(text(m)).isEqualTo("held");

        FaultyStore.fail(storeName, "markDone", () -> new StoreException("acknowledge refused"));
        m.acknowledge(); // returns before the write, which fails in the background
        JMSException reported = errors.poll(ARRIVE_MS, TimeUnit.MILLISECONDS);
        assertThat(reported).isNotNull();
        assertThat(reported.getMessage()).contains("may be delivered again").contains("refused");
        FaultyStore.heal(storeName);
        consumer.close();
        s.close();
        assertLapsesAndComesAgain(c, q, consumer);
    }

    private void assertLapsesAndComesAgain(Connection c, Queue q, MessageConsumer consumer) throws JMSException {
        // nobody renews it any more in this JVM (before, the closed consumer renewed its lease for ever)
        assertThat(((PubMessageConsumer) consumer).subscriber().outstanding()).isEmpty();
        TestStores.CLOCK.advance(Duration.ofSeconds(11)); // its lease lapses
        Session again = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Message back = again.createConsumer(q).receive(ARRIVE_MS);
        assertThat(text(back)).isEqualTo("held");
        assertThat(back.getJMSRedelivered()).isTrue();
    }

    @Test
    void deliveriesWhoseGiveBackFailedAreNotRenewedForEver() throws Exception {
        BlockingQueue<JMSException> errors = new LinkedBlockingQueue<>();
        Connection c = faulty(errors);
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        send(s, q, "given back");
        MessageConsumer consumer = s.createConsumer(q);
        assertThat(text(consumer.receive(ARRIVE_MS))).isEqualTo("given back");

        FaultyStore.fail(storeName, "release", () -> new StoreException("release refused"));
        assertThatThrownBy(s::recover).isInstanceOf(JMSException.class).hasMessageContaining("refused");
        FaultyStore.heal(storeName);

        assertThat(((PubMessageConsumer) consumer).subscriber().outstanding()).isEmpty();
        TestStores.CLOCK.advance(Duration.ofSeconds(11));
        Message back = consumer.receive(ARRIVE_MS);
        assertThat(text(back)).isEqualTo("given back");
        assertThat(back.getJMSRedelivered()).isTrue();
    }
}
