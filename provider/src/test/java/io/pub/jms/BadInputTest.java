package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.InvalidSelectorRuntimeException;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Extreme and wrong values: refused with a message that names them, or honoured without overflow. */
class BadInputTest extends JmsTestBase {
    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    @Test
    void receiveWithTheLongestTimeoutWaitsForAMessage() throws Exception {
        Connection c = track(factory().createConnection());
        c.start();
        Session s = c.createSession();
        Queue q = s.createQueue(name("forever"));
        MessageConsumer consumer = s.createConsumer(q);
        CompletableFuture<Message> got = CompletableFuture.supplyAsync(() -> {
            try {
                return consumer.receive(Long.MAX_VALUE);
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        });
        // it must still be waiting: before the fix Long.MAX_VALUE overflowed and it returned null at once
        assertThat(got.completeOnTimeout(null, ABSENT_MS, TimeUnit.MILLISECONDS).isDone())
                .isFalse();
        Session other = c.createSession();
        other.createProducer(q).send(other.createTextMessage("late"));
        assertThat(got.get(ARRIVE_MS, TimeUnit.MILLISECONDS).getBody(String.class))
                .isEqualTo("late");
    }

    @Test
    void receiveBodyWithTheLongestTimeoutWaitsForAMessage() throws Exception {
        JMSContext ctx = track(factory().createContext());
        Queue q = ctx.createQueue(name("forever-body"));
        var consumer = ctx.createConsumer(q);
        CompletableFuture<String> got =
                CompletableFuture.supplyAsync(() -> consumer.receiveBody(String.class, Long.MAX_VALUE));
        assertThat(got.completeOnTimeout(null, ABSENT_MS, TimeUnit.MILLISECONDS).isDone())
                .isFalse();
        try (JMSContext other = ctx.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            other.createProducer().send(q, "late");
        }
        assertThat(got.get(ARRIVE_MS, TimeUnit.MILLISECONDS)).isEqualTo("late");
    }

    @Test
    void theLongestDelayAndTimeToLiveSaturateInsteadOfOverflowing() throws Exception {
        Connection c = track(factory().createConnection());
        c.start();
        Session s = c.createSession();
        Queue delayed = s.createQueue(name("max-delay"));
        MessageProducer p = s.createProducer(delayed);
        p.setDeliveryDelay(Long.MAX_VALUE);
        Message sent = s.createTextMessage("never yet");
        p.send(sent);
        assertThat(sent.getJMSDeliveryTime()).isEqualTo(Long.MAX_VALUE);
        assertThat(s.createConsumer(delayed).receive(ABSENT_MS))
                .as("delayed forever")
                .isNull();

        Queue lasting = s.createQueue(name("max-ttl"));
        MessageProducer q = s.createProducer(lasting);
        q.setTimeToLive(Long.MAX_VALUE);
        q.send(s.createTextMessage("lasting"));
        Message m = s.createConsumer(lasting).receive(ARRIVE_MS);
        assertThat(m).isNotNull();
        assertThat(m.getJMSExpiration()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void negativeDelayAndTimeToLiveAreRefusedNamingThem() throws Exception {
        Connection c = track(factory().createConnection());
        Session s = c.createSession();
        MessageProducer p = s.createProducer(s.createQueue(name("negative")));
        assertThatThrownBy(() -> p.setDeliveryDelay(-1))
                .isInstanceOf(JMSException.class)
                .hasMessageContaining("deliveryDelay");
        assertThatThrownBy(() -> p.setTimeToLive(-1))
                .isInstanceOf(JMSException.class)
                .hasMessageContaining("timeToLive");
        assertThatThrownBy(() -> p.send(s.createTextMessage("x"), jakarta.jms.DeliveryMode.PERSISTENT, 4, -5))
                .isInstanceOf(JMSException.class)
                .hasMessageContaining("timeToLive");
        JMSContext ctx = track(factory().createContext());
        assertThatThrownBy(() -> ctx.createProducer().setTimeToLive(-1))
                .isInstanceOf(JMSRuntimeException.class)
                .hasMessageContaining("timeToLive");
        assertThatThrownBy(() -> ctx.createProducer().setDeliveryDelay(-1))
                .isInstanceOf(JMSRuntimeException.class)
                .hasMessageContaining("deliveryDelay");
    }

    @Test
    void aSelectorOnTheDeliveryCountIsRefusedInsteadOfMatchingNothing() throws Exception {
        Connection c = track(factory().createConnection());
        Session s = c.createSession();
        Queue q = s.createQueue(name("count-selector"));
        assertThatThrownBy(() -> s.createConsumer(q, "JMSXDeliveryCount > 1"))
                .isInstanceOf(InvalidSelectorException.class)
                .hasMessageContaining("JMSXDeliveryCount");
        assertThatThrownBy(() -> s.createConsumer(q, "color = 'red' AND NOT (JMSXDeliveryCount BETWEEN 1 AND 3)"))
                .isInstanceOf(InvalidSelectorException.class)
                .hasMessageContaining("JMSXDeliveryCount");
        JMSContext ctx = track(factory().createContext());
        assertThatThrownBy(() -> ctx.createConsumer(q, "JMSXDeliveryCount IS NULL"))
                .isInstanceOf(InvalidSelectorRuntimeException.class);
        assertThatThrownBy(() -> s.createConsumer(q, "a = 1 OR b = 2 OR JMSXDeliveryCount > 1"))
                .isInstanceOf(InvalidSelectorException.class);
        s.createConsumer(q, "color = 'red'").close(); // other selectors are fine
        s.createConsumer(q, "a = 1 OR b = 2 OR c = 3 OR d IS NULL").close(); // more than two terms
        s.createConsumer(q, "name = 'JMSXDeliveryCount' OR note = 'it''s JMSXDeliveryCount'")
                .close(); // a literal names nothing
        s.createConsumer(q, "JMSXDeliveryCountry = 'x'").close(); // nor a longer identifier
    }

    record Gadget(String payload) implements Serializable {}

    @Test
    void objectMessagesDeserializeOnlyAllowedClasses() throws Exception {
        Connection c = track(factory().createConnection());
        c.start();
        Session s = c.createSession();
        Queue q = s.createQueue(name("objects"));
        MessageProducer p = s.createProducer(q);
        MessageConsumer consumer = s.createConsumer(q);
        p.send(s.createObjectMessage(new Gadget("boom")));
        ObjectMessage refused = (ObjectMessage) consumer.receive(ARRIVE_MS);
        assertThatThrownBy(refused::getObject)
                .isInstanceOf(MessageFormatException.class)
                .hasMessageContaining(Gadget.class.getName())
                .hasMessageContaining(DeserializationPolicy.ALLOW);

        List<String> list = new ArrayList<>(List.of("a", "b"));
        p.send(s.createObjectMessage(new ArrayList<>(list)));
        assertThat(((ObjectMessage) consumer.receive(ARRIVE_MS)).getObject()).isEqualTo(list);

        System.setProperty(DeserializationPolicy.ALLOW, "java.lang,io.pub.jms.BadInputTest");
        try {
            assertThat(refused.getObject()).isEqualTo(new Gadget("boom"));
            System.setProperty(DeserializationPolicy.DENY, "io.pub.jms.BadInputTest$Gadget");
            assertThatThrownBy(refused::getObject).hasMessageContaining(DeserializationPolicy.DENY);
        } finally {
            System.clearProperty(DeserializationPolicy.ALLOW);
            System.clearProperty(DeserializationPolicy.DENY);
        }
    }
}
