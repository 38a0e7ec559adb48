package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.Pub;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Topic subscriptions of every kind, client IDs, selectors, noLocal, temporary destinations, browsing. */
abstract class SubscriptionContract extends JmsTestBase {

    private Controller controller(Connection c) {
        return ((PubConnection) c).pub().controller();
    }

    private Connection withClientId(String clientId) throws JMSException {
        Connection c = track(factory().createConnection());
        c.setClientID(clientId);
        c.start();
        return c;
    }

    @Test
    void nonDurableSubscribersGetWhatIsPublishedWhileTheyExistAndAreRemovedOnClose() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(name("t"));
        send(s, t, "before");
        MessageConsumer a = s.createConsumer(t);
        MessageConsumer b = s.createConsumer(t);
        send(s, t, "x", "y");
        assertThat(receiveTexts(a, 2)).containsExactly("x", "y");
        assertThat(receiveTexts(b, 2)).containsExactly("x", "y");
        assertThat(controller(c).subscriptions(t.getTopicName())).hasSize(2);
        a.close();
        b.close();
        assertThat(controller(c).subscriptions(t.getTopicName())).isEmpty();
    }

    @Test
    void aListenerMayCloseItsOwnConsumer() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(name("t"));
        MessageConsumer consumer = s.createConsumer(t);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        consumer.setMessageListener(m -> {
            try {
                consumer.close();
            } catch (Throwable e) {
                errors.add(e);
            }
            done.countDown();
        });
        send(s, t, "x", "y");
        assertThat(done.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(errors).isEmpty();
        Thread.sleep(ABSENT_MS);
        assertThat(controller(c).subscriptions(t.getTopicName())).isEmpty();
    }

    @Test
    void aNonDurableSubscriptionOfADeadConnectionIsReapedWhenItsHeartbeatLapses() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(name("t"));
        s.createConsumer(t);
        TemporaryQueue tq = s.createTemporaryQueue();
        Controller controller = controller(c);
        Pub pub = ((PubConnection) c).pub();
        assertThat(controller.subscriptions(t.getTopicName())).hasSize(1);
        // As if the JVM had died: its heartbeat is not renewed in time.
        TestStores.CLOCK.advance(Duration.ofMinutes(5));
        pub.housekeep();
        assertThat(controller.subscriptions(t.getTopicName())).isEmpty();
        assertThat(controller.topic(tq.getQueueName())).isEmpty();
    }

    @Test
    void aDurableSubscriptionKeepsMessagesWhileItsConsumerIsClosed() throws Exception {
        Connection c = withClientId(name("cid"));
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(name("t"));
        MessageConsumer d = s.createDurableConsumer(t, "sub one/with:odd chars");
        d.close();
        send(s, t, "while closed");
        MessageConsumer again = s.createDurableConsumer(t, "sub one/with:odd chars");
        assertThat(receiveTexts(again, 1)).containsExactly("while closed");
        again.close();
        s.unsubscribe("sub one/with:odd chars");
        assertThat(controller(c).subscriptions(t.getTopicName())).isEmpty();
    }

    @Test
    void anUnsharedDurableSubscriptionNeedsAClientIdAndHasOneActiveConsumer() throws Exception {
        Session anonymous = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = anonymous.createTopic(name("t"));
        assertThatThrownBy(() -> anonymous.createDurableConsumer(t, "d")).isInstanceOf(IllegalStateException.class);
        Connection c = withClientId(name("cid"));
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        s.createDurableConsumer(t, "d");
        Session other = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThatThrownBy(() -> other.createDurableConsumer(t, "d")).isInstanceOf(JMSException.class);
        assertThatThrownBy(() -> other.createSharedDurableConsumer(t, "d")).isInstanceOf(JMSException.class);
        assertThatThrownBy(() -> s.unsubscribe("d")).isInstanceOf(JMSException.class);
    }

    @Test
    void theActiveConsumerClaimIsReleasedWhenItsConnectionCloses() throws Exception {
        String cid = name("cid");
        Connection c = withClientId(cid);
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(name("t"));
        s.createDurableConsumer(t, "d");
        send(s, t, "kept");
        c.close();
        Connection c2 = withClientId(cid);
        Session s2 = c2.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThat(receiveTexts(s2.createDurableConsumer(t, "d"), 1)).containsExactly("kept");
    }

    @Test
    void aDurableSubscriptionReopenedWithAnotherSelectorOrTopicStartsAfresh() throws Exception {
        Connection c = withClientId(name("cid"));
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(name("t"));
        Topic t2 = s.createTopic(name("t2"));
        s.createDurableConsumer(t, "d", "n > 0", false).close();
        MessageProducer p = s.createProducer(t);
        Message m = s.createTextMessage("old");
        m.setIntProperty("n", 1);
        p.send(m);
        MessageConsumer reopened = s.createDurableConsumer(t, "d", "n > 10", false);
        assertNothing(reopened);
        reopened.close();
        s.createDurableConsumer(t2, "d").close();
        assertThat(controller(c).subscriptions(t.getTopicName())).isEmpty();
        assertThat(controller(c).subscriptions(t2.getTopicName())).hasSize(1);
    }

    @Test
    void unsubscribeChecksTheName() throws Exception {
        Connection c = withClientId(name("cid"));
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThatThrownBy(() -> s.unsubscribe("never")).isInstanceOf(InvalidDestinationException.class);
        Topic t = s.createTopic(name("t"));
        MessageConsumer d = s.createDurableConsumer(t, "d");
        assertThatThrownBy(() -> s.unsubscribe("d")).isInstanceOf(IllegalStateException.class);
        d.close();
        send(s, t, "dropped");
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer inTx = tx.createDurableConsumer(t, "d");
        assertThat(text(inTx.receive(ARRIVE_MS))).isEqualTo("dropped");
        inTx.close();
        assertThatThrownBy(() -> tx.unsubscribe("d")).isInstanceOf(IllegalStateException.class); // uncommitted
        tx.rollback();
        s.unsubscribe("d");
        assertNothing(s.createDurableConsumer(t, "d"));
    }

    @Test
    void aSharedDurableSubscriptionSplitsMessagesBetweenConsumers() throws Exception {
        Session s1 = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session s2 = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s1.createTopic(name("t"));
        MessageConsumer a = s1.createSharedDurableConsumer(t, "shared");
        MessageConsumer b = s2.createSharedDurableConsumer(t, "shared");
        send(s1, t, texts("m", 20));
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        long deadline = System.currentTimeMillis() + ARRIVE_MS;
        while (got.size() < 20 && System.currentTimeMillis() < deadline) {
            for (MessageConsumer c : List.of(a, b)) {
                Message m = c.receive(20);
                if (m != null) {
                    got.add(text(m));
                }
            }
        }
        assertThat(got).hasSize(20).containsExactlyInAnyOrder(texts("m", 20));
        a.close();
        b.close();
        send(s1, t, "kept");
        assertThat(receiveTexts(s1.createSharedDurableConsumer(t, "shared"), 1)).containsExactly("kept");
    }

    @Test
    void aSharedSubscriptionIsRemovedWithItsLastConsumer() throws Exception {
        Connection c1 = connection();
        Session s1 = c1.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session s2 = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s1.createTopic(name("t"));
        MessageConsumer a = s1.createSharedConsumer(t, "s");
        MessageConsumer b = s2.createSharedConsumer(t, "s");
        send(s1, t, "x");
        Message m = a.receive(200);
        if (m == null) {
            m = b.receive(ARRIVE_MS);
        }
        assertThat(text(m)).isEqualTo("x");
        a.close();
        assertThat(controller(c1).subscriptions(t.getTopicName())).hasSize(1);
        b.close();
        assertThat(controller(c1).subscriptions(t.getTopicName())).isEmpty();
    }

    @Test
    void oneSharedSubscriptionNameLivesOnOneTopicEvenWhenCreatedConcurrently() throws Exception {
        // Names are scoped by client ID, not topic: connections racing to open one name on two topics
        // end with all their consumers on one topic, the others refused.
        String sub = name("race");
        Session setup = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic[] topics = {setup.createTopic(name("t1")), setup.createTopic(name("t2"))};
        int n = 8;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        List<java.util.concurrent.Future<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Topic t = topics[i % 2];
            Session s = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
            outcomes.add(pool.submit(() -> {
                start.await();
                try {
                    s.createSharedConsumer(t, sub);
                    return t.getTopicName();
                } catch (JMSException e) {
                    return "refused";
                }
            }));
        }
        Set<String> opened = new HashSet<>();
        int refused = 0;
        for (java.util.concurrent.Future<String> f : outcomes) {
            String o = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
            if (o.equals("refused")) {
                refused++;
            } else {
                opened.add(o);
            }
        }
        pool.shutdown();
        assertThat(opened).hasSize(1);
        assertThat(refused).isEqualTo(n / 2);
        Controller registry = controller(connection());
        int registered = 0;
        for (Topic t : topics) {
            registered += (int) registry.subscriptions(t.getTopicName()).stream()
                    .filter(x -> x.kind() == io.pub.spi.Subscription.Kind.SHARED)
                    .count();
        }
        assertThat(registered).isEqualTo(1);
    }

    @Test
    void clientIdRules() throws Exception {
        String cid = name("cid");
        Connection a = track(factory().createConnection());
        a.setClientID(cid);
        assertThat(a.getClientID()).isEqualTo(cid);
        assertThatThrownBy(() -> a.setClientID("again")).isInstanceOf(IllegalStateException.class);
        Connection b = track(factory().createConnection());
        assertThatThrownBy(() -> b.setClientID(cid)).isInstanceOf(InvalidClientIDException.class);
        assertThatThrownBy(() -> b.setClientID(null)).isInstanceOf(InvalidClientIDException.class);
        Connection used = track(factory().createConnection());
        used.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThatThrownBy(() -> used.setClientID(name("late"))).isInstanceOf(IllegalStateException.class);
        // the factory's client ID, from the URL, is claimed like any other
        PubConnectionFactory byUrl = factory("clientID=" + cid);
        assertThatThrownBy(byUrl::createConnection).isInstanceOf(InvalidClientIDException.class);
        a.close();
        Connection c = track(byUrl.createConnection());
        assertThat(c.getClientID()).isEqualTo(cid);
        assertThatThrownBy(() -> c.setClientID("other")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aQueueSelectorLeavesOtherMessagesForOtherConsumers() throws Exception {
        Session s = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageProducer p = s.createProducer(q);
        for (String color : List.of("blue", "red", "blue", "red")) {
            Message m = s.createTextMessage(color);
            m.setStringProperty("color", color);
            p.send(m);
        }
        MessageConsumer red = s.createConsumer(q, "color = 'red' AND JMSPriority = 4");
        assertThat(red.getMessageSelector()).isEqualTo("color = 'red' AND JMSPriority = 4");
        assertThat(receiveTexts(red, 2)).containsExactly("red", "red");
        assertNothing(red);
        assertThat(receiveTexts(s.createConsumer(q), 2)).containsExactly("blue", "blue");
    }

    @Test
    void aTopicSelectorMakesNonMatchingMessagesDoneForTheSubscription() throws Exception {
        Connection c = withClientId(name("cid"));
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(name("t"));
        MessageConsumer d = s.createDurableConsumer(t, "d", "color LIKE 'r%'", false);
        MessageProducer p = s.createProducer(t);
        for (String color : List.of("blue", "red")) {
            Message m = s.createTextMessage(color);
            m.setStringProperty("color", color);
            p.send(m);
        }
        assertThat(receiveTexts(d, 1)).containsExactly("red");
        d.close(); // acknowledgements are written in the background; closing the consumer writes them
        String id = SubscriptionIds.durable(c.getClientID(), "d");
        long committed = 0;
        for (int shard = 0; shard < 4; shard++) {
            committed += controller(c)
                    .cursor(id, new TopicShard(t.getTopicName(), shard))
                    .committed();
        }
        assertThat(committed).isEqualTo(2);
    }

    @Test
    void anInvalidSelectorIsRefusedAtCreation() throws Exception {
        Session s = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        assertThatThrownBy(() -> s.createConsumer(q, "color = = 'red'")).isInstanceOf(InvalidSelectorException.class);
        assertThatThrownBy(() -> s.createBrowser(q, "((")).isInstanceOf(InvalidSelectorException.class);
    }

    @Test
    void noLocalSubscribersDoNotGetTheirOwnConnectionsMessages() throws Exception {
        Connection mine = connection();
        Session s = mine.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(name("t"));
        MessageConsumer noLocal = s.createConsumer(t, null, true);
        MessageConsumer all = s.createConsumer(t);
        send(s, t, "own");
        send(connection().createSession(false, Session.AUTO_ACKNOWLEDGE), t, "other");
        assertThat(receiveTexts(noLocal, 1)).containsExactly("other");
        assertNothing(noLocal);
        assertThat(receiveTexts(all, 2)).containsExactlyInAnyOrder("own", "other");
    }

    @Test
    void aRequestorGetsItsReplyThroughATemporaryQueue() throws Exception {
        Connection server = connection();
        Session ss = server.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue requests = ss.createQueue(name("requests"));
        MessageProducer replier = ss.createProducer(null);
        ss.createConsumer(requests).setMessageListener(m -> {
            try {
                Message reply = ss.createTextMessage("re: " + text(m));
                reply.setJMSCorrelationID(m.getJMSMessageID());
                replier.send(m.getJMSReplyTo(), reply);
            } catch (JMSException e) {
                throw new RuntimeException(e);
            }
        });
        Connection client = connection();
        Session cs = client.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue replies = cs.createTemporaryQueue();
        Message request = cs.createTextMessage("ping");
        request.setJMSReplyTo(replies);
        cs.createProducer(requests).send(request);
        MessageConsumer replyConsumer = cs.createConsumer(replies);
        Message reply = replyConsumer.receive(ARRIVE_MS);
        assertThat(text(reply)).isEqualTo("re: ping");
        assertThat(reply.getJMSCorrelationID()).isEqualTo(request.getJMSMessageID());

        // only the creating connection may consume; deletion waits for its consumers
        assertThatThrownBy(() -> ss.createConsumer(replies)).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(replies::delete).isInstanceOf(JMSException.class);
        replyConsumer.close();
        replies.delete();
        assertThatThrownBy(() -> cs.createProducer(replies).send(cs.createTextMessage("late")))
                .isInstanceOf(InvalidDestinationException.class);
        assertThat(controller(client).topic(replies.getQueueName())).isEmpty();
    }

    @Test
    void temporaryDestinationsGoWithTheirConnection() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryTopic tt = s.createTemporaryTopic();
        TemporaryQueue tq = s.createTemporaryQueue();
        MessageConsumer onTopic = s.createConsumer(tt);
        send(s, tt, "t");
        assertThat(receiveTexts(onTopic, 1)).containsExactly("t");
        Controller controller = controller(connection());
        assertThat(controller.topic(tq.getQueueName())).isPresent();
        c.close();
        assertThat(controller.topic(tq.getQueueName())).isEmpty();
        assertThat(controller.topic(tt.getTopicName())).isEmpty();
    }

    @Test
    void aBrowserShowsWhatIsNotAcknowledgedWithoutTakingIt() throws Exception {
        Session s = connection().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageProducer p = s.createProducer(q);
        for (int i = 0; i < 5; i++) {
            Message m = s.createTextMessage("m" + i);
            m.setIntProperty("i", i);
            p.send(m);
        }
        MessageConsumer consumer = s.createConsumer(q);
        consumer.receive(ARRIVE_MS).acknowledge();
        consumer.receive(ARRIVE_MS); // leased, not acked: still shown
        QueueBrowser b = s.createBrowser(q, "i >= 1");
        List<String> seen = new ArrayList<>();
        for (var e = b.getEnumeration(); e.hasMoreElements(); ) {
            seen.add(text((Message) e.nextElement()));
        }
        assertThat(seen).containsExactly("m1", "m2", "m3", "m4");
        b.close();
        assertThat(receiveTexts(consumer, 3)).containsExactly("m2", "m3", "m4");
    }

    @Test
    void subscriptionNamesMapToValidStoreIds() {
        Set<String> ids = new HashSet<>();
        for (String n : List.of("plain", "with space", "ünïcödé", "x".repeat(500), "a:b", "a_b")) {
            String id = SubscriptionIds.durable("client/1", n);
            io.pub.Names.checkSubscription(id, "id");
            ids.add(id);
        }
        assertThat(ids).hasSize(6);
        assertThat(SubscriptionIds.durable("c", "plain")).isEqualTo("d:c:plain");
    }
}
