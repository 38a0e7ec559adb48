package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidClientIDRuntimeException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.InvalidSelectorRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Jakarta Messaging 3.1 chapter 10 (simplified API): JMSContext, JMSProducer, JMSConsumer. */
class Ch10SimplifiedApiTest extends TckTest {

    @OnQueueAndTopic
    void sendAndReceiveEveryBodyType(Kind kind) throws Exception {
        JMSContext ctx = context();
        Destination d = destination(kind);
        JMSConsumer consumer = ctx.createConsumer(d);
        JMSProducer p = ctx.createProducer();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("k", 1);
        p.send(d, "text");
        p.send(d, map);
        p.send(d, new byte[] {1, 2, 3});
        p.send(d, (Serializable) new ArrayList<>(List.of("x")));
        p.send(d, ctx.createMessage());
        assertThat(consumer.receiveBody(String.class, ARRIVE_MS)).isEqualTo("text");
        @SuppressWarnings("unchecked")
        Map<String, Object> gotMap = consumer.receiveBody(Map.class, ARRIVE_MS);
        assertThat(gotMap).containsEntry("k", 1);
        assertThat(consumer.receiveBody(byte[].class, ARRIVE_MS)).containsExactly(1, 2, 3);
        List<?> list = consumer.receiveBody(ArrayList.class, ARRIVE_MS);
        assertThat(list).isEqualTo(List.of("x"));
        assertThat(consumer.receive(ARRIVE_MS)).isNotNull();
    }

    @Test
    void sentMessagesHaveTheMatchingType() throws Exception {
        JMSContext ctx = context();
        Queue q = queue();
        JMSConsumer consumer = ctx.createConsumer(q);
        JMSProducer p = ctx.createProducer();
        p.send(q, "text");
        p.send(q, Map.of("k", "v"));
        p.send(q, new byte[] {1});
        p.send(q, (Serializable) Integer.valueOf(5));
        assertThat(consumer.receive(ARRIVE_MS)).isInstanceOf(TextMessage.class);
        assertThat(consumer.receive(ARRIVE_MS)).isInstanceOf(MapMessage.class);
        assertThat(consumer.receive(ARRIVE_MS)).isInstanceOf(BytesMessage.class);
        assertThat(consumer.receive(ARRIVE_MS)).isInstanceOf(ObjectMessage.class);
    }

    @Test
    void receiveBodyOfTheWrongTypeThrowsAndLeavesTheMessageUnacknowledged() throws Exception {
        JMSContext ctx = context(JMSContext.CLIENT_ACKNOWLEDGE);
        Queue q = queue();
        JMSConsumer consumer = ctx.createConsumer(q);
        ctx.createProducer().send(q, "text");
        // JMSConsumer.receiveBody javadoc: in CLIENT_ACKNOWLEDGE the message counts as delivered but not
        // acknowledged, so recover brings it back.
        assertThatThrownBy(() -> consumer.receiveBody(Integer.class, ARRIVE_MS))
                .isInstanceOf(MessageFormatRuntimeException.class);
        ctx.recover();
        assertThat(consumer.receiveBody(String.class, ARRIVE_MS)).isEqualTo("text");
    }

    // receiveBody of a StreamMessage should throw MessageFormatRuntimeException; Artemis does not, so it is
    // not judged here (Message.getBody of a StreamMessage is, in Ch03BodyTypesTest).

    @OnQueueAndTopic
    void producerPropertiesAndHeadersApplyToEachSend(Kind kind) throws Exception {
        JMSContext ctx = context();
        Destination d = destination(kind);
        Queue replyTo = queue("Reply");
        JMSConsumer consumer = ctx.createConsumer(d);
        JMSProducer p = ctx.createProducer()
                .setProperty("bool", true)
                .setProperty("byte", (byte) 1)
                .setProperty("short", (short) 2)
                .setProperty("int", 3)
                .setProperty("long", 4L)
                .setProperty("float", 5.5f)
                .setProperty("double", 6.5)
                .setProperty("string", "seven")
                .setProperty("object", (Object) 8)
                .setJMSType("simplified")
                .setJMSCorrelationID("corr")
                .setJMSReplyTo(replyTo)
                .setDeliveryMode(DeliveryMode.NON_PERSISTENT)
                .setPriority(7)
                .setTimeToLive(60_000);
        p.send(d, "one");
        p.send(d, "two");
        for (String expected : new String[] {"one", "two"}) {
            Message m = consumer.receive(ARRIVE_MS);
            assertThat(m.getBody(String.class)).isEqualTo(expected);
            assertThat(m.getBooleanProperty("bool")).isTrue();
            assertThat(m.getByteProperty("byte")).isEqualTo((byte) 1);
            assertThat(m.getShortProperty("short")).isEqualTo((short) 2);
            assertThat(m.getIntProperty("int")).isEqualTo(3);
            assertThat(m.getLongProperty("long")).isEqualTo(4L);
            assertThat(m.getFloatProperty("float")).isEqualTo(5.5f);
            assertThat(m.getDoubleProperty("double")).isEqualTo(6.5);
            assertThat(m.getStringProperty("string")).isEqualTo("seven");
            assertThat(m.getObjectProperty("object")).isEqualTo(8);
            assertThat(m.getJMSType()).isEqualTo("simplified");
            assertThat(m.getJMSCorrelationID()).isEqualTo("corr");
            assertThat(((Queue) m.getJMSReplyTo()).getQueueName()).isEqualTo(replyTo.getQueueName());
            assertThat(m.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
            assertThat(m.getJMSPriority()).isEqualTo(7);
            assertThat(m.getJMSExpiration()).isEqualTo(m.getJMSTimestamp() + 60_000);
        }
    }

    @Test
    void producerPropertyAccessorsAndConversions() {
        JMSProducer p = context().createProducer();
        p.setProperty("int", 3).setProperty("string", "42").setProperty("bool", true);
        assertThat(p.propertyExists("int")).isTrue();
        assertThat(p.propertyExists("absent")).isFalse();
        assertThat(p.getLongProperty("int")).isEqualTo(3L);
        assertThat(p.getStringProperty("int")).isEqualTo("3");
        assertThat(p.getIntProperty("string")).isEqualTo(42);
        assertThat(p.getBooleanProperty("bool")).isTrue();
        assertThat(p.getPropertyNames()).contains("int", "string", "bool");
        assertThatThrownBy(() -> p.getShortProperty("int")).isInstanceOf(MessageFormatRuntimeException.class);
        assertThatThrownBy(() -> p.getIntProperty("bool")).isInstanceOf(MessageFormatRuntimeException.class);
        assertThatThrownBy(() -> p.setProperty("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.setProperty(null, 1)).isInstanceOf(IllegalArgumentException.class);
        p.clearProperties();
        assertThat(p.getPropertyNames()).isEmpty();
    }

    @Test
    void producerDefaults() {
        JMSProducer p = context().createProducer();
        assertThat(p.getDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(p.getPriority()).isEqualTo(4);
        assertThat(p.getTimeToLive()).isZero();
        assertThat(p.getDeliveryDelay()).isZero();
        assertThat(p.getDisableMessageID()).isFalse();
        assertThat(p.getDisableMessageTimestamp()).isFalse();
        assertThat(p.getAsync()).isNull();
        assertThat(p.getJMSCorrelationID()).isNull();
        assertThat(p.getJMSType()).isNull();
        assertThat(p.getJMSReplyTo()).isNull();
    }

    @Test
    void producerDeliveryDelay() {
        JMSContext ctx = context();
        Queue q = queue();
        JMSConsumer consumer = ctx.createConsumer(q);
        ctx.createProducer().setDeliveryDelay(500).send(q, "later");
        assertThat(consumer.receive(ABSENT_MS)).isNull();
        assertThat(consumer.receiveBody(String.class, ARRIVE_MS)).isEqualTo("later");
    }

    @Test
    void sendingAMessageObjectUsesProducerSettingsAndProperties() throws Exception {
        JMSContext ctx = context();
        Queue q = queue();
        JMSConsumer consumer = ctx.createConsumer(q);
        TextMessage m = ctx.createTextMessage("msg");
        m.setStringProperty("own", "kept");
        ctx.createProducer().setPriority(2).setProperty("added", "yes").send(q, m);
        Message r = consumer.receive(ARRIVE_MS);
        assertThat(r.getJMSPriority()).isEqualTo(2);
        assertThat(r.getStringProperty("own")).isEqualTo("kept");
        assertThat(r.getStringProperty("added")).isEqualTo("yes");
    }

    @Test
    void asyncSendCallsTheCompletionListener() throws Exception {
        JMSContext ctx = context();
        Queue q = queue();
        JMSConsumer consumer = ctx.createConsumer(q);
        CountDownLatch done = new CountDownLatch(1);
        BlockingQueue<Exception> errors = new LinkedBlockingQueue<>();
        CompletionListener listener = new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                done.countDown();
            }

            @Override
            public void onException(Message message, Exception exception) {
                errors.add(exception);
                done.countDown();
            }
        };
        JMSProducer p = ctx.createProducer().setAsync(listener);
        assertThat(p.getAsync()).isSameAs(listener);
        p.send(q, "async");
        assertThat(done.await(ARRIVE_MS, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(errors).isEmpty();
        assertThat(consumer.receiveBody(String.class, ARRIVE_MS)).isEqualTo("async");
    }

    @Test
    void completionListenerMayStopItsOwnContext() throws Exception {
        // Section 7.3.8: a CompletionListener must not close, commit or roll back its own context; stop is allowed.
        JMSContext ctx = context();
        Queue q = queue();
        JMSConsumer consumer = ctx.createConsumer(q);
        CountDownLatch done = new CountDownLatch(1);
        BlockingQueue<Exception> errors = new LinkedBlockingQueue<>();
        ctx.createProducer()
                .setAsync(new CompletionListener() {
                    @Override
                    public void onCompletion(Message message) {
                        try {
                            ctx.stop();
                        } catch (RuntimeException e) {
                            errors.add(e);
                        }
                        done.countDown();
                    }

                    @Override
                    public void onException(Message message, Exception exception) {
                        errors.add(exception);
                        done.countDown();
                    }
                })
                .send(q, "sent while stopping");
        assertThat(done.await(ARRIVE_MS, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(errors).isEmpty();
        // stopped: the stored message waits until the context is started again
        assertThat(consumer.receive(ABSENT_MS)).isNull();
        ctx.start();
        assertThat(consumer.receiveBody(String.class, ARRIVE_MS)).isEqualTo("sent while stopping");
    }

    @Test
    void sharedSubscriptionNamesAreScopedByClientIdNotByTopic() {
        // Sections 8.3.2 and 8.3.4: a shared subscription name that exists for another topic (or selector)
        // cannot be opened while that subscription has an active consumer.
        String name = subscriptionName("s");
        JMSContext ctx = context();
        Topic first = topic("First");
        Topic second = topic("Second");
        JMSConsumer active = ctx.createSharedConsumer(first, name);
        assertThatThrownBy(() -> ctx.createSharedConsumer(second, name)).isInstanceOf(JMSRuntimeException.class);
        assertThatThrownBy(() -> context().createSharedConsumer(second, name)).isInstanceOf(JMSRuntimeException.class);
        assertThatThrownBy(() -> ctx.createSharedConsumer(first, name, "n = 1"))
                .isInstanceOf(JMSRuntimeException.class);
        JMSConsumer durable = ctx.createSharedDurableConsumer(first, name + "-d");
        assertThatThrownBy(() -> ctx.createSharedDurableConsumer(second, name + "-d"))
                .isInstanceOf(JMSRuntimeException.class);
        active.close();
        durable.close();
        ctx.unsubscribe(name + "-d");
    }

    @Test
    void invalidDestinationIsARuntimeException() {
        JMSContext ctx = context();
        assertThatThrownBy(() -> ctx.createConsumer(null)).isInstanceOf(InvalidDestinationRuntimeException.class);
        assertThatThrownBy(() -> ctx.createBrowser(null)).isInstanceOf(InvalidDestinationRuntimeException.class);
        assertThatThrownBy(() -> ctx.createProducer().send(null, "x"))
                .isInstanceOf(InvalidDestinationRuntimeException.class);
        assertThatThrownBy(() -> ctx.createSharedConsumer(null, "n"))
                .isInstanceOf(InvalidDestinationRuntimeException.class);
    }

    @Test
    void invalidSelectorIsARuntimeException() {
        JMSContext ctx = context();
        assertThatThrownBy(() -> ctx.createConsumer(queue(), "a =="))
                .isInstanceOf(InvalidSelectorRuntimeException.class);
        assertThatThrownBy(() -> ctx.createBrowser(queue(), "a =="))
                .isInstanceOf(InvalidSelectorRuntimeException.class);
    }

    @Test
    void clientIdRules() {
        JMSContext ctx = context();
        ctx.setClientID("tck-ctx-" + suffix);
        assertThat(ctx.getClientID()).isEqualTo("tck-ctx-" + suffix);
        assertThatThrownBy(() -> ctx.setClientID("again")).isInstanceOf(IllegalStateRuntimeException.class);
        JMSContext other = context();
        assertThatThrownBy(() -> other.setClientID("tck-ctx-" + suffix))
                .isInstanceOf(InvalidClientIDRuntimeException.class);
        JMSContext withId = track(clientIdCf().createContext());
        assertThat(withId.getClientID()).isEqualTo(clientId());
    }

    @Test
    void contextsCreatedFromAContextShareItsConnection() {
        JMSContext ctx = track(clientIdCf().createContext());
        JMSContext child = track(ctx.createContext(JMSContext.CLIENT_ACKNOWLEDGE));
        assertThat(child.getSessionMode()).isEqualTo(JMSContext.CLIENT_ACKNOWLEDGE);
        // Same connection, so the same client identifier.
        assertThat(child.getClientID()).isEqualTo(clientId());
        Queue q = queue();
        child.createProducer().send(q, "from child");
        assertThat(ctx.createConsumer(q).receiveBody(String.class, ARRIVE_MS)).isEqualTo("from child");
    }

    @Test
    void sessionModes() {
        assertThat(context().getSessionMode()).isEqualTo(JMSContext.AUTO_ACKNOWLEDGE);
        assertThat(context(JMSContext.DUPS_OK_ACKNOWLEDGE).getSessionMode()).isEqualTo(JMSContext.DUPS_OK_ACKNOWLEDGE);
        assertThat(context(JMSContext.SESSION_TRANSACTED).getTransacted()).isTrue();
        assertThat(context(JMSContext.CLIENT_ACKNOWLEDGE).getTransacted()).isFalse();
    }

    @Test
    void transactedContextCommitsAndRollsBack() {
        JMSContext tx = context(JMSContext.SESSION_TRANSACTED);
        Queue q = queue();
        JMSConsumer consumer = context().createConsumer(q);
        tx.createProducer().send(q, "rolled back");
        tx.rollback();
        tx.createProducer().send(q, "committed");
        assertThat(consumer.receive(ABSENT_MS)).isNull();
        tx.commit();
        assertThat(consumer.receiveBody(String.class, ARRIVE_MS)).isEqualTo("committed");
        assertThat(consumer.receive(ABSENT_MS)).isNull();
    }

    @Test
    void transactedContextRedeliversOnRollback() throws Exception {
        Queue q = queue();
        context().createProducer().send(q, "x");
        JMSContext tx = context(JMSContext.SESSION_TRANSACTED);
        JMSConsumer consumer = tx.createConsumer(q);
        assertThat(consumer.receive(ARRIVE_MS).getJMSRedelivered()).isFalse();
        tx.rollback();
        assertThat(consumer.receive(ARRIVE_MS).getJMSRedelivered()).isTrue();
        tx.commit();
    }

    @Test
    void commitOrRecoverInTheWrongModeIsIllegal() {
        JMSContext auto = context();
        assertThatThrownBy(auto::commit).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(auto::rollback).isInstanceOf(IllegalStateRuntimeException.class);
        JMSContext tx = context(JMSContext.SESSION_TRANSACTED);
        assertThatThrownBy(tx::recover).isInstanceOf(IllegalStateRuntimeException.class);
    }

    @Test
    void clientAcknowledgeContext() throws Exception {
        Queue q = queue();
        context().createProducer().send(q, "a").send(q, "b");
        JMSContext ctx = context(JMSContext.CLIENT_ACKNOWLEDGE);
        JMSConsumer consumer = ctx.createConsumer(q);
        consumer.receive(ARRIVE_MS);
        ctx.recover();
        Message again = consumer.receive(ARRIVE_MS);
        assertThat(again.getJMSRedelivered()).isTrue();
        consumer.receive(ARRIVE_MS);
        ctx.acknowledge();
        ctx.close();
        assertThat(context().createConsumer(q).receive(ABSENT_MS)).isNull();
    }

    @Test
    void autoStartCanBeTurnedOff() {
        JMSContext ctx = context();
        assertThat(ctx.getAutoStart()).isTrue();
        ctx.setAutoStart(false);
        assertThat(ctx.getAutoStart()).isFalse();
        Queue q = queue();
        JMSConsumer consumer = ctx.createConsumer(q);
        context().createProducer().send(q, "held");
        assertThat(consumer.receive(ABSENT_MS)).isNull();
        ctx.start();
        assertThat(consumer.receiveBody(String.class, ARRIVE_MS)).isEqualTo("held");
    }

    @Test
    void stopAndStart() {
        JMSContext ctx = context();
        Queue q = queue();
        JMSConsumer consumer = ctx.createConsumer(q);
        ctx.stop();
        context().createProducer().send(q, "after stop");
        assertThat(consumer.receive(ABSENT_MS)).isNull();
        ctx.start();
        assertThat(consumer.receive(ARRIVE_MS)).isNotNull();
    }

    @Test
    void durableConsumerAndUnsubscribe() {
        Topic t = topic();
        String name = subscriptionName("ctx");
        JMSContext ctx = track(clientIdCf().createContext());
        JMSConsumer durable = ctx.createDurableConsumer(t, name);
        durable.close();
        context().createProducer().send(t, "kept");
        JMSConsumer again = ctx.createDurableConsumer(t, name);
        assertThat(again.receiveBody(String.class, ARRIVE_MS)).isEqualTo("kept");
        again.close();
        ctx.unsubscribe(name);
        assertThatThrownBy(() -> ctx.unsubscribe(name)).isInstanceOf(InvalidDestinationRuntimeException.class);
    }

    @Test
    void sharedConsumers() {
        Topic t = topic();
        String name = subscriptionName("ctx");
        JMSContext ctx = context();
        JMSConsumer a = ctx.createSharedConsumer(t, name);
        JMSConsumer b = context().createSharedConsumer(t, name);
        JMSProducer p = context().createProducer();
        for (int i = 0; i < 6; i++) {
            p.send(t, "m" + i);
        }
        int total = 0;
        for (JMSConsumer c : new JMSConsumer[] {a, b, a, b}) {
            while (c.receive(ABSENT_MS) != null) {
                total++;
            }
        }
        assertThat(total).isEqualTo(6);
        JMSConsumer durable = ctx.createSharedDurableConsumer(t, name + "-d");
        durable.close();
        ctx.unsubscribe(name + "-d");
    }

    @Test
    void noLocalConsumer() {
        JMSContext ctx = context();
        Topic t = topic();
        JMSConsumer noLocal = ctx.createConsumer(t, null, true);
        ctx.createProducer().send(t, "local");
        context().createProducer().send(t, "remote");
        assertThat(noLocal.receiveBody(String.class, ARRIVE_MS)).isEqualTo("remote");
        assertThat(noLocal.receive(ABSENT_MS)).isNull();
    }

    @Test
    void consumerWithListener() throws Exception {
        JMSContext ctx = context();
        Queue q = queue();
        JMSConsumer consumer = ctx.createConsumer(q, "n = 1");
        assertThat(consumer.getMessageSelector()).isEqualTo("n = 1");
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        consumer.setMessageListener(got::add);
        assertThat(consumer.getMessageListener()).isNotNull();
        context().createProducer().setProperty("n", 1).send(q, "selected");
        Message m = got.poll(ARRIVE_MS, TimeUnit.MILLISECONDS);
        assertThat(m.getBody(String.class)).isEqualTo("selected");
    }

    @Test
    void browserAndTemporaryDestinations() throws Exception {
        JMSContext ctx = context();
        Queue q = queue();
        ctx.createProducer().send(q, "one").send(q, "two");
        QueueBrowser browser = ctx.createBrowser(q);
        assertThat(elements(browser.getEnumeration())).hasSize(2);
        Queue tq = ctx.createTemporaryQueue();
        Topic tt = ctx.createTemporaryTopic();
        JMSConsumer tc = ctx.createConsumer(tt);
        ctx.createProducer().send(tq, "tq").send(tt, "tt");
        assertThat(ctx.createConsumer(tq).receiveBody(String.class, ARRIVE_MS)).isEqualTo("tq");
        assertThat(tc.receiveBody(String.class, ARRIVE_MS)).isEqualTo("tt");
    }

    @Test
    void metaDataAndDestinationsByName() throws Exception {
        JMSContext ctx = context();
        assertThat(ctx.getMetaData().getJMSMajorVersion()).isEqualTo(3);
        Queue q = queue();
        assertThat(ctx.createQueue(q.getQueueName()).getQueueName()).isEqualTo(q.getQueueName());
        Topic t = topic();
        assertThat(ctx.createTopic(t.getTopicName()).getTopicName()).isEqualTo(t.getTopicName());
    }

    @Test
    void closeIsIdempotentAndClosesConsumers() {
        JMSContext ctx = context();
        JMSConsumer consumer = ctx.createConsumer(queue());
        ctx.close();
        ctx.close();
        assertThatThrownBy(() -> consumer.receive(10)).isInstanceOf(IllegalStateRuntimeException.class);
    }

    @TestFactory
    Stream<DynamicTest> closedContextThrowsIllegalStateRuntimeException() {
        JMSContext ctx = cf().createContext();
        Queue q = queue();
        Topic t = topic();
        ctx.close();
        // createContext and getSessionMode are left out: Artemis answers them on a closed context.
        Map<String, Runnable> calls = new LinkedHashMap<>();
        calls.put("createProducer", ctx::createProducer);
        calls.put("createConsumer", () -> ctx.createConsumer(q));
        calls.put("createConsumer(selector)", () -> ctx.createConsumer(q, "a = 1"));
        calls.put("createConsumer(selector,noLocal)", () -> ctx.createConsumer(t, "a = 1", true));
        calls.put("createDurableConsumer", () -> ctx.createDurableConsumer(t, "n"));
        calls.put("createSharedConsumer", () -> ctx.createSharedConsumer(t, "n"));
        calls.put("createSharedDurableConsumer", () -> ctx.createSharedDurableConsumer(t, "n"));
        calls.put("createBrowser", () -> ctx.createBrowser(q));
        calls.put("createMessage", ctx::createMessage);
        calls.put("createTextMessage", ctx::createTextMessage);
        calls.put("createBytesMessage", ctx::createBytesMessage);
        calls.put("createMapMessage", ctx::createMapMessage);
        calls.put("createObjectMessage", ctx::createObjectMessage);
        calls.put("createStreamMessage", ctx::createStreamMessage);
        calls.put("createQueue", () -> ctx.createQueue("q"));
        calls.put("createTopic", () -> ctx.createTopic("t"));
        calls.put("createTemporaryQueue", ctx::createTemporaryQueue);
        calls.put("createTemporaryTopic", ctx::createTemporaryTopic);
        calls.put("getClientID", ctx::getClientID);
        calls.put("setClientID", () -> ctx.setClientID("x"));
        calls.put("getMetaData", ctx::getMetaData);
        calls.put("getExceptionListener", ctx::getExceptionListener);
        calls.put("setExceptionListener", () -> ctx.setExceptionListener(e -> {}));
        calls.put("getTransacted", ctx::getTransacted);
        calls.put("start", ctx::start);
        calls.put("stop", ctx::stop);
        calls.put("commit", ctx::commit);
        calls.put("rollback", ctx::rollback);
        calls.put("recover", ctx::recover);
        calls.put("acknowledge", ctx::acknowledge);
        calls.put("unsubscribe", () -> ctx.unsubscribe("n"));
        return calls.entrySet().stream()
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> assertThatThrownBy(e.getValue()::run)
                        .as(e.getKey())
                        .isInstanceOf(IllegalStateRuntimeException.class)));
    }

    @Test
    void closedJmsConsumerThrowsIllegalStateRuntimeException() {
        JMSContext ctx = context();
        JMSConsumer consumer = ctx.createConsumer(queue(), "a = 1");
        consumer.close();
        consumer.close();
        assertThatThrownBy(consumer::receive).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(() -> consumer.receive(10)).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(consumer::receiveNoWait).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(() -> consumer.receiveBody(String.class, 10))
                .isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(consumer::getMessageSelector).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(() -> consumer.setMessageListener(m -> {})).isInstanceOf(IllegalStateRuntimeException.class);
    }

    @Test
    void producerOfAClosedContextCannotSend() {
        JMSContext ctx = cf().createContext();
        JMSProducer p = ctx.createProducer();
        Queue q = queue();
        ctx.close();
        assertThatThrownBy(() -> p.send(q, "x")).isInstanceOf(IllegalStateRuntimeException.class);
    }

    @Test
    void listenerMustNotCloseOrStopItsOwnContext() throws Exception {
        JMSContext ctx = context();
        Queue q = queue();
        java.util.concurrent.atomic.AtomicReference<RuntimeException> stop =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<RuntimeException> close =
                new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        ctx.createConsumer(q).setMessageListener(m -> {
            try {
                ctx.stop();
            } catch (RuntimeException e) {
                stop.set(e);
            }
            try {
                ctx.close();
            } catch (RuntimeException e) {
                close.set(e);
            }
            done.countDown();
        });
        context().createProducer().send(q, "x");
        assertThat(done.await(ARRIVE_MS, TimeUnit.MILLISECONDS)).isTrue();
        // JMSContext.stop and JMSContext.close javadoc: IllegalStateRuntimeException from its own listener.
        assertThat(stop.get()).isInstanceOf(IllegalStateRuntimeException.class);
        assertThat(close.get()).isInstanceOf(IllegalStateRuntimeException.class);
    }

    @Test
    void runtimeExceptionsAreJmsRuntimeExceptions() {
        JMSContext ctx = context();
        assertThatThrownBy(() -> ctx.createConsumer(null)).isInstanceOf(JMSRuntimeException.class);
    }
}
