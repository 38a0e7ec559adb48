package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.spi.Controller;
import io.pub.spi.Subscription;
import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.Topic;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A connection whose heartbeat lapsed while it lived (its JVM paused past the heartbeat TTL) is told
 * through its ExceptionListener; it goes on if nothing it owned was reaped meanwhile, and closes
 * itself if something was.
 */
class HeartbeatLapseTest extends JmsTestBase {
    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    @Test
    void aLapseThatCostNothingIsReportedAndTheConnectionGoesOn() throws Exception {
        Connection c = track(factory("heartbeat=2s").createConnection());
        BlockingQueue<JMSException> errors = new LinkedBlockingQueue<>();
        c.setExceptionListener(errors::add);
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue replies = s.createTemporaryQueue();

        TestStores.CLOCK.advance(Duration.ofSeconds(30)); // as if this JVM had paused past its heartbeat

        JMSException e = errors.poll(ARRIVE_MS, TimeUnit.MILLISECONDS);
        assertThat(e).isNotNull();
        assertThat(e.getErrorCode()).isEqualTo(PubConnection.HEARTBEAT_LAPSED);
        assertThat(e.getMessage()).contains("heartbeat").contains("lapsed").contains("nothing it owned was removed");
        c.start();
        send(s, replies, "still here");
        assertThat(receiveTexts(s.createConsumer(replies), 1)).containsExactly("still here");
    }

    @Test
    void aLapseDuringWhichAnotherJvmReapedWhatItOwnedClosesTheConnection() throws Exception {
        Connection c = track(factory("heartbeat=2s").createConnection());
        BlockingQueue<JMSException> errors = new LinkedBlockingQueue<>();
        c.setExceptionListener(errors::add);
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue replies = s.createTemporaryQueue();
        Topic topic = s.createTopic(name("t"));
        s.createConsumer(topic);
        // what another JVM's housekeeping does once it sees the heartbeat lapsed
        Controller store = ((PubConnection) c).pub().controller();
        store.deleteTopic(replies.getQueueName());
        for (Subscription sub : store.subscriptions(topic.getTopicName())) {
            store.deleteSubscription(topic.getTopicName(), sub.id());
        }

        TestStores.CLOCK.advance(Duration.ofSeconds(30));

        // a loaded machine may also delay a renewal in real time: such a lapse, before anything was
        // reaped, is reported as harmless; the one that matters is the lapse that finds the losses
        JMSException e;
        do {
            e = errors.poll(ARRIVE_MS, TimeUnit.MILLISECONDS);
            assertThat(e).isNotNull();
            assertThat(e.getErrorCode()).isEqualTo(PubConnection.HEARTBEAT_LAPSED);
        } while (e.getMessage().contains("nothing it owned was removed"));
        assertThat(e.getMessage())
                .contains(replies.getQueueName())
                .contains("subscription")
                .contains("The connection is closed");
        try {
            c.createSession();
            throw new AssertionError("the connection should refuse new sessions");
        } catch (IllegalStateException closed) {
            assertThat(closed.getMessage()).contains("heartbeat");
        }
    }
}
