package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Consumers of one queue in one JVM share the engine's one reader of it: a message one consumer's
 * selector refuses reaches the local consumer whose selector takes it, and what a closing consumer
 * prefetched goes to the others as a first delivery.
 */
class LocalConsumersTest extends JmsTestBase {
    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    @Test
    void aMessageOneConsumersSelectorRefusesReachesTheLocalConsumerWhoseSelectorTakesIt() throws Exception {
        Connection c = connection("prefetch=5");
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageConsumer reds = s.createConsumer(q, "colour = 'red'");
        MessageConsumer blues = c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q, "colour = 'blue'");
        assertThat(blues.receiveNoWait()).isNull(); // both consumers have asked for messages
        MessageProducer p = s.createProducer(q);
        for (String colour : List.of("blue", "green", "red")) {
            Message m = s.createTextMessage(colour);
            m.setStringProperty("colour", colour);
            p.send(m);
        }

        Message red = reds.receive(ARRIVE_MS);
        Message blue = blues.receive(ARRIVE_MS);
        assertThat(text(red)).isEqualTo("red");
        assertThat(text(blue)).isEqualTo("blue");
        assertThat(blue.getJMSRedelivered()).isFalse();
        assertNothing(reds);
        assertNothing(blues);
        MessageConsumer greens = s.createConsumer(q, "colour = 'green'");
        assertThat(text(greens.receive(ARRIVE_MS)))
                .as("left for whoever wants it")
                .isEqualTo("green");
    }

    @Test
    void whatAClosingConsumerPrefetchedGoesToTheOtherLocalConsumerAsAFirstDelivery() throws Exception {
        Connection c = connection("prefetch=5");
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageConsumer first = s.createConsumer(q);
        MessageConsumer second =
                c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q);
        send(s, q, texts("m", 5));

        assertThat(text(first.receive(ARRIVE_MS))).isEqualTo("m0"); // and m1..m4 prefetched for it
        first.close();
        List<Message> rest = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rest.add(second.receive(ARRIVE_MS));
        }
        assertThat(rest).extracting(LocalConsumersTest::textOf).containsExactly("m1", "m2", "m3", "m4");
        for (Message m : rest) {
            assertThat(m.getJMSRedelivered()).as("never handed out before").isFalse();
            assertThat(m.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
        }
        assertNothing(second);
    }

    private static String textOf(Message m) {
        try {
            return text(m);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
