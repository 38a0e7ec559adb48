package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Jakarta Messaging 3.1 section 8.7: asynchronous delivery to a MessageListener. */
class ListenerTest extends TckTest {

    private static Message poll(BlockingQueue<Message> q) throws InterruptedException {
        Message m = q.poll(ARRIVE_MS, TimeUnit.MILLISECONDS);
        assertThat(m).as("message delivered to the listener").isNotNull();
        return m;
    }

    @OnQueueAndTopic
    void listenerReceivesMessages(Kind kind) throws Exception {
        Pipe pipe = pipe(kind);
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        pipe.consumer().setMessageListener(got::add);
        for (int i = 0; i < 5; i++) {
            pipe.producer().send(pipe.session().createTextMessage("m" + i));
        }
        for (int i = 0; i < 5; i++) {
            assertThat(((TextMessage) poll(got)).getText()).isEqualTo("m" + i);
        }
    }

    @OnQueueAndTopic
    void runtimeExceptionInAutoAcknowledgeLeadsToRedelivery(Kind kind) throws Exception {
        Pipe pipe = pipe(kind, Session.AUTO_ACKNOWLEDGE);
        List<Boolean> redelivered = new CopyOnWriteArrayList<>();
        List<Integer> counts = new CopyOnWriteArrayList<>();
        CountDownLatch twice = new CountDownLatch(2);
        pipe.consumer().setMessageListener(m -> {
            try {
                redelivered.add(m.getJMSRedelivered());
                counts.add(m.getIntProperty("JMSXDeliveryCount"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            twice.countDown();
            if (twice.getCount() == 1) {
                throw new RuntimeException("listener failure on purpose");
            }
        });
        pipe.producer().send(pipe.session().createTextMessage("fragile"));
        // Section 8.7: the message is immediately redelivered, flagged as redelivered.
        assertThat(twice.await(ARRIVE_MS, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(redelivered).containsExactly(false, true);
        assertThat(counts).containsExactly(1, 2);
    }

    @Test
    void runtimeExceptionInDupsOkLeadsToRedelivery() throws Exception {
        Pipe pipe = pipe(Kind.QUEUE, Session.DUPS_OK_ACKNOWLEDGE);
        List<Boolean> redelivered = new CopyOnWriteArrayList<>();
        CountDownLatch twice = new CountDownLatch(2);
        pipe.consumer().setMessageListener(m -> {
            try {
                redelivered.add(m.getJMSRedelivered());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            twice.countDown();
            if (twice.getCount() == 1) {
                throw new RuntimeException("listener failure on purpose");
            }
        });
        pipe.producer().send(pipe.session().createTextMessage("fragile"));
        assertThat(twice.await(ARRIVE_MS, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(redelivered).containsExactly(false, true);
    }

    @Test
    void runtimeExceptionInJmsContextListenerLeadsToRedelivery() throws Exception {
        JMSContext ctx = context();
        Queue q = queue();
        JMSConsumer consumer = ctx.createConsumer(q);
        AtomicInteger calls = new AtomicInteger();
        BlockingQueue<Message> second = new LinkedBlockingQueue<>();
        consumer.setMessageListener(m -> {
            if (calls.incrementAndGet() == 1) {
                throw new RuntimeException("listener failure on purpose");
            }
            second.add(m);
        });
        context().createProducer().send(q, "fragile");
        assertThat(poll(second).getJMSRedelivered()).isTrue();
    }

    @Test
    void deliveryToOneSessionIsSerial() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q1 = queue("Q1");
        Queue q2 = queue("Q2");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(20);
        jakarta.jms.MessageListener l = m -> {
            int now = inside.incrementAndGet();
            maxInside.accumulateAndGet(now, Math::max);
            Thread.onSpinWait();
            inside.decrementAndGet();
            all.countDown();
        };
        s.createConsumer(q1).setMessageListener(l);
        s.createConsumer(q2).setMessageListener(l);
        Session ps = session();
        MessageProducer p = ps.createProducer(null);
        for (int i = 0; i < 10; i++) {
            p.send(q1, ps.createMessage());
            p.send(q2, ps.createMessage());
        }
        assertThat(all.await(ARRIVE_MS, TimeUnit.MILLISECONDS)).isTrue();
        // Section 6.2.14 (serial execution): a session never runs two listeners at once.
        assertThat(maxInside.get()).isEqualTo(1);
    }

    @Test
    void removingTheListenerStopsAsyncDelivery() throws Exception {
        Pipe pipe = pipe(Kind.QUEUE);
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        pipe.consumer().setMessageListener(got::add);
        pipe.producer().send(pipe.session().createTextMessage("async"));
        poll(got);
        pipe.consumer().setMessageListener(null);
        // With the listener gone, messages wait for receive.
        pipe.producer().send(pipe.session().createTextMessage("sync"));
        assertThat(((TextMessage) mustReceive(pipe.consumer())).getText()).isEqualTo("sync");
        assertThat(got).isEmpty();
    }

    @Test
    void listenerMustNotStopOrCloseItsOwnConnection() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = queue();
        AtomicReference<Exception> stop = new AtomicReference<>();
        AtomicReference<Exception> close = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        s.createConsumer(q).setMessageListener(m -> {
            stop.set(Ch07AsyncSendTest.attempt(c::stop));
            close.set(Ch07AsyncSendTest.attempt(c::close));
            done.countDown();
        });
        Session ps = session();
        ps.createProducer(q).send(ps.createMessage());
        assertThat(done.await(ARRIVE_MS, TimeUnit.MILLISECONDS)).isTrue();
        // Connection.stop and Connection.close javadoc: IllegalStateException from a listener of the connection.
        assertThat(stop.get()).isInstanceOf(IllegalStateException.class);
        assertThat(close.get()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void listenerMayCloseItsOwnConsumer() throws Exception {
        Pipe pipe = pipe(Kind.QUEUE);
        AtomicReference<Exception> close = new AtomicReference<>(new Exception("not called"));
        CountDownLatch done = new CountDownLatch(1);
        MessageConsumer consumer = pipe.consumer();
        consumer.setMessageListener(m -> {
            close.set(Ch07AsyncSendTest.attempt(consumer::close));
            done.countDown();
        });
        pipe.producer().send(pipe.session().createMessage());
        assertThat(done.await(ARRIVE_MS, TimeUnit.MILLISECONDS)).isTrue();
        // MessageConsumer.close javadoc: allowed from the consumer's own listener.
        assertThat(close.get()).isNull();
    }

    @Test
    void clientAcknowledgeInAListener() throws Exception {
        Queue q = queue();
        Session ps = session();
        ps.createProducer(q).send(ps.createTextMessage("ack me"));
        Session s = connection().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        CountDownLatch done = new CountDownLatch(1);
        s.createConsumer(q).setMessageListener(m -> {
            try {
                m.acknowledge();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            done.countDown();
        });
        assertThat(done.await(ARRIVE_MS, TimeUnit.MILLISECONDS)).isTrue();
        s.close();
        mustNotReceive(session().createConsumer(q));
    }

    @Test
    void listenerOnAStoppedConnectionWaitsForStart() throws Exception {
        Connection c = track(cf().createConnection());
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = queue();
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        s.createConsumer(q).setMessageListener(got::add);
        Session ps = session();
        ps.createProducer(q).send(ps.createMessage());
        assertThat(got.poll(ABSENT_MS, TimeUnit.MILLISECONDS)).isNull();
        c.start();
        poll(got);
    }
}
