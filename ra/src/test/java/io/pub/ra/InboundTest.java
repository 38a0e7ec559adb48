package io.pub.ra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.jms.PubConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Session;
import jakarta.resource.spi.InvalidPropertyException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Endpoint activation on a stand-in container: deliveries, redelivery, dead-lettering, deactivation. */
@Timeout(90)
class InboundTest {
    @TempDir
    Path dir;

    private FakeContainer container;
    private PubResourceAdapter ra;

    @BeforeEach
    void start() throws Exception {
        container = new FakeContainer();
        ra = new PubResourceAdapter();
        ra.setConnectionUrl("embedded:" + dir);
        ra.start(container);
    }

    @AfterEach
    void stop() {
        ra.stop();
        container.close();
    }

    private PubActivationSpec queueSpec(String queue) {
        PubActivationSpec spec = new PubActivationSpec();
        spec.setDestination(queue);
        spec.setDestinationType("jakarta.jms.Queue");
        spec.setMaxSession(2);
        return spec;
    }

    private void send(String queue, int count) throws JMSException {
        try (Connection c = new PubConnectionFactory("embedded:" + dir).createConnection()) {
            Session s = c.createSession();
            for (int i = 0; i < count; i++) {
                jakarta.jms.Message m = s.createTextMessage("m" + i);
                m.setIntProperty("n", i);
                s.createProducer(s.createQueue(queue)).send(m);
            }
        }
    }

    private List<Integer> drain(String queue) throws JMSException {
        List<Integer> out = new CopyOnWriteArrayList<>();
        try (Connection c = new PubConnectionFactory("embedded:" + dir).createConnection()) {
            c.start();
            Session s = c.createSession();
            var consumer = s.createConsumer(s.createQueue(queue));
            Message m;
            while ((m = consumer.receive(1_000)) != null) {
                out.add(m.getIntProperty("n"));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "transacted={0}")
    @ValueSource(booleans = {true, false})
    void everyMessageIsDeliveredAndAcknowledgedOnce(boolean transacted) throws Exception {
        int count = 40;
        CountDownLatch all = new CountDownLatch(count);
        List<Integer> got = new CopyOnWriteArrayList<>();
        MessageListener bean = m -> {
            try {
                got.add(m.getIntProperty("n"));
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
            all.countDown();
        };
        PubActivationSpec spec = queueSpec("orders");
        var endpoints = container.endpoints(bean, transacted);
        ra.endpointActivation(endpoints, spec);
        send("orders", count);
        assertThat(all.await(60, TimeUnit.SECONDS)).isTrue();
        ra.endpointDeactivation(endpoints, spec);
        assertThat(got).hasSize(count).doesNotHaveDuplicates();
        assertThat(drain("orders")).as("all acknowledged").isEmpty();
    }

    @ParameterizedTest(name = "transacted={0}")
    @ValueSource(booleans = {true, false})
    void aBeanThatThrowsGetsTheMessageAgainThenItIsDeadLettered(boolean transacted) throws Exception {
        List<Integer> deliveries = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        MessageListener bean = m -> {
            try {
                deliveries.add(m.getIntProperty("JMSXDeliveryCount"));
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
            three.countDown();
            throw new IllegalStateException("always fails");
        };
        PubActivationSpec spec = queueSpec("poison");
        spec.setMaxSession(1);
        spec.setMaxDeliveries(3);
        var endpoints = container.endpoints(bean, transacted);
        ra.endpointActivation(endpoints, spec);
        send("poison", 1);
        assertThat(three.await(60, TimeUnit.SECONDS)).isTrue();
        // the provider moves the message when its consumer next fetches it, which the activation does
        Message dead;
        try (Connection c = new PubConnectionFactory("embedded:" + dir).createConnection()) {
            c.start();
            Session s = c.createSession();
            dead = s.createConsumer(s.createQueue("DLQ")).receive(60_000);
            assertThat(dead).isNotNull();
            assertThat(dead.getIntProperty("n")).isZero();
            assertThat(dead.getIntProperty("PubDeliveryCount")).isEqualTo(3);
        }
        ra.endpointDeactivation(endpoints, spec);
        assertThat(deliveries).containsExactly(1, 2, 3);
        assertThat(drain("DLQ")).isEmpty();
        assertThat(drain("poison")).isEmpty();
    }

    @Test
    void deactivationWaitsForTheDeliveryInProgressWhichIsAcknowledged() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        AtomicInteger calls = new AtomicInteger();
        MessageListener bean = m -> {
            calls.incrementAndGet();
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.set(true);
        };
        PubActivationSpec spec = queueSpec("slow");
        spec.setMaxSession(1);
        var endpoints = container.endpoints(bean, true);
        ra.endpointActivation(endpoints, spec);
        send("slow", 1);
        assertThat(inside.await(60, TimeUnit.SECONDS)).isTrue();
        Thread deactivate = new Thread(() -> ra.endpointDeactivation(endpoints, spec));
        deactivate.start();
        deactivate.join(300);
        assertThat(deactivate.isAlive())
                .as("deactivation waits for the delivery")
                .isTrue();
        release.countDown();
        deactivate.join(30_000);
        assertThat(deactivate.isAlive()).isFalse();
        assertThat(finished).isTrue();
        assertThat(calls).hasValue(1);
        assertThat(drain("slow")).as("the finished delivery was acknowledged").isEmpty();
    }

    @Test
    void aTopicsSharedDurableSubscriptionIsConsumedByEverySession() throws Exception {
        int count = 20;
        CountDownLatch all = new CountDownLatch(count);
        List<Integer> got = new CopyOnWriteArrayList<>();
        MessageListener bean = m -> {
            try {
                got.add(m.getIntProperty("n"));
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
            all.countDown();
        };
        PubActivationSpec spec = new PubActivationSpec();
        spec.setDestination("events");
        spec.setDestinationType("jakarta.jms.Topic");
        spec.setSubscriptionDurability("Durable");
        spec.setSubscriptionName("events-sub");
        spec.setMaxSession(2);
        var endpoints = container.endpoints(bean, true);
        ra.endpointActivation(endpoints, spec);
        try (Connection c = new PubConnectionFactory("embedded:" + dir).createConnection()) {
            Session s = c.createSession();
            for (int i = 0; i < count; i++) {
                Message m = s.createMessage();
                m.setIntProperty("n", i);
                s.createProducer(s.createTopic("events")).send(m);
            }
        }
        assertThat(all.await(60, TimeUnit.SECONDS)).isTrue();
        ra.endpointDeactivation(endpoints, spec);
        assertThat(got).hasSize(count).doesNotHaveDuplicates();
    }

    @Test
    void theRecoveryResourcesListWhatWasPreparedOnTheActivationsStore() throws Exception {
        javax.transaction.xa.Xid xid = new OutboundTest.TestXid(42);
        try (jakarta.jms.XAConnection c =
                new io.pub.jms.PubXAConnectionFactory("embedded:" + dir).createXAConnection()) {
            jakarta.jms.XASession session = c.createXASession();
            javax.transaction.xa.XAResource xa = session.getXAResource();
            xa.start(xid, javax.transaction.xa.XAResource.TMNOFLAGS);
            Message held = session.createTextMessage("held");
            held.setIntProperty("n", 7);
            session.createProducer(session.createQueue("prepared")).send(held);
            xa.end(xid, javax.transaction.xa.XAResource.TMSUCCESS);
            assertThat(xa.prepare(xid)).isEqualTo(javax.transaction.xa.XAResource.XA_OK);
        }
        javax.transaction.xa.XAResource[] resources =
                ra.getXAResources(new jakarta.resource.spi.ActivationSpec[] {queueSpec("a"), queueSpec("b")});
        assertThat(resources).as("one per store").hasSize(1);
        javax.transaction.xa.Xid[] found = resources[0].recover(
                javax.transaction.xa.XAResource.TMSTARTRSCAN | javax.transaction.xa.XAResource.TMENDRSCAN);
        assertThat(found).hasSize(1);
        assertThat(found[0].getGlobalTransactionId()).isEqualTo(xid.getGlobalTransactionId());
        resources[0].commit(found[0], false);
        assertThat(drain("prepared")).containsExactly(7);
    }

    @Test
    void anInvalidActivationNamesTheProperty() {
        PubActivationSpec none = new PubActivationSpec();
        assertThatThrownBy(none::validate)
                .isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("destinationLookup");
        PubActivationSpec durable = queueSpec("t");
        durable.setDestinationType("jakarta.jms.Topic");
        durable.setSubscriptionDurability("Durable");
        assertThatThrownBy(durable::validate).hasMessageContaining("subscriptionName");
        PubActivationSpec type = queueSpec("q");
        type.setDestinationType("jakarta.jms.Nothing");
        assertThatThrownBy(type::validate).hasMessageContaining("destinationType");
        PubActivationSpec ack = queueSpec("q");
        ack.setAcknowledgeMode("Client-acknowledge");
        assertThatThrownBy(ack::validate).hasMessageContaining("acknowledgeMode");
        PubActivationSpec sessions = queueSpec("q");
        sessions.setMaxSession(0);
        assertThatThrownBy(sessions::validate).hasMessageContaining("maxSession");
    }
}
