package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

/**
 * Jakarta Messaging 3.1 chapter 7: producers (defaults, delivery mode, priority, time to live, delivery delay,
 * disabling message ID and timestamp, producers without destination).
 */
class Ch07ProducerTest extends TckTest {

    @Test
    void defaults() throws Exception {
        Session s = session();
        Queue q = queue();
        MessageProducer p = s.createProducer(q);
        assertThat(p.getDestination()).isEqualTo(q);
        assertThat(p.getDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(p.getPriority()).isEqualTo(4);
        assertThat(p.getTimeToLive()).isZero();
        assertThat(p.getDeliveryDelay()).isZero();
        assertThat(p.getDisableMessageID()).isFalse();
        assertThat(p.getDisableMessageTimestamp()).isFalse();
        assertThat(s.createProducer(null).getDestination()).isNull();
    }

    @Test
    void settersAreReadBack() throws Exception {
        MessageProducer p = session().createProducer(queue());
        p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        p.setPriority(9);
        p.setTimeToLive(12_345);
        p.setDeliveryDelay(678);
        p.setDisableMessageID(true);
        p.setDisableMessageTimestamp(true);
        assertThat(p.getDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
        assertThat(p.getPriority()).isEqualTo(9);
        assertThat(p.getTimeToLive()).isEqualTo(12_345);
        assertThat(p.getDeliveryDelay()).isEqualTo(678);
        assertThat(p.getDisableMessageID()).isTrue();
        assertThat(p.getDisableMessageTimestamp()).isTrue();
    }

    @Test
    void invalidDeliveryModeAndPriorityAreRejected() throws Exception {
        MessageProducer p = session().createProducer(queue());
        assertThatThrownBy(() -> p.setDeliveryMode(99))
                .isInstanceOfAny(JMSException.class, IllegalArgumentException.class);
        assertThatThrownBy(() -> p.setPriority(10)).isInstanceOfAny(JMSException.class, IllegalArgumentException.class);
        assertThatThrownBy(() -> p.setPriority(-1)).isInstanceOfAny(JMSException.class, IllegalArgumentException.class);
    }

    @OnQueueAndTopic
    void producerSettingsBecomeHeaders(Kind kind) throws Exception {
        Pipe pipe = pipe(kind);
        MessageProducer p = pipe.producer();
        p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        p.setPriority(2);
        p.setTimeToLive(60_000);
        p.send(pipe.session().createMessage());
        Message r = mustReceive(pipe.consumer());
        assertThat(r.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
        assertThat(r.getJMSPriority()).isEqualTo(2);
        // the send time plus the time to live; a provider may read its clock twice (Artemis does)
        assertThat(r.getJMSExpiration()).isCloseTo(r.getJMSTimestamp() + 60_000, within(1000L));
    }

    @OnQueueAndTopic
    void sendArgumentsOverrideProducerSettings(Kind kind) throws Exception {
        Pipe pipe = pipe(kind);
        pipe.producer().setPriority(1);
        pipe.producer().send(pipe.session().createMessage(), DeliveryMode.NON_PERSISTENT, 8, 30_000);
        Message r = mustReceive(pipe.consumer());
        assertThat(r.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
        assertThat(r.getJMSPriority()).isEqualTo(8);
        // the send time plus the time to live; a provider may read its clock twice (Artemis does)
        assertThat(r.getJMSExpiration()).isCloseTo(r.getJMSTimestamp() + 30_000, within(1000L));
        assertThat(pipe.producer().getPriority()).isEqualTo(1);
    }

    @OnQueueAndTopic
    void everyPriorityIsCarried(Kind kind) throws Exception {
        Pipe pipe = pipe(kind);
        for (int priority = 0; priority <= 9; priority++) {
            pipe.producer().send(pipe.session().createMessage(), DeliveryMode.PERSISTENT, priority, 0);
        }
        // Delivery order by priority is best effort (section 3.4.10), so only the values are checked.
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        for (int i = 0; i <= 9; i++) {
            seen.add(mustReceive(pipe.consumer()).getJMSPriority());
        }
        assertThat(seen).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @OnQueueAndTopic
    void expiredMessageIsNotDelivered(Kind kind) throws Exception {
        Pipe pipe = pipe(kind);
        TextMessage doomed = pipe.session().createTextMessage("doomed");
        pipe.producer().send(doomed, DeliveryMode.PERSISTENT, 4, 100);
        if (target == Target.ARTEMIS) {
            // Artemis reads the clock once for the timestamp and again for the expiration: a
            // millisecond may tick in between (seen once in a full run, expiration = timestamp + 99)
            assertThat(doomed.getJMSExpiration())
                    .isCloseTo(doomed.getJMSTimestamp() + 100, org.assertj.core.api.Assertions.within(1L));
        } else {
            assertThat(doomed.getJMSExpiration()).isEqualTo(doomed.getJMSTimestamp() + 100);
        }
        pipe.producer().send(pipe.session().createTextMessage("lives"));
        // Let the time to live pass, waiting on an empty destination rather than sleeping.
        assertThat(pipe.session().createConsumer(queue("Idle")).receive(300)).isNull();
        assertThat(((TextMessage) mustReceive(pipe.consumer())).getText()).isEqualTo("lives");
        mustNotReceive(pipe.consumer());
    }

    @Test
    void expiredMessageIsNotDeliveredToALaterConsumer() throws Exception {
        Session s = session();
        Queue q = queue();
        MessageProducer p = s.createProducer(q);
        p.setTimeToLive(100);
        p.send(s.createTextMessage("doomed"));
        assertThat(s.createConsumer(queue("Idle")).receive(300)).isNull();
        mustNotReceive(s.createConsumer(q));
    }

    @OnQueueAndTopic
    void deliveryDelayHoldsTheMessageBack(Kind kind) throws Exception {
        Pipe pipe = pipe(kind);
        pipe.producer().setDeliveryDelay(500);
        Message m = pipe.session().createTextMessage("later");
        long before = System.currentTimeMillis();
        pipe.producer().send(m);
        long after = System.currentTimeMillis();
        // Section 3.4.13: JMSDeliveryTime is the time of send plus the delay.
        assertThat(m.getJMSDeliveryTime()).isBetween(before + 500, after + 500);
        assertThat(pipe.consumer().receive(ABSENT_MS)).isNull();
        Message r = mustReceive(pipe.consumer());
        assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(m.getJMSDeliveryTime());
        assertThat(r.getJMSDeliveryTime()).isEqualTo(m.getJMSDeliveryTime());
    }

    @Test
    void delayedMessageDoesNotHoldBackLaterOnes() throws Exception {
        Pipe pipe = pipe(Kind.QUEUE);
        pipe.producer().setDeliveryDelay(500);
        pipe.producer().send(pipe.session().createTextMessage("later"));
        pipe.producer().setDeliveryDelay(0);
        pipe.producer().send(pipe.session().createTextMessage("now"));
        assertThat(((TextMessage) mustReceive(pipe.consumer())).getText()).isEqualTo("now");
        assertThat(((TextMessage) mustReceive(pipe.consumer())).getText()).isEqualTo("later");
    }

    @Test
    void delayedMessageInATransactionCountsFromSend() throws Exception {
        Session tx = connection().createSession(Session.SESSION_TRANSACTED);
        Queue q = queue();
        MessageProducer p = tx.createProducer(q);
        p.setDeliveryDelay(300);
        Message m = tx.createTextMessage("later");
        p.send(m);
        tx.commit();
        MessageConsumer consumer = session().createConsumer(q);
        mustReceive(consumer);
        assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(m.getJMSDeliveryTime());
    }

    @OnQueueAndTopic
    void disabledMessageIdIsNullOrAValidId(Kind kind) throws Exception {
        Pipe pipe = pipe(kind);
        pipe.producer().setDisableMessageID(true);
        pipe.producer().send(pipe.session().createMessage());
        String id = mustReceive(pipe.consumer()).getJMSMessageID();
        // A hint: a provider that ignores it sets a normal unique ID (MessageProducer.setDisableMessageID).
        assertThat(id == null || id.startsWith("ID:")).as("JMSMessageID %s", id).isTrue();
    }

    @OnQueueAndTopic
    void disabledTimestampIsZeroOrTheSendTime(Kind kind) throws Exception {
        Pipe pipe = pipe(kind);
        pipe.producer().setDisableMessageTimestamp(true);
        long before = System.currentTimeMillis();
        pipe.producer().send(pipe.session().createMessage());
        long after = System.currentTimeMillis();
        long ts = mustReceive(pipe.consumer()).getJMSTimestamp();
        assertThat(ts == 0 || (ts >= before && ts <= after))
                .as("JMSTimestamp %d", ts)
                .isTrue();
    }

    @OnQueueAndTopic
    void producerWithoutDestinationSendsAnywhere(Kind kind) throws Exception {
        Pipe pipe = pipe(kind);
        MessageProducer anonymous = pipe.session().createProducer(null);
        anonymous.send(pipe.destination(), pipe.session().createTextMessage("one"));
        anonymous.send(pipe.destination(), pipe.session().createTextMessage("two"), DeliveryMode.NON_PERSISTENT, 6, 0);
        // the higher priority may overtake (spec 3.4.10): look at both, in whichever order they come
        Message a = mustReceive(pipe.consumer());
        Message b = mustReceive(pipe.consumer());
        Message two = ((TextMessage) a).getText().equals("two") ? a : b;
        Message one = two == a ? b : a;
        assertThat(((TextMessage) one).getText()).isEqualTo("one");
        assertThat(((TextMessage) two).getText()).isEqualTo("two");
        assertThat(two.getJMSPriority()).isEqualTo(6);
        assertThat(two.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
    }

    @Test
    void producerWithoutDestinationNeedsOneAtSend() throws Exception {
        Session s = session();
        MessageProducer anonymous = s.createProducer(null);
        Message m = s.createMessage();
        assertThatThrownBy(() -> anonymous.send(m)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> anonymous.send(null, m)).isInstanceOf(InvalidDestinationException.class);
    }

    @Test
    void producerWithDestinationRejectsAnotherAtSend() throws Exception {
        Session s = session();
        MessageProducer p = s.createProducer(queue());
        Message m = s.createMessage();
        assertThatThrownBy(() -> p.send(queue("Other"), m)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> p.send(queue("Other"), m, DeliveryMode.PERSISTENT, 4, 0))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nonPersistentAndPersistentMessagesAreBothDelivered() throws Exception {
        Pipe pipe = pipe(Kind.QUEUE);
        pipe.producer().send(pipe.session().createMessage(), DeliveryMode.NON_PERSISTENT, 4, 0);
        pipe.producer().send(pipe.session().createMessage(), DeliveryMode.PERSISTENT, 4, 0);
        java.util.Set<Integer> modes = new java.util.HashSet<>();
        modes.add(mustReceive(pipe.consumer()).getJMSDeliveryMode());
        modes.add(mustReceive(pipe.consumer()).getJMSDeliveryMode());
        assertThat(modes).containsExactlyInAnyOrder(DeliveryMode.PERSISTENT, DeliveryMode.NON_PERSISTENT);
    }
}
