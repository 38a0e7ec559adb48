package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.spi.StoreException;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A consumer that held a message past its lease (its JVM paused, so its renewals could not run)
 * does not hand it out afterwards: another consumer may have taken the lapsed lease meanwhile.
 */
class PausedConsumerTest extends JmsTestBase {
    private final String storeName = "paused-" + UUID.randomUUID();

    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    /**
     * Two messages leased at once; acknowledgements written before receive returns, so that the one
     * received is done before the pause (a background one would lapse with the pause, as it may).
     */
    private static final String HELD = "prefetch=2&leaseDuration=10s&blockOnAcknowledge=true";

    @AfterEach
    void heal() {
        FaultyStore.heal(storeName);
    }

    private Connection onFaulty(String options) throws Exception {
        PubConnectionFactory f =
                new PubConnectionFactory("faulty:" + storeName + "?" + options, TestStores.SETTINGS, TestStores.CLOCK);
        Connection c = track(f.createConnection());
        c.start();
        return c;
    }

    @Test
    void aMessageHeldPastItsLeaseIsNotHandedOut() throws Exception {
        Session a = onFaulty(HELD).createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = a.createQueue(name("q"));
        send(a, q, "m0", "m1");
        MessageConsumer paused = a.createConsumer(q);
        assertThat(text(paused.receive(ARRIVE_MS))).isEqualTo("m0"); // and m1 leased ahead, held

        // the pause: no renewal runs, and the lease runs out
        FaultyStore.fail(storeName, "renew", () -> new StoreException("paused"));
        TestStores.CLOCK.advance(Duration.ofSeconds(11));
        // (CLIENT_ACKNOWLEDGE: its receive makes no renewal, which fails in this store while "paused")
        Session b = onFaulty("").createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Message taken = b.createConsumer(q).receive(ARRIVE_MS);
        assertThat(text(taken)).isEqualTo("m1");
        assertThat(taken.getJMSRedelivered()).isTrue();
        FaultyStore.heal(storeName);

        // the paused consumer resumes: what it held lapsed and is another's now
        assertThat(paused.receive(ABSENT_MS)).isNull();
    }

    @Test
    void aHeldMessageWhoseLeaseNobodyTookIsStillHandedOutAfterAClockJump() throws Exception {
        Session a = onFaulty(HELD).createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = a.createQueue(name("q"));
        send(a, q, "m0", "m1");
        MessageConsumer consumer = a.createConsumer(q);
        assertThat(text(consumer.receive(ARRIVE_MS))).isEqualTo("m0");

        FaultyStore.fail(storeName, "renew", () -> new StoreException("paused"));
        TestStores.CLOCK.advance(Duration.ofSeconds(11));
        FaultyStore.heal(storeName);

        // nobody took the lapsed lease: it is renewed by compare-and-swap, and the message delivered once
        Message m1 = consumer.receive(ARRIVE_MS);
        assertThat(text(m1)).isEqualTo("m1");
        assertThat(m1.getJMSRedelivered()).isFalse();
        Session b = onFaulty("").createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThat(b.createConsumer(q).receive(ABSENT_MS)).isNull();
    }

    @Test
    void aPauseDuringTheAcknowledgementOfAnAutoReceiveDoesNotLetAnotherConsumerTakeTheMessage() throws Exception {
        // with blockOnAcknowledge the receive waits for its acknowledgement's write (by default it is
        // written in the background after receive returned, and a pause past the lease then costs a
        // redelivery, as a crash would)
        Session a =
                onFaulty("leaseDuration=10s&blockOnAcknowledge=true").createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = a.createQueue(name("q"));
        send(a, q, "m0");
        MessageConsumer other =
                onFaulty("").createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q);
        MessageConsumer consumer = a.createConsumer(q);
        AtomicReference<Message> taken = new AtomicReference<>();
        FaultyStore.before(storeName, "markDone", () -> {
            // the receive's acknowledgement is under way when the JVM pauses past the lease
            FaultyStore.heal(storeName);
            TestStores.CLOCK.advance(Duration.ofSeconds(11));
            try {
                taken.set(other.receiveNoWait());
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(text(consumer.receive(ARRIVE_MS))).isEqualTo("m0");
        assertThat(taken.get())
                .as("taken by another consumer during the acknowledgement")
                .isNull();
        assertThat(other.receive(ABSENT_MS)).isNull();
    }

    @Test
    void aStoreFailureWhileConfirmingAHeldMessageLeavesItHeldForTheNextReceive() throws Exception {
        // blockOnAcknowledge: the receive then renews the lease through its acknowledgement's write
        Session a = onFaulty("blockOnAcknowledge=true").createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = a.createQueue(name("q"));
        send(a, q, "m0");
        MessageConsumer consumer = a.createConsumer(q);
        FaultyStore.fail(storeName, "renew", () -> new StoreException("renew failed"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> consumer.receive(ARRIVE_MS))
                .isInstanceOf(JMSException.class);
        FaultyStore.heal(storeName);
        assertThat(text(consumer.receive(ARRIVE_MS))).isEqualTo("m0");
    }
}
