package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Jakarta Messaging 3.1 sections 8.3.2 and 8.3.4: shared non-durable and shared durable subscriptions. */
class Ch08SharedSubscriptionsTest extends TckTest {

    private void publish(Topic t, int count) throws Exception {
        Session s = session();
        MessageProducer p = s.createProducer(t);
        for (int i = 0; i < count; i++) {
            p.send(s.createTextMessage("m" + i));
        }
    }

    /** Receives from both consumers until neither has more; returns the texts, failing on a duplicate. */
    private static Set<String> receiveAll(MessageConsumer... consumers) throws Exception {
        Set<String> seen = new HashSet<>();
        boolean any = true;
        while (any) {
            any = false;
            for (MessageConsumer c : consumers) {
                Message m = c.receive(ABSENT_MS);
                if (m != null) {
                    any = true;
                    assertThat(seen.add(((TextMessage) m).getText()))
                            .as("delivered once")
                            .isTrue();
                }
            }
        }
        return seen;
    }

    @Test
    void sharedConsumersSplitTheMessages() throws Exception {
        Topic t = topic();
        String name = subscriptionName("s");
        MessageConsumer a = session().createSharedConsumer(t, name);
        MessageConsumer b = session().createSharedConsumer(t, name);
        MessageConsumer other = session().createConsumer(t);
        publish(t, 10);
        assertThat(receiveAll(a, b)).hasSize(10);
        assertThat(receiveAll(other)).hasSize(10);
    }

    @Test
    void sharedSubscriptionIsRemovedWithItsLastConsumer() throws Exception {
        Topic t = topic();
        String name = subscriptionName("s");
        MessageConsumer a = session().createSharedConsumer(t, name);
        publish(t, 1);
        assertThat(receiveAll(a)).hasSize(1);
        a.close();
        publish(t, 1);
        MessageConsumer later = session().createSharedConsumer(t, name);
        mustNotReceive(later);
    }

    @Test
    void sharedSubscriptionWithSelector() throws Exception {
        Topic t = topic();
        String name = subscriptionName("s");
        MessageConsumer a = session().createSharedConsumer(t, name, "n >= 5");
        MessageConsumer b = session().createSharedConsumer(t, name, "n >= 5");
        Session s = session();
        for (int n = 0; n < 10; n++) {
            Message m = s.createTextMessage("m" + n);
            m.setIntProperty("n", n);
            s.createProducer(t).send(m);
        }
        assertThat(receiveAll(a, b)).containsExactlyInAnyOrder("m5", "m6", "m7", "m8", "m9");
    }

    @Test
    void sharedConsumerWithDifferentSelectorWhileActiveFails() throws Exception {
        Topic t = topic();
        String name = subscriptionName("s");
        Session s = session();
        s.createSharedConsumer(t, name, "n = 1");
        assertThatThrownBy(() -> s.createSharedConsumer(t, name, "n = 2")).isInstanceOf(JMSException.class);
    }

    @Test
    void sharedConsumerWithDifferentTopicWhileActiveFails() throws Exception {
        // Section 8.3.2: shared subscription names are scoped by client identifier, not by topic.
        String name = subscriptionName("s");
        MessageConsumer active = session().createSharedConsumer(topic("First"), name);
        Topic second = topic("Second");
        Session same = session();
        assertThatThrownBy(() -> same.createSharedConsumer(second, name)).isInstanceOf(JMSException.class);
        // a consumer from another connection (also without client ID) meets the same subscription
        Session other = session();
        assertThatThrownBy(() -> other.createSharedConsumer(second, name)).isInstanceOf(JMSException.class);
        active.close();
    }

    @Test
    void sharedConsumerNameIsFreeForAnotherTopicOnceItsLastConsumerClosed() throws Exception {
        assumePub("Artemis deletes the subscription's queue some time after its last consumer closed,"
                + " and refuses the name until then (AMQ229082)");
        String name = subscriptionName("s");
        Topic first = topic("First");
        Topic second = topic("Second");
        session().createSharedConsumer(first, name).close();
        // without consumers the subscription is gone, and the name can be used for the other topic
        MessageConsumer onSecond = session().createSharedConsumer(second, name);
        publish(first, 1);
        publish(second, 2);
        assertThat(receiveAll(onSecond)).containsExactlyInAnyOrder("m0", "m1");
    }

    @Test
    void sharedDurableWithDifferentTopicIsReplacedWhenItHasNoActiveConsumer() throws Exception {
        // Session.createSharedDurableConsumer: with no active consumer, a different topic or selector is as
        // unsubscribe followed by creation: the old subscription's messages are gone.
        assumePub("Artemis refuses to move an inactive shared durable subscription to another topic (AMQ229082)");
        String name = subscriptionName("sd");
        Topic first = topic("First");
        Topic second = topic("Second");
        Session s = session();
        s.createSharedDurableConsumer(first, name).close();
        publish(first, 1);
        MessageConsumer onSecond = s.createSharedDurableConsumer(second, name);
        publish(second, 1);
        assertThat(receiveAll(onSecond)).containsExactly("m0"); // the one sent to the second topic only
        onSecond.close();
        s.unsubscribe(name);
    }

    @Test
    void sharedConsumerNamesOfDifferentClientIdsAreSeparate() throws Exception {
        String name = subscriptionName("s");
        Connection withId = track(clientIdCf().createConnection());
        withId.start();
        MessageConsumer scoped =
                withId.createSession(false, Session.AUTO_ACKNOWLEDGE).createSharedConsumer(topic("First"), name);
        MessageConsumer unscoped = session().createSharedConsumer(topic("Second"), name);
        publish(topic("Second"), 1);
        assertThat(receiveAll(unscoped)).containsExactly("m0");
        assertThat(receiveAll(scoped)).isEmpty();
    }

    @Test
    void sharedDurableSubscriptionKeepsMessagesWithoutConsumers() throws Exception {
        Topic t = topic();
        String name = subscriptionName("sd");
        Session s = session();
        s.createSharedDurableConsumer(t, name).close();
        publish(t, 3);
        MessageConsumer a = s.createSharedDurableConsumer(t, name);
        MessageConsumer b = session().createSharedDurableConsumer(t, name);
        assertThat(receiveAll(a, b)).containsExactlyInAnyOrder("m0", "m1", "m2");
        a.close();
        b.close();
        s.unsubscribe(name);
    }

    @Test
    void sharedDurableConsumersAcrossConnectionsSplitTheMessages() throws Exception {
        Topic t = topic();
        String name = subscriptionName("sd");
        Session s1 = session();
        Session s2 = session();
        MessageConsumer a = s1.createSharedDurableConsumer(t, name);
        MessageConsumer b = s2.createSharedDurableConsumer(t, name);
        publish(t, 20);
        assertThat(receiveAll(a, b)).hasSize(20);
        a.close();
        b.close();
        s1.unsubscribe(name);
    }

    @Test
    void sharedDurableSubscriptionIsScopedByClientIdWhenSet() throws Exception {
        Topic t = topic();
        String name = subscriptionName("sd");
        Connection withId = track(clientIdCf().createConnection());
        withId.start();
        Session s1 = withId.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session s2 = session();
        MessageConsumer a = s1.createSharedDurableConsumer(t, name);
        MessageConsumer b = s2.createSharedDurableConsumer(t, name);
        publish(t, 2);
        // Different client identifiers (one unset) mean different subscriptions: each gets everything.
        assertThat(receiveAll(a)).hasSize(2);
        assertThat(receiveAll(b)).hasSize(2);
        a.close();
        b.close();
        s1.unsubscribe(name);
        s2.unsubscribe(name);
    }

    @Test
    void sharedDurableWithDifferentTopicWhileActiveFails() throws Exception {
        String name = subscriptionName("sd");
        Session s = session();
        MessageConsumer active = s.createSharedDurableConsumer(topic("First"), name);
        assertThatThrownBy(() -> s.createSharedDurableConsumer(topic("Second"), name))
                .isInstanceOf(JMSException.class);
        active.close();
        s.unsubscribe(name);
    }

    @Test
    void sharedDurableWithDifferentSelectorWhileActiveFails() throws Exception {
        Topic t = topic();
        String name = subscriptionName("sd");
        Session s = session();
        MessageConsumer active = s.createSharedDurableConsumer(t, name, "n = 1");
        assertThatThrownBy(() -> s.createSharedDurableConsumer(t, name, "n = 2"))
                .isInstanceOf(JMSException.class);
        active.close();
        s.unsubscribe(name);
    }

    @Test
    void sharedDurableWithDifferentTopicFromAnotherConnectionWhileActiveFails() throws Exception {
        String name = subscriptionName("sd");
        MessageConsumer active = session().createSharedDurableConsumer(topic("First"), name);
        Session other = session();
        assertThatThrownBy(() -> other.createSharedDurableConsumer(topic("Second"), name))
                .isInstanceOf(JMSException.class);
        active.close();
        other.unsubscribe(name);
    }

    // With no active consumer, a different selector should replace a shared durable subscription
    // (Session.createSharedDurableConsumer javadoc); Artemis refuses instead (AMQ229083), so it is not judged.

    @Test
    void unsubscribeOfSharedDurableWithActiveConsumerFails() throws Exception {
        Topic t = topic();
        String name = subscriptionName("sd");
        Session s = session();
        MessageConsumer active = s.createSharedDurableConsumer(t, name);
        assertThatThrownBy(() -> s.unsubscribe(name)).isInstanceOf(JMSException.class);
        active.close();
        s.unsubscribe(name);
    }

    @Test
    void sharedDurableCannotReuseTheNameOfAnUnsharedOne() throws Exception {
        Topic t = topic();
        String name = subscriptionName("sd");
        Connection c = track(clientIdCf().createConnection());
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer shared = s.createSharedDurableConsumer(t, name);
        assertThatThrownBy(() -> s.createDurableConsumer(t, name)).isInstanceOf(JMSException.class);
        shared.close();
        s.unsubscribe(name);
    }

    @Test
    void sharedDurableAndSharedNonDurableNamesAreSeparate() throws Exception {
        Topic t = topic();
        String name = subscriptionName("both");
        Session s = session();
        MessageConsumer durable = s.createSharedDurableConsumer(t, name);
        MessageConsumer nonDurable = s.createSharedConsumer(t, name);
        publish(t, 1);
        assertThat(receiveAll(durable)).hasSize(1);
        assertThat(receiveAll(nonDurable)).hasSize(1);
        durable.close();
        nonDurable.close();
        s.unsubscribe(name);
    }

    @Test
    void invalidSelectorsAreRejectedForEverySubscriptionKind() throws Exception {
        Topic t = topic();
        Connection c = track(clientIdCf().createConnection());
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        String bad = "n ==";
        assertThatThrownBy(() -> s.createSharedConsumer(t, subscriptionName("a"), bad))
                .isInstanceOf(jakarta.jms.InvalidSelectorException.class);
        assertThatThrownBy(() -> s.createSharedDurableConsumer(t, subscriptionName("b"), bad))
                .isInstanceOf(jakarta.jms.InvalidSelectorException.class);
        assertThatThrownBy(() -> s.createDurableConsumer(t, subscriptionName("c"), bad, false))
                .isInstanceOf(jakarta.jms.InvalidSelectorException.class);
        assertThatThrownBy(() -> s.createDurableSubscriber(t, subscriptionName("d"), bad, false))
                .isInstanceOf(jakarta.jms.InvalidSelectorException.class);
    }

    @Test
    void sharedDurableSubscriptionSurvivesTheConnection() throws Exception {
        Topic t = topic();
        String name = subscriptionName("sd");
        Connection first = cf().createConnection();
        first.createSession(false, Session.AUTO_ACKNOWLEDGE)
                .createSharedDurableConsumer(t, name)
                .close();
        first.close();
        publish(t, 2);
        Session s = session();
        MessageConsumer resumed = s.createSharedDurableConsumer(t, name);
        assertThat(receiveAll(resumed)).containsExactlyInAnyOrder("m0", "m1");
        resumed.close();
        s.unsubscribe(name);
    }
}
