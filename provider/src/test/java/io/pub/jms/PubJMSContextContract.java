package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageNotWriteableRuntimeException;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What PubJMSContext, PubJMSProducer and PubJMSConsumer promise, run over the Connection a subclass
 * supplies (Pub's own, and a reference provider's to check the context against a known-good
 * classic API).
 */
@Timeout(60)
abstract class PubJMSContextContract {
    private static final long WAIT = 5_000;

    /** A new, unstarted connection to the provider under test. */
    abstract Connection newConnection() throws JMSException;

    /** How long to wait before deciding no message is coming. */
    long quietMillis() {
        return 300;
    }

    JMSContext context(int mode) throws JMSException {
        return new PubJMSContext(newConnection(), mode);
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @Test
    void sendsAndReceivesEveryBodyKind() throws Exception {
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue(unique("bodies"));
            JMSConsumer consumer = ctx.createConsumer(q);
            JMSProducer p = ctx.createProducer();
            p.send(q, "text");
            p.send(q, Map.<String, Object>of("k", 7, "s", "v"));
            p.send(q, new byte[] {1, 2, 3});
            p.send(q, (java.io.Serializable) List.of("a", "b"));

            assertThat(consumer.receiveBody(String.class, WAIT)).isEqualTo("text");
            @SuppressWarnings("unchecked")
            Map<String, Object> map = consumer.receiveBody(Map.class, WAIT);
            assertThat(map).containsEntry("k", 7).containsEntry("s", "v");
            assertThat(consumer.receiveBody(byte[].class, WAIT)).containsExactly(1, 2, 3);
            assertThat(consumer.receiveBody(List.class, WAIT)).containsExactly("a", "b");
            assertThat(consumer.receiveNoWait()).isNull();
        }
    }

    @Test
    void producerPropertiesHeadersAndOptionsReachTheMessage() throws Exception {
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue(unique("props"));
            Queue replyTo = ctx.createQueue(unique("reply"));
            JMSConsumer consumer = ctx.createConsumer(q);
            ctx.createProducer()
                    .setProperty("count", 42)
                    .setProperty("name", "pub")
                    .setProperty("flag", true)
                    .setJMSType("order")
                    .setJMSCorrelationID("corr-1")
                    .setJMSReplyTo(replyTo)
                    .setPriority(7)
                    .setDeliveryMode(DeliveryMode.NON_PERSISTENT)
                    .setTimeToLive(60_000)
                    .send(q, "hello");

            Message m = consumer.receive(WAIT);
            assertThat(m).isNotNull();
            assertThat(m.getIntProperty("count")).isEqualTo(42);
            assertThat(m.getStringProperty("name")).isEqualTo("pub");
            assertThat(m.getBooleanProperty("flag")).isTrue();
            assertThat(m.getJMSType()).isEqualTo("order");
            assertThat(m.getJMSCorrelationID()).isEqualTo("corr-1");
            assertThat(m.getJMSReplyTo()).isEqualTo(replyTo);
            assertThat(m.getJMSPriority()).isEqualTo(7);
            assertThat(m.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
            assertThat(m.getJMSExpiration()).isGreaterThan(0);
            assertThat(m.getJMSRedelivered()).isFalse();
        }
    }

    @Test
    void producerPropertyConversionsFollowTheSpecificationTable() throws Exception {
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            JMSProducer p = ctx.createProducer()
                    .setProperty("i", 5)
                    .setProperty("b", (byte) 3)
                    .setProperty("s", "12")
                    .setProperty("f", 1.5f)
                    .setProperty("n", (String) null);
            assertThat(p.getLongProperty("i")).isEqualTo(5L);
            assertThat(p.getIntProperty("b")).isEqualTo(3);
            assertThat(p.getShortProperty("b")).isEqualTo((short) 3);
            assertThat(p.getIntProperty("s")).isEqualTo(12);
            assertThat(p.getDoubleProperty("f")).isEqualTo(1.5d);
            assertThat(p.getStringProperty("i")).isEqualTo("5");
            assertThat(p.getStringProperty("n")).isNull();
            assertThat(p.getBooleanProperty("missing")).isFalse();
            assertThat(p.getPropertyNames()).containsExactlyInAnyOrder("i", "b", "s", "f", "n");
            assertThat(p.propertyExists("n")).isTrue();

            assertThatThrownBy(() -> p.getBooleanProperty("i")).isInstanceOf(MessageFormatRuntimeException.class);
            assertThatThrownBy(() -> p.getByteProperty("i")).isInstanceOf(MessageFormatRuntimeException.class);
            assertThatThrownBy(() -> p.getFloatProperty("i")).isInstanceOf(MessageFormatRuntimeException.class);
            assertThatThrownBy(() -> p.getIntProperty("missing")).isInstanceOf(NumberFormatException.class);
            assertThatThrownBy(() -> p.getIntProperty("f")).isInstanceOf(MessageFormatRuntimeException.class);
            assertThatThrownBy(() -> p.setProperty("o", new Object()))
                    .isInstanceOf(MessageFormatRuntimeException.class);
            assertThatThrownBy(() -> p.setProperty(null, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> p.setProperty("", 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> p.getPropertyNames().add("x")).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> p.setPriority(10)).isInstanceOf(JMSRuntimeException.class);
            assertThatThrownBy(() -> p.setDeliveryMode(0)).isInstanceOf(JMSRuntimeException.class);

            p.clearProperties();
            assertThat(p.getPropertyNames()).isEmpty();
        }
    }

    @Test
    void sendRejectsNullDestinationAndNullMessageAndReadOnlyProperties() throws Exception {
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue(unique("bad"));
            JMSProducer p = ctx.createProducer();
            assertThatThrownBy(() -> p.send(null, "x")).isInstanceOf(InvalidDestinationRuntimeException.class);
            assertThatThrownBy(() -> p.send(q, (Message) null)).isInstanceOf(MessageFormatRuntimeException.class);

            p.send(q, "first");
            Message received = ctx.createConsumer(q).receive(WAIT);
            assertThat(received).isNotNull();
            // A received message's properties are read-only, so a producer property cannot be set on it.
            assertThatThrownBy(() -> ctx.createProducer().setProperty("x", 1).send(q, received))
                    .isInstanceOf(MessageNotWriteableRuntimeException.class);
        }
    }

    @Test
    void receiveBodyOfTheWrongTypeInAutoModeHandsTheSameMessageOutAgain() throws Exception {
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue(unique("autobody"));
            JMSConsumer consumer = ctx.createConsumer(q);
            ctx.createProducer().send(q, "not a number");
            ctx.createProducer().send(q, "second");

            assertThatThrownBy(() -> consumer.receiveBody(Integer.class, WAIT))
                    .isInstanceOf(MessageFormatRuntimeException.class);
            Message again = consumer.receive(WAIT);
            assertThat(((TextMessage) again).getText()).isEqualTo("not a number");
            assertThat(again.getJMSRedelivered()).isFalse();
            assertThat(consumer.receiveBody(String.class, WAIT)).isEqualTo("second");
        }
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue(unique("plain"));
            JMSConsumer consumer = ctx.createConsumer(q);
            ctx.createProducer().send(q, ctx.createMessage());
            assertThatThrownBy(() -> consumer.receiveBody(String.class, WAIT))
                    .isInstanceOf(MessageFormatRuntimeException.class);
            assertThat(consumer.receiveNoWait()).isNotNull();
        }
    }

    @Test
    void receiveBodyOfTheWrongTypeInClientModeCountsAsDelivered() throws Exception {
        try (JMSContext ctx = context(JMSContext.CLIENT_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue(unique("clientbody"));
            JMSConsumer consumer = ctx.createConsumer(q);
            ctx.createProducer().send(q, "one");
            ctx.createProducer().send(q, "two");

            assertThatThrownBy(() -> consumer.receiveBody(byte[].class, WAIT))
                    .isInstanceOf(MessageFormatRuntimeException.class);
            assertThat(consumer.receiveBody(String.class, WAIT)).isEqualTo("two");
            ctx.recover();
            Message first = consumer.receive(WAIT);
            assertThat(((TextMessage) first).getText()).isEqualTo("one");
            assertThat(first.getJMSRedelivered()).isTrue();
            assertThat(consumer.receive(WAIT)).isNotNull();
            ctx.acknowledge();
        }
    }

    @Test
    void clientAcknowledgeAcknowledgesEverythingDeliveredSoFar() throws Exception {
        String name = unique("client");
        try (JMSContext ctx = context(JMSContext.CLIENT_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue(name);
            JMSConsumer consumer = ctx.createConsumer(q);
            for (int i = 0; i < 3; i++) {
                ctx.createProducer().send(q, "m" + i);
            }
            assertThat(consumer.receive(WAIT)).isNotNull();
            assertThat(consumer.receive(WAIT)).isNotNull();
            ctx.acknowledge();
            assertThat(consumer.receive(WAIT)).isNotNull(); // delivered, never acknowledged
        }
        try (JMSContext ctx = context(JMSContext.CLIENT_ACKNOWLEDGE)) {
            JMSConsumer consumer = ctx.createConsumer(ctx.createQueue(name));
            Message m = consumer.receive(WAIT);
            assertThat(((TextMessage) m).getText()).isEqualTo("m2");
            assertThat(m.getJMSRedelivered()).isTrue();
            ctx.acknowledge();
            assertThat(consumer.receive(quietMillis())).isNull();
        }
    }

    @Test
    void transactedContextHoldsSendsUntilCommitAndRedeliversAfterRollback() throws Exception {
        try (JMSContext ctx = context(JMSContext.SESSION_TRANSACTED);
                JMSContext reader = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            assertThat(ctx.getTransacted()).isTrue();
            Queue q = ctx.createQueue(unique("tx"));
            JMSConsumer check = reader.createConsumer(q);
            ctx.createProducer().send(q, "rolled back");
            ctx.rollback();
            ctx.createProducer().send(q, "committed");
            assertThat(check.receive(quietMillis())).isNull();
            ctx.commit();
            assertThat(check.receiveBody(String.class, WAIT)).isEqualTo("committed");
            check.close(); // so that the next message can only go to the transacted consumer

            reader.createProducer().send(q, "consumed in tx");
            JMSConsumer consumer = ctx.createConsumer(q);
            assertThat(consumer.receiveBody(String.class, WAIT)).isEqualTo("consumed in tx");
            ctx.rollback();
            Message again = consumer.receive(WAIT);
            assertThat(again.getJMSRedelivered()).isTrue();
            ctx.commit();
            assertThatThrownBy(ctx::recover).isInstanceOf(IllegalStateRuntimeException.class);
        }
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            assertThatThrownBy(ctx::commit).isInstanceOf(IllegalStateRuntimeException.class);
            assertThatThrownBy(ctx::rollback).isInstanceOf(IllegalStateRuntimeException.class);
            ctx.acknowledge(); // no effect outside CLIENT_ACKNOWLEDGE
        }
    }

    @Test
    void createContextSharesTheConnectionWhichClosesWithTheLastContext() throws Exception {
        Connection connection = newConnection();
        JMSContext first = new PubJMSContext(connection, JMSContext.AUTO_ACKNOWLEDGE);
        JMSContext second = first.createContext(JMSContext.CLIENT_ACKNOWLEDGE);
        assertThat(second.getSessionMode()).isEqualTo(JMSContext.CLIENT_ACKNOWLEDGE);
        Queue q = first.createQueue(unique("shared"));
        first.close();
        first.close(); // idempotent
        assertThatThrownBy(() -> first.createProducer()).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(() -> first.createContext(JMSContext.AUTO_ACKNOWLEDGE))
                .isInstanceOf(IllegalStateRuntimeException.class);

        second.createProducer().send(q, "still open");
        assertThat(second.createConsumer(q).receiveBody(String.class, WAIT)).isEqualTo("still open");
        connection.createSession().close(); // the connection is still usable
        second.close();
        assertThatThrownBy(connection::createSession).isInstanceOf(jakarta.jms.IllegalStateException.class);
    }

    @Test
    void autoStartCanBeTurnedOff() throws Exception {
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            ctx.setAutoStart(false);
            assertThat(ctx.getAutoStart()).isFalse();
            Queue q = ctx.createQueue(unique("autostart"));
            JMSConsumer consumer = ctx.createConsumer(q);
            ctx.createProducer().send(q, "waiting");
            assertThat(consumer.receive(quietMillis())).isNull();
            ctx.start();
            assertThat(consumer.receiveBody(String.class, WAIT)).isEqualTo("waiting");
        }
    }

    @Test
    void clientIdCanBeSetRightAfterCreation() throws Exception {
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            String id = unique("client-id-");
            ctx.setClientID(id);
            assertThat(ctx.getClientID()).isEqualTo(id);
            assertThat(ctx.getMetaData().getJMSMajorVersion()).isGreaterThanOrEqualTo(3);
            jakarta.jms.ExceptionListener listener = e -> {};
            ctx.setExceptionListener(listener);
            assertThat(ctx.getExceptionListener()).isSameAs(listener);
        }
    }

    @Test
    void aListenerMayNotCloseOrStopItsOwnContext() throws Exception {
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue(unique("listener"));
            BlockingQueue<Object> outcomes = new ArrayBlockingQueue<>(4);
            ctx.createConsumer(q).setMessageListener(m -> {
                outcomes.add(attempt(ctx::close));
                outcomes.add(attempt(ctx::stop));
            });
            // once a listener runs, the context belongs to its thread: send through another one
            try (JMSContext sender = context(JMSContext.AUTO_ACKNOWLEDGE)) {
                sender.createProducer().send(q, "x");
            }
            assertThat(outcomes.poll(WAIT, TimeUnit.MILLISECONDS)).isInstanceOf(IllegalStateRuntimeException.class);
            assertThat(outcomes.poll(WAIT, TimeUnit.MILLISECONDS)).isInstanceOf(IllegalStateRuntimeException.class);
        }
    }

    @Test
    void aListenerThatThrowsInAutoModeGetsTheMessageAgainMarkedRedelivered() throws Exception {
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue(unique("redeliver"));
            List<Boolean> redelivered = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(2);
            ctx.createConsumer(q).setMessageListener(m -> {
                try {
                    synchronized (redelivered) {
                        redelivered.add(m.getJMSRedelivered());
                    }
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
                done.countDown();
                if (done.getCount() == 1) {
                    throw new RuntimeException("first attempt fails");
                }
            });
            try (JMSContext sender = context(JMSContext.AUTO_ACKNOWLEDGE)) {
                sender.createProducer().send(q, "retry me");
            }
            assertThat(done.await(WAIT, TimeUnit.MILLISECONDS)).isTrue();
            synchronized (redelivered) {
                assertThat(redelivered).containsExactly(false, true);
            }
        }
    }

    @Test
    void asyncSendCompletesAndItsCallbackMayNotCloseOrCommit() throws Exception {
        try (JMSContext ctx = context(JMSContext.SESSION_TRANSACTED)) {
            Queue q = ctx.createQueue(unique("async"));
            BlockingQueue<Object> outcomes = new ArrayBlockingQueue<>(4);
            ctx.createProducer()
                    .setAsync(new CompletionListener() {
                        @Override
                        public void onCompletion(Message message) {
                            outcomes.add(attempt(ctx::close));
                            outcomes.add(attempt(ctx::commit));
                            outcomes.add(message);
                        }

                        @Override
                        public void onException(Message message, Exception exception) {
                            outcomes.add(exception);
                        }
                    })
                    .send(q, "async");
            // A provider may complete a transacted send at send or only at commit.
            ctx.commit();
            assertThat(outcomes.poll(WAIT, TimeUnit.MILLISECONDS)).isInstanceOf(IllegalStateRuntimeException.class);
            assertThat(outcomes.poll(WAIT, TimeUnit.MILLISECONDS)).isInstanceOf(IllegalStateRuntimeException.class);
            assertThat(outcomes.poll(WAIT, TimeUnit.MILLISECONDS)).isInstanceOf(TextMessage.class);
            assertThat(ctx.createConsumer(q).receiveBody(String.class, WAIT)).isEqualTo("async");
            ctx.commit();
        }
    }

    @Test
    void aClosedContextRefusesWorkAndBadModesAreRejected() throws Exception {
        JMSContext ctx = context(JMSContext.DUPS_OK_ACKNOWLEDGE);
        assertThat(ctx.getSessionMode()).isEqualTo(JMSContext.DUPS_OK_ACKNOWLEDGE);
        JMSProducer producer = ctx.createProducer();
        Queue q = ctx.createQueue(unique("closed"));
        ctx.close();
        assertThatThrownBy(() -> producer.send(q, "late")).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(ctx::createTextMessage).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(ctx::getClientID).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(ctx::acknowledge).isInstanceOf(IllegalStateRuntimeException.class);

        assertThatThrownBy(() -> context(99))
                .isInstanceOf(JMSRuntimeException.class)
                .hasMessageContaining("99");
    }

    @Test
    void dupsOkAcknowledgesInBatchesAndEverythingAtClose() throws Exception {
        String name = unique("dupsok");
        try (JMSContext ctx = context(JMSContext.DUPS_OK_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue(name);
            JMSConsumer consumer = ctx.createConsumer(q);
            for (int i = 0; i < 3; i++) {
                ctx.createProducer().send(q, "d" + i);
            }
            for (int i = 0; i < 3; i++) {
                assertThat(consumer.receiveBody(String.class, WAIT)).isEqualTo("d" + i);
            }
        }
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            assertThat(ctx.createConsumer(ctx.createQueue(name)).receive(quietMillis()))
                    .isNull();
        }
    }

    @Test
    void durableAndSharedTopicConsumersThroughTheContext() throws Exception {
        String sub = unique("sub");
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            ctx.setClientID(unique("durable-client-"));
            jakarta.jms.Topic topic = ctx.createTopic(unique("topic"));
            JMSConsumer durable = ctx.createDurableConsumer(topic, sub);
            JMSConsumer shared1 = ctx.createSharedConsumer(topic, sub + "-shared");
            JMSConsumer shared2 = ctx.createSharedConsumer(topic, sub + "-shared");
            ctx.createProducer().send(topic, "first");
            assertThat(durable.receiveBody(String.class, WAIT)).isEqualTo("first");
            Message viaShared = shared1.receive(WAIT / 2);
            if (viaShared == null) {
                viaShared = shared2.receive(WAIT);
            }
            assertThat(viaShared).as("one of the shared consumers gets it").isNotNull();
            assertThat(shared1.receiveNoWait()).isNull();
            assertThat(shared2.receiveNoWait()).isNull();

            durable.close();
            ctx.createProducer().send(topic, "while away");
            durable = ctx.createDurableConsumer(topic, sub);
            assertThat(durable.receiveBody(String.class, WAIT)).isEqualTo("while away");
            durable.close();
            shared1.close();
            shared2.close();
            ctx.unsubscribe(sub);
        }
    }

    @Test
    void temporaryQueuesBrowsersAndListenerAccessors() throws Exception {
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            jakarta.jms.TemporaryQueue temp = ctx.createTemporaryQueue();
            ctx.createProducer().send(temp, "to temp");
            assertThat(ctx.createConsumer(temp).receiveBody(String.class, WAIT)).isEqualTo("to temp");

            Queue q = ctx.createQueue(unique("browse"));
            ctx.createProducer().setProperty("color", "red").send(q, "browsed");
            jakarta.jms.QueueBrowser browser = ctx.createBrowser(q);
            assertThat(java.util.Collections.list(browser.getEnumeration())).hasSize(1);
            browser.close();

            JMSConsumer consumer = ctx.createConsumer(q, "color = 'red'");
            assertThat(consumer.getMessageSelector()).isEqualTo("color = 'red'");
            BlockingQueue<String> got = new ArrayBlockingQueue<>(1);
            jakarta.jms.MessageListener listener = m -> {
                try {
                    got.add(m.getBody(String.class));
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
            };
            consumer.setMessageListener(listener);
            assertThat(consumer.getMessageListener()).isSameAs(listener);
            assertThat(got.poll(WAIT, TimeUnit.MILLISECONDS)).isEqualTo("browsed");
            consumer.close();
            assertThatThrownBy(consumer::getMessageListener).isInstanceOf(IllegalStateRuntimeException.class);
        }
    }

    @Test
    void producerHeaderOptionsAndDeliveryDelay() throws Exception {
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue(unique("headers"));
            JMSConsumer consumer = ctx.createConsumer(q);
            JMSProducer p = ctx.createProducer()
                    .setDisableMessageTimestamp(true)
                    .setDisableMessageID(true)
                    .setJMSCorrelationIDAsBytes(new byte[] {9, 8, 7});
            assertThat(p.getDisableMessageTimestamp()).isTrue();
            assertThat(p.getDisableMessageID()).isTrue();
            assertThat(p.getJMSCorrelationIDAsBytes()).containsExactly(9, 8, 7);
            p.send(q, "no timestamp");
            Message m = consumer.receive(WAIT);
            assertThat(m.getJMSTimestamp()).isZero();
            assertThat(m.getJMSCorrelationIDAsBytes()).containsExactly(9, 8, 7);

            // A delayed message is not delivered before its time.
            ctx.createProducer().setDeliveryDelay(60_000).send(q, "later");
            assertThat(consumer.receive(quietMillis())).isNull();
            assertThatThrownBy(() -> ctx.createProducer().setDeliveryDelay(-1)).isInstanceOf(JMSRuntimeException.class);
        }
    }

    @Test
    void closingFromAnotherThreadEndsABlockedReceive() throws Exception {
        JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE);
        JMSConsumer consumer = ctx.createConsumer(ctx.createQueue(unique("blocked")));
        java.util.concurrent.CompletableFuture<Object> receiving =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return java.util.Optional.ofNullable(consumer.receive());
                    } catch (RuntimeException e) {
                        return e;
                    }
                });
        Thread.sleep(quietMillis()); // let it block
        ctx.close();
        Object outcome = receiving.get(WAIT, TimeUnit.MILLISECONDS);
        // Either way the receive ends: with nothing, or with the closed-context exception.
        if (outcome instanceof java.util.Optional<?> o) {
            assertThat(o).isEmpty();
        } else {
            assertThat(outcome).isInstanceOf(IllegalStateRuntimeException.class);
        }
    }

    @Test
    void clientAcknowledgeFromAListenerAcknowledgesWhatItWasGiven() throws Exception {
        String name = unique("listenack");
        try (JMSContext ctx = context(JMSContext.CLIENT_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue(name);
            CountDownLatch acked = new CountDownLatch(2);
            ctx.createConsumer(q).setMessageListener(m -> {
                ctx.acknowledge();
                acked.countDown();
            });
            // once a listener runs, the context belongs to its thread: send through another one
            try (JMSContext sender = context(JMSContext.AUTO_ACKNOWLEDGE)) {
                sender.createProducer().send(q, "a");
                sender.createProducer().send(q, "b");
            }
            assertThat(acked.await(WAIT, TimeUnit.MILLISECONDS)).isTrue();
        }
        try (JMSContext ctx = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            assertThat(ctx.createConsumer(ctx.createQueue(name)).receive(quietMillis()))
                    .isNull();
        }
    }

    private static Object attempt(Runnable r) {
        try {
            r.run();
            return "no exception";
        } catch (RuntimeException e) {
            return e;
        }
    }
}
