package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.TopicShard;
import io.pub.spi.Controller;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Producer features (expiry, delay, priority, groups, foreign messages), bad input, closed objects. */
abstract class ProducerContract extends JmsTestBase {

    @Test
    void anExpiredMessageIsNeverDelivered() throws Exception {
        Session s = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageProducer p = s.createProducer(q);
        p.setTimeToLive(60_000);
        Message expiring = s.createTextMessage("expires");
        p.send(expiring);
        assertThat(expiring.getJMSExpiration()).isEqualTo(expiring.getJMSTimestamp() + 60_000);
        p.setTimeToLive(0);
        p.send(s.createTextMessage("stays"));
        TestStores.CLOCK.advance(Duration.ofSeconds(61));
        MessageConsumer c = s.createConsumer(q);
        assertThat(receiveTexts(c, 1)).containsExactly("stays");
        assertNothing(c);
    }

    @Test
    void aDelayedMessageIsDeliveredOnlyFromItsDeliveryTime() throws Exception {
        Session s = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageProducer p = s.createProducer(q);
        p.setDeliveryDelay(30_000);
        assertThat(p.getDeliveryDelay()).isEqualTo(30_000);
        Message delayed = s.createTextMessage("later");
        p.send(delayed);
        assertThat(delayed.getJMSDeliveryTime()).isEqualTo(delayed.getJMSTimestamp() + 30_000);
        MessageConsumer c = s.createConsumer(q);
        assertNothing(c);
        TestStores.CLOCK.advance(Duration.ofSeconds(31));
        Message m = c.receive(ARRIVE_MS);
        assertThat(text(m)).isEqualTo("later");
        assertThat(m.getJMSDeliveryTime()).isEqualTo(delayed.getJMSDeliveryTime());
    }

    @Test
    void higherPriorityFirstAmongWhatTheConsumerHolds() throws Exception {
        Session s = connection("prefetch=10").createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageProducer p = s.createProducer(q);
        p.send(s.createTextMessage("low"), jakarta.jms.DeliveryMode.PERSISTENT, 1, 0);
        p.send(s.createTextMessage("normal"));
        p.send(s.createTextMessage("high"), jakarta.jms.DeliveryMode.PERSISTENT, 9, 0);
        MessageConsumer c = s.createConsumer(q);
        Message first = c.receive(ARRIVE_MS);
        assertThat(text(first)).isEqualTo("high");
        assertThat(first.getJMSPriority()).isEqualTo(9);
        assertThat(receiveTexts(c, 2)).containsExactly("normal", "low");
    }

    @Test
    void messagesOfOneGroupGoToOneShard() throws Exception {
        Connection conn = connection();
        Session s = conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        for (int producer = 0; producer < 3; producer++) {
            MessageProducer p = s.createProducer(q);
            for (int i = 0; i < 4; i++) {
                Message m = s.createTextMessage("g" + i);
                m.setStringProperty("JMSXGroupID", "group-1");
                m.setIntProperty("JMSXGroupSeq", i + 1);
                p.send(m);
            }
        }
        Controller controller = ((PubConnection) conn).pub().controller();
        // messages per shard (not heads: a store may reserve offsets ahead of a producer)
        List<Long> counts = new ArrayList<>();
        for (int shard = 0; shard < 4; shard++) {
            counts.add(controller.read(new TopicShard(q.getQueueName(), shard), 0, 1000).entries().stream()
                    .filter(e -> !e.isTombstone())
                    .count());
        }
        assertThat(counts).containsOnlyOnce(12L).filteredOn(h -> h != 12L).containsOnly(0L);
        Message m = s.createConsumer(q).receive(ARRIVE_MS);
        assertThat(m.getStringProperty("JMSXGroupID")).isEqualTo("group-1");
        assertThat(m.getIntProperty("JMSXGroupSeq")).isEqualTo(1);
    }

    @Test
    void aForeignMessageIsCopiedAndItsHeadersAreSet() throws Exception {
        Session s = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        TextMessage original = s.createTextMessage("from elsewhere");
        original.setStringProperty("p", "v");
        TextMessage foreign = ForeignMessages.message(TextMessage.class, original);
        s.createProducer(ForeignMessages.queue(q.getQueueName())).send(foreign);
        assertThat(foreign.getJMSMessageID()).startsWith("ID:");
        Message m = s.createConsumer(q).receive(ARRIVE_MS);
        assertThat(text(m)).isEqualTo("from elsewhere");
        assertThat(m.getStringProperty("p")).isEqualTo("v");
        assertThat(m.getJMSMessageID()).isEqualTo(foreign.getJMSMessageID());
    }

    @Test
    void disabledIdsAndTimestamps() throws Exception {
        Session s = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageProducer p = s.createProducer(q);
        p.setDisableMessageID(true);
        p.setDisableMessageTimestamp(true);
        Message sent = s.createTextMessage("plain");
        p.send(sent);
        assertThat(sent.getJMSMessageID()).isNull();
        assertThat(sent.getJMSTimestamp()).isZero();
        Message m = s.createConsumer(q).receive(ARRIVE_MS);
        assertThat(m.getJMSMessageID()).isNull();
        assertThat(m.getJMSTimestamp()).isZero();
    }

    @Test
    void anonymousAndBoundProducersCheckTheirDestination() throws Exception {
        Session s = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageProducer anonymous = s.createProducer(null);
        assertThat(anonymous.getDestination()).isNull();
        anonymous.send(q, s.createTextMessage("to q"));
        assertThatThrownBy(() -> anonymous.send(s.createTextMessage("x")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> anonymous.send(null, s.createTextMessage("x")))
                .isInstanceOf(InvalidDestinationException.class);
        MessageProducer bound = s.createProducer(q);
        assertThatThrownBy(() -> bound.send(q, s.createTextMessage("x")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> bound.send(null)).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> bound.send(s.createTextMessage("x"), 7, 4, 0)).isInstanceOf(JMSException.class);
        assertThatThrownBy(() -> bound.setPriority(10)).isInstanceOf(JMSException.class);
        assertThatThrownBy(() -> bound.send(s.createTextMessage("x"), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(receiveTexts(s.createConsumer(q), 1)).containsExactly("to q");
    }

    @Test
    void badInputIsRefusedWithTheRightException() throws Exception {
        Connection c = connection();
        assertThatThrownBy(() -> c.createSession(false, 99))
                .isInstanceOf(JMSException.class)
                .hasMessageContaining("acknowledgeMode");
        assertThatThrownBy(() -> c.createSession(42)).hasMessageContaining("sessionMode");
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThatThrownBy(() -> s.createConsumer(null)).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createProducer(ForeignMessages.other()))
                .isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createQueue("no spaces / allowed")).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createTopic("")).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createDurableConsumer(null, "d")).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createBrowser(null)).isInstanceOf(InvalidDestinationException.class);
        Message m = s.createMessage();
        assertThatThrownBy(() -> m.setObjectProperty("p", new Object())).isInstanceOf(MessageFormatException.class);
        m.setStringProperty("s", "not a number");
        assertThatThrownBy(() -> m.getIntProperty("s")).isInstanceOf(NumberFormatException.class);
        m.setBooleanProperty("b", true);
        assertThatThrownBy(() -> m.getIntProperty("b")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> factory().createContext(77)).hasMessageContaining("sessionMode");
        assertThatThrownBy(() -> new PubConnectionFactory("nosuchscheme:x", TestStores.SETTINGS, TestStores.CLOCK))
                .hasMessageContaining("nosuchscheme");
        assertThatThrownBy(() -> factory("maxDeliveries=-1")).hasMessageContaining("maxDeliveries");
        assertThatThrownBy(() -> factory("redeliveryDelay=soon")).hasMessageContaining("redeliveryDelay");
    }

    @Test
    void domainSessionsOfferOnlyTheirDomain() throws Exception {
        jakarta.jms.QueueConnection qc = track(factory().createQueueConnection());
        qc.start();
        jakarta.jms.QueueSession qs = qc.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = qs.createQueue(name("q"));
        qs.createSender(q).send(qs.createTextMessage("via sender"));
        assertThat(text(qs.createReceiver(q).receive(ARRIVE_MS))).isEqualTo("via sender");
        assertThatThrownBy(() -> qs.createTopic(name("t"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(qs::createTemporaryTopic).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> qs.unsubscribe("d")).isInstanceOf(IllegalStateException.class);
        jakarta.jms.TopicConnection tc = track(factory().createTopicConnection());
        tc.start();
        jakarta.jms.TopicSession ts = tc.createTopicSession(false, Session.AUTO_ACKNOWLEDGE);
        jakarta.jms.Topic t = ts.createTopic(name("t"));
        jakarta.jms.TopicSubscriber sub = ts.createSubscriber(t);
        ts.createPublisher(t).publish(ts.createTextMessage("via publisher"));
        assertThat(text(sub.receive(ARRIVE_MS))).isEqualTo("via publisher");
        assertThatThrownBy(() -> ts.createQueue(name("q"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ts.createBrowser(q)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(ts::createTemporaryQueue).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closedObjectsRefuseUse() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageProducer p = s.createProducer(q);
        MessageConsumer consumer = s.createConsumer(q);
        p.close();
        p.close(); // idempotent
        assertThatThrownBy(() -> p.send(s.createTextMessage("x"))).isInstanceOf(IllegalStateException.class);
        consumer.close();
        assertThatThrownBy(() -> consumer.receive(10)).isInstanceOf(IllegalStateException.class);
        s.close();
        s.close();
        assertThatThrownBy(() -> s.createProducer(q)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::createTextMessage).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::commit).isInstanceOf(IllegalStateException.class);
        c.close();
        assertThatCode(c::close).doesNotThrowAnyException();
        assertThatThrownBy(c::createSession).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::getClientID).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingTheConnectionEndsABlockedReceive() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = s.createConsumer(s.createQueue(name("q")));
        List<Object> result = Collections.synchronizedList(new ArrayList<>());
        Thread receiver = new Thread(() -> {
            try {
                result.add(String.valueOf(consumer.receive()));
            } catch (JMSException e) {
                result.add(e);
            }
        });
        receiver.start();
        Thread.sleep(200);
        c.close();
        receiver.join(5_000);
        assertThat(result).containsExactly("null");
    }

    @Test
    void metaData() throws Exception {
        ConnectionMetaData md = connection().getMetaData();
        assertThat(md.getJMSVersion()).isEqualTo("3.1");
        assertThat(md.getJMSMajorVersion()).isEqualTo(3);
        assertThat(md.getJMSMinorVersion()).isEqualTo(1);
        assertThat(md.getJMSProviderName()).isEqualTo("Pub");
        assertThat(Collections.list(md.getJMSXPropertyNames()))
                .containsExactlyInAnyOrder("JMSXDeliveryCount", "JMSXGroupID", "JMSXGroupSeq");
    }

    @Test
    void configuredUsersMustAuthenticate() throws Exception {
        PubConnectionFactory secured = factory("users=alice:secret,bob:pw");
        track(secured.createConnection("alice", "secret"));
        assertThatThrownBy(() -> secured.createConnection("alice", "wrong")).isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> secured.createConnection("mallory", "pw")).isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(secured::createConnection).isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> secured.createContext("bob", "nope")).isInstanceOf(JMSSecurityRuntimeException.class);
        try (JMSContext ctx = secured.createContext("bob", "pw")) {
            assertThat(ctx.getMetaData().getJMSProviderName()).isEqualTo("Pub");
        }
        track(factory().createConnection("anyone", "anything")); // no users configured: anyone
    }

    @Test
    void callsWithoutCredentialsUseTheDefaultIdentity() throws Exception {
        PubConnectionFactory secured = factory("users=alice:secret,bob:pw&defaultUser=bob");
        Connection c = track(secured.createConnection());
        c.start();
        track(secured.createQueueConnection()).close();
        track(secured.createTopicConnection()).close();
        try (JMSContext ctx = secured.createContext(JMSContext.CLIENT_ACKNOWLEDGE)) {
            assertThat(ctx.getSessionMode()).isEqualTo(JMSContext.CLIENT_ACKNOWLEDGE);
        }
        // explicit credentials are still checked, the default user's included
        assertThatThrownBy(() -> secured.createConnection("bob", "wrong")).isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> secured.createContext("alice", "pw")).isInstanceOf(JMSSecurityRuntimeException.class);
        track(secured.createConnection("alice", "secret"));

        // without a default identity the calls without credentials are refused, saying how to allow them
        PubConnectionFactory strict = factory("users=alice:secret");
        assertThatThrownBy(strict::createConnection)
                .isInstanceOf(JMSSecurityException.class)
                .hasMessageContaining("defaultUser");
        assertThatThrownBy(strict::createContext).isInstanceOf(JMSSecurityRuntimeException.class);
        strict.setDefaultUser("alice");
        track(strict.createConnection());

        // a default identity that is not one of the users is a configuration error, found at once
        assertThatThrownBy(() -> factory("users=alice:secret&defaultUser=carol"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("defaultUser")
                .hasMessageContaining("carol");
        assertThatThrownBy(() -> strict.setDefaultUser("carol")).hasMessageContaining("carol");
        assertThatThrownBy(() -> factory("defaultUser=alice"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no users");
    }

    @Test
    void aCompletionListenerMayStopItsConnectionEvenWhileAnotherOneDoesTheSame() throws Exception {
        // Two sessions' CompletionListeners stop their connection at the same moment: neither stop may wait
        // for the other listener (stop waits for MessageListeners only).
        Connection c = connection();
        Session s1 = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session s2 = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s1.createQueue(name("q"));
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.BlockingQueue<Object> outcomes = new java.util.concurrent.LinkedBlockingQueue<>();
        CompletionListener stopper = new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                try {
                    together.await(ARRIVE_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
                    c.stop();
                    outcomes.add("stopped");
                } catch (Exception e) {
                    outcomes.add(e);
                }
            }

            @Override
            public void onException(Message message, Exception exception) {
                outcomes.add(exception);
            }
        };
        s1.createProducer(q).send(s1.createTextMessage("a"), stopper);
        s2.createProducer(q).send(s2.createTextMessage("b"), stopper);
        assertThat(outcomes.poll(ARRIVE_MS, java.util.concurrent.TimeUnit.MILLISECONDS))
                .isEqualTo("stopped");
        assertThat(outcomes.poll(ARRIVE_MS, java.util.concurrent.TimeUnit.MILLISECONDS))
                .isEqualTo("stopped");
        // a MessageListener still may not stop its own connection (it would wait for itself)
        c.start();
        MessageConsumer consumer = s1.createConsumer(q);
        consumer.setMessageListener(m -> {
            try {
                c.stop();
                outcomes.add("stopped from a MessageListener");
            } catch (JMSException e) {
                outcomes.add(e);
            }
        });
        assertThat(outcomes.poll(ARRIVE_MS, java.util.concurrent.TimeUnit.MILLISECONDS))
                .isInstanceOf(jakarta.jms.IllegalStateException.class);
        consumer.close();
    }

    @Test
    void aConnectionThatLostItsClientIdIsToldThroughItsExceptionListener() throws Exception {
        String cid = name("cid");
        Connection a = track(factory("heartbeat=1s&clientID=" + cid).createConnection());
        java.util.concurrent.BlockingQueue<JMSException> errors = new java.util.concurrent.LinkedBlockingQueue<>();
        a.setExceptionListener(errors::add);
        // as if this JVM had paused longer than its claims live: another connection takes the client ID
        TestStores.CLOCK.advance(Duration.ofMinutes(1));
        Connection b = track(factory("clientID=" + cid).createConnection());
        assertThat(b.getClientID()).isEqualTo(cid);
        JMSException e = errors.poll(ARRIVE_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("clientID:" + cid);
    }

    @Test
    void optionsSetOnTheFactoryWinOverTheUrl() throws Exception {
        PubConnectionFactory f = factory("maxDeliveries=7&prefetch=2");
        f.setMaxDeliveries(3);
        f.setDeadLetterQueue("DLQ-" + suffix);
        f.setRedeliveryDelay("250ms");
        f.setRedeliveryBackoff(1.5);
        f.setLeaseDuration("20s");
        ProviderOptions o = f.options();
        assertThat(o.maxDeliveries()).isEqualTo(3);
        assertThat(o.prefetch()).isEqualTo(2);
        assertThat(o.deadLetterQueue()).isEqualTo("DLQ-" + suffix);
        assertThat(o.redeliveryDelay(1)).isEqualTo(Duration.ofMillis(250));
        assertThat(o.redeliveryDelay(3)).isEqualTo(Duration.ofMillis(562));
        assertThat(o.leaseDuration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(o.storeUrl()).doesNotContain("maxDeliveries").doesNotContain("prefetch");
        assertThatThrownBy(() -> f.setPrefetch(0)).hasMessageContaining("prefetch");
        assertThatThrownBy(() -> f.option("noSuchOption", "1")).hasMessageContaining("noSuchOption");
    }

    @Test
    void connectionsToOneStoreShareOneEngine() throws Exception {
        PubConnection a = (PubConnection) connection();
        PubConnection b = (PubConnection) track(factory("maxDeliveries=3").createConnection());
        assertThat(a.pub()).isSameAs(b.pub());
        assertThat(SharedStores.key("embedded:/tmp/x/../y/")).isEqualTo("embedded:/tmp/y");
        assertThat(SharedStores.key("embedded:rel?sync=false"))
                .isEqualTo("embedded:" + java.nio.file.Path.of("rel").toAbsolutePath() + "?sync=false");
    }
}
