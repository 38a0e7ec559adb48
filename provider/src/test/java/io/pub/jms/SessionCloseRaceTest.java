package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Delivery;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session closed (by the application, or by its connection after a heartbeat lapse) while a receive
 * on another thread is taking a message: the message that receive still hands out goes back at once.
 * Held by the closed session, it stayed leased and renewed with nobody left to settle it (the chaos
 * run saw one held until its JVM stopped).
 */
class SessionCloseRaceTest extends JmsTestBase {
    private final String storeName = "close-race-" + UUID.randomUUID();

    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    @AfterEach
    void heal() {
        FaultyStore.heal(storeName);
    }

    private Connection onFaulty() throws Exception {
        PubConnectionFactory f = new PubConnectionFactory(
                "faulty:" + storeName + "?leaseDuration=10s", TestStores.SETTINGS, TestStores.CLOCK);
        Connection c = track(f.createConnection());
        c.start();
        return c;
    }

    @Test
    void aMessageHandedOutAsItsSessionClosesGoesBackAtOnce() throws Exception {
        Session session = onFaulty().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = session.createQueue(name("q"));
        send(session, q, "m0");
        PubMessageConsumer consumer = (PubMessageConsumer) session.createConsumer(q);

        // the interleaving of a receive on another thread with close: it has taken the message from
        // the engine, then the session closes, then the receive hands the message out
        Delivery taken = consumer.subscriber().take();
        assertThat(taken).isNotNull();
        session.close();
        ((PubSession) session).deliver(consumer, taken, false);

        // no clock advance: the message is back now, not after a lease that nobody renews any more
        Session other = onFaulty().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Message again = other.createConsumer(q).receive(ARRIVE_MS);
        assertThat(text(again)).isEqualTo("m0");
        assertThat(again.getJMSRedelivered()).as("it was handed out").isTrue();
    }
}
