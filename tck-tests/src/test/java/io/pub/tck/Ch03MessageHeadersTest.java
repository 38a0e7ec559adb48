package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import java.util.HashSet;
import java.util.Set;

/** Jakarta Messaging 3.1 section 3.4: message header fields, on queues and on topics. */
class Ch03MessageHeadersTest extends TckTest {

    @OnQueueAndTopic
    void messageIdIsSetUniqueAndPrefixed(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            Message m = p.session().createMessage();
            p.producer().send(m);
            assertThat(m.getJMSMessageID()).startsWith("ID:");
            sent.add(m.getJMSMessageID());
        }
        assertThat(sent).hasSize(5);
        Set<String> received = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            received.add(mustReceive(p.consumer()).getJMSMessageID());
        }
        assertThat(received).isEqualTo(sent);
    }

    @OnQueueAndTopic
    void timestampIsTheTimeOfSend(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Message m = p.session().createMessage();
        long before = System.currentTimeMillis();
        p.producer().send(m);
        long after = System.currentTimeMillis();
        assertThat(m.getJMSTimestamp()).isBetween(before, after);
        assertThat(mustReceive(p.consumer()).getJMSTimestamp()).isEqualTo(m.getJMSTimestamp());
    }

    @OnQueueAndTopic
    void destinationIsSetBySend(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Message m = p.session().createMessage();
        p.producer().send(m);
        assertThat(m.getJMSDestination()).isEqualTo(p.destination());
        Message r = mustReceive(p.consumer());
        assertThat(r.getJMSDestination()).isEqualTo(p.destination());
        if (kind == Kind.QUEUE) {
            assertThat(((Queue) r.getJMSDestination()).getQueueName())
                    .isEqualTo(((Queue) p.destination()).getQueueName());
        } else {
            assertThat(((Topic) r.getJMSDestination()).getTopicName())
                    .isEqualTo(((Topic) p.destination()).getTopicName());
        }
    }

    @OnQueueAndTopic
    void deliveryModeDefaultsToPersistentAndIsCarried(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Message m = p.session().createMessage();
        p.producer().send(m);
        assertThat(m.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(mustReceive(p.consumer()).getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        p.producer().setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        p.producer().send(p.session().createMessage());
        assertThat(mustReceive(p.consumer()).getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
    }

    @OnQueueAndTopic
    void priorityDefaultsToFourAndIsCarried(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Message m = p.session().createMessage();
        p.producer().send(m);
        assertThat(m.getJMSPriority()).isEqualTo(4);
        assertThat(mustReceive(p.consumer()).getJMSPriority()).isEqualTo(4);
        p.producer().send(p.session().createMessage(), DeliveryMode.PERSISTENT, 9, 0);
        assertThat(mustReceive(p.consumer()).getJMSPriority()).isEqualTo(9);
        p.producer().send(p.session().createMessage(), DeliveryMode.PERSISTENT, 0, 0);
        assertThat(mustReceive(p.consumer()).getJMSPriority()).isEqualTo(0);
    }

    @OnQueueAndTopic
    void expirationIsZeroWithoutTimeToLive(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Message m = p.session().createMessage();
        p.producer().send(m);
        assertThat(m.getJMSExpiration()).isZero();
        assertThat(mustReceive(p.consumer()).getJMSExpiration()).isZero();
    }

    @OnQueueAndTopic
    void expirationIsTimestampPlusTimeToLive(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Message m = p.session().createMessage();
        p.producer().setTimeToLive(60_000);
        p.producer().send(m);
        assertThat(m.getJMSExpiration()).isEqualTo(m.getJMSTimestamp() + 60_000);
        assertThat(mustReceive(p.consumer()).getJMSExpiration()).isEqualTo(m.getJMSExpiration());
    }

    @OnQueueAndTopic
    void sendOverridesHeadersTheClientSet(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Message m = p.session().createMessage();
        // Section 3.4.11: these fields are set by send; values set by the client beforehand are ignored.
        m.setJMSPriority(9);
        m.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        m.setJMSExpiration(1);
        m.setJMSTimestamp(1);
        m.setJMSMessageID("ID:client-made");
        m.setJMSDestination(queue("Other"));
        m.setJMSRedelivered(true);
        p.producer().send(m);
        Message r = mustReceive(p.consumer());
        assertThat(r.getJMSPriority()).isEqualTo(4);
        assertThat(r.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(r.getJMSExpiration()).isZero();
        assertThat(r.getJMSTimestamp()).isGreaterThan(1);
        assertThat(r.getJMSMessageID()).isNotEqualTo("ID:client-made");
        assertThat(r.getJMSDestination()).isEqualTo(p.destination());
        assertThat(r.getJMSRedelivered()).isFalse();
    }

    @OnQueueAndTopic
    void correlationIdIsCarried(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Message m = p.session().createMessage();
        m.setJMSCorrelationID("corr-" + suffix);
        p.producer().send(m);
        assertThat(mustReceive(p.consumer()).getJMSCorrelationID()).isEqualTo("corr-" + suffix);
        Message plain = p.session().createMessage();
        p.producer().send(plain);
        assertThat(mustReceive(p.consumer()).getJMSCorrelationID()).isNull();
    }

    @OnQueueAndTopic
    void correlationIdMayBeAMessageId(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Message first = p.session().createMessage();
        p.producer().send(first);
        Message reply = p.session().createMessage();
        reply.setJMSCorrelationID(first.getJMSMessageID());
        p.producer().send(reply);
        mustReceive(p.consumer());
        assertThat(mustReceive(p.consumer()).getJMSCorrelationID()).isEqualTo(first.getJMSMessageID());
    }

    @OnQueueAndTopic
    void replyToIsCarriedForQueuesAndTopics(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Queue replyQueue = queue("Reply");
        Topic replyTopic = topic("Reply");
        Message m1 = p.session().createMessage();
        m1.setJMSReplyTo(replyQueue);
        p.producer().send(m1);
        Message m2 = p.session().createMessage();
        m2.setJMSReplyTo(replyTopic);
        p.producer().send(m2);
        Message r1 = mustReceive(p.consumer());
        assertThat(r1.getJMSReplyTo()).isInstanceOf(Queue.class);
        assertThat(((Queue) r1.getJMSReplyTo()).getQueueName()).isEqualTo(replyQueue.getQueueName());
        Message r2 = mustReceive(p.consumer());
        assertThat(r2.getJMSReplyTo()).isInstanceOf(Topic.class);
        assertThat(((Topic) r2.getJMSReplyTo()).getTopicName()).isEqualTo(replyTopic.getTopicName());
        p.producer().send(p.session().createMessage());
        assertThat(mustReceive(p.consumer()).getJMSReplyTo()).isNull();
    }

    @OnQueueAndTopic
    void replyToDestinationIsUsable(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Queue replyQueue = queue("Reply");
        Message m = p.session().createTextMessage("request");
        m.setJMSReplyTo(replyQueue);
        p.producer().send(m);
        Message r = mustReceive(p.consumer());
        p.session().createProducer(r.getJMSReplyTo()).send(p.session().createTextMessage("reply"));
        assertThat(mustReceive(p.session().createConsumer(replyQueue))).isNotNull();
    }

    @OnQueueAndTopic
    void typeIsCarried(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Message m = p.session().createMessage();
        m.setJMSType("tck-type");
        p.producer().send(m);
        assertThat(mustReceive(p.consumer()).getJMSType()).isEqualTo("tck-type");
        p.producer().send(p.session().createMessage());
        assertThat(mustReceive(p.consumer()).getJMSType()).isNull();
    }

    @OnQueueAndTopic
    void redeliveredIsFalseOnFirstDelivery(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        p.producer().send(p.session().createMessage());
        assertThat(mustReceive(p.consumer()).getJMSRedelivered()).isFalse();
    }

    // JMSDeliveryTime is checked with a non-zero delivery delay in Ch07ProducerTest: Artemis leaves it 0
    // when there is no delay, so only the delayed case is portable enough to judge providers.

    @OnQueueAndTopic
    void clearPropertiesAndClearBodyKeepHeaders(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Message m = p.session().createTextMessage("body");
        m.setJMSType("kept");
        m.setJMSCorrelationID("kept-corr");
        m.setStringProperty("p", "v");
        m.clearProperties();
        m.clearBody();
        assertThat(m.getJMSType()).isEqualTo("kept");
        assertThat(m.getJMSCorrelationID()).isEqualTo("kept-corr");
        p.producer().send(m);
        Message r = mustReceive(p.consumer());
        assertThat(r.getJMSType()).isEqualTo("kept");
        assertThat(r.propertyExists("p")).isFalse();
    }

    @OnQueueAndTopic
    void headersOfAReceivedMessageMayBeChanged(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        p.producer().send(p.session().createMessage());
        Message r = mustReceive(p.consumer());
        // Header fields are not read-only on a received message (only properties and body are).
        r.setJMSType("changed");
        r.setJMSCorrelationID("changed");
        assertThat(r.getJMSType()).isEqualTo("changed");
        assertThat(r.getJMSCorrelationID()).isEqualTo("changed");
    }

    @OnQueueAndTopic
    void receivedMessageCanBeResent(Kind kind) throws Exception {
        Pipe p = pipe(kind);
        Message m = p.session().createTextMessage("again");
        m.setStringProperty("p", "v");
        p.producer().send(m);
        Message r = mustReceive(p.consumer());
        Queue other = queue("Resend");
        p.session().createProducer(other).send(r);
        Message again = mustReceive(p.session().createConsumer(other));
        assertThat(again.getStringProperty("p")).isEqualTo("v");
        assertThat(again.getJMSDestination()).isEqualTo(other);
        assertThat(again.getJMSMessageID()).isNotEqualTo(m.getJMSMessageID());
    }
}
