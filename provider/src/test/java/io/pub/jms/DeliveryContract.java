package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.DeadLetters;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Acknowledgement modes, transactions, recover, listeners, async send, redelivery and dead letters. */
abstract class DeliveryContract extends JmsTestBase {

    @Test
    void queueDeliversInOrderWithHeaders() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageProducer p = s.createProducer(q);
        Message sent = s.createTextMessage("hello");
        p.send(sent);
        assertThat(sent.getJMSMessageID()).startsWith("ID:");
        assertThat(sent.getJMSDestination()).isEqualTo(q);
        assertThat(sent.getJMSTimestamp()).isPositive();
        send(s, q, "a", "b");
        MessageConsumer consumer = s.createConsumer(q);
        Message first = consumer.receive(ARRIVE_MS);
        assertThat(text(first)).isEqualTo("hello");
        assertThat(first.getJMSMessageID()).isEqualTo(sent.getJMSMessageID());
        assertThat(first.getJMSRedelivered()).isFalse();
        assertThat(first.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
        assertThat(first.getJMSDestination()).isEqualTo(q);
        assertThat(receiveTexts(consumer, 2)).containsExactly("a", "b");
        assertThat(consumer.receiveNoWait()).isNull();
    }

    @Test
    void aSessionsMessagesStayInOrderAcrossItsProducersAndGroups() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        for (int i = 0; i < 12; i++) {
            MessageProducer p = s.createProducer(q); // one per send, as JMSContext users do
            Message m = s.createTextMessage("m" + i);
            if (i % 3 == 1) {
                m.setStringProperty("JMSXGroupID", "group-" + i); // each group hashes to its own shard
            }
            p.send(m);
        }
        MessageConsumer consumer =
                c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q);
        assertThat(receiveTexts(consumer, 12)).containsExactly(texts("m", 12));
    }

    @Test
    void aListenerGetsMessagesInOrderWhileTheyAreBeingWritten() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session ps = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        for (int round = 0; round < 5; round++) {
            Queue q = s.createQueue(name("q" + round));
            java.util.concurrent.BlockingQueue<Message> got = new java.util.concurrent.LinkedBlockingQueue<>();
            MessageConsumer consumer = s.createConsumer(q);
            consumer.setMessageListener(got::add); // polling while the sends below are written
            send(ps, q, texts("m", 5));
            List<String> out = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                out.add(text(got.poll(ARRIVE_MS, TimeUnit.MILLISECONDS)));
            }
            assertThat(out).containsExactly(texts("m", 5));
            consumer.close();
        }
    }

    @Test
    void autoAcknowledgedMessagesAreNotRedelivered() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        send(s, q, "a", "b");
        MessageConsumer consumer = s.createConsumer(q);
        assertThat(receiveTexts(consumer, 2)).containsExactly("a", "b");
        consumer.close();
        assertNothing(s.createConsumer(q));
    }

    @Test
    void clientAcknowledgeAcksEverythingTheSessionDelivered() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q1 = s.createQueue(name("q1"));
        Queue q2 = s.createQueue(name("q2"));
        send(s, q1, "a", "c");
        send(s, q2, "b");
        MessageConsumer c1 = s.createConsumer(q1);
        MessageConsumer c2 = s.createConsumer(q2);
        Message a = c1.receive(ARRIVE_MS);
        assertThat(text(c2.receive(ARRIVE_MS))).isEqualTo("b");
        assertThat(text(c1.receive(ARRIVE_MS))).isEqualTo("c");
        a.acknowledge(); // the first message acks all three
        s.close();
        Session s2 = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertNothing(s2.createConsumer(q1));
        assertNothing(s2.createConsumer(q2));
    }

    @Test
    void unacknowledgedMessagesComeBackRedeliveredWhenTheSessionCloses() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        send(s, q, "a", "b");
        MessageConsumer consumer = s.createConsumer(q);
        assertThat(receiveTexts(consumer, 2)).containsExactly("a", "b");
        s.close();
        Session s2 = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer again = s2.createConsumer(q);
        Message m = again.receive(ARRIVE_MS);
        assertThat(text(m)).isEqualTo("a");
        assertThat(m.getJMSRedelivered()).isTrue();
        assertThat(m.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        assertThat(text(again.receive(ARRIVE_MS))).isEqualTo("b");
        m.acknowledge();
        assertThatThrownBy(() -> {
                    s.close();
                    m.getJMSMessageID();
                    s.createConsumer(q);
                })
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void recoverRedeliversUnacknowledgedMessagesInOrder() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        send(s, q, "a", "b", "c");
        MessageConsumer consumer = s.createConsumer(q);
        assertThat(receiveTexts(consumer, 2)).containsExactly("a", "b");
        s.recover();
        Message a = consumer.receive(ARRIVE_MS);
        assertThat(text(a)).isEqualTo("a");
        assertThat(a.getJMSRedelivered()).isTrue();
        assertThat(receiveTexts(consumer, 2)).containsExactly("b", "c");
        a.acknowledge();
        assertNothing(consumer);
    }

    @Test
    void transactedSendsAreHeldUntilCommit() throws Exception {
        Connection c = connection();
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        assertThat(tx.getTransacted()).isTrue();
        assertThat(tx.getAcknowledgeMode()).isEqualTo(Session.SESSION_TRANSACTED);
        Queue q = tx.createQueue(name("q"));
        send(tx, q, "a", "b");
        MessageConsumer consumer =
                c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q);
        assertNothing(consumer);
        tx.commit();
        assertThat(receiveTexts(consumer, 2)).containsExactly("a", "b");
        send(tx, q, "rolled back");
        tx.rollback();
        send(tx, q, "closed");
        tx.close(); // rolls back
        assertNothing(consumer);
    }

    @Test
    void transactedReceivesAreAckedAtCommitAndRedeliveredAfterRollback() throws Exception {
        Connection c = connection();
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        Queue q = tx.createQueue(name("q"));
        Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        send(plain, q, "a", "b");
        MessageConsumer consumer = tx.createConsumer(q);
        assertThat(receiveTexts(consumer, 2)).containsExactly("a", "b");
        tx.rollback();
        Message a = consumer.receive(ARRIVE_MS);
        assertThat(text(a)).isEqualTo("a");
        assertThat(a.getJMSRedelivered()).isTrue();
        assertThat(a.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        assertThat(text(consumer.receive(ARRIVE_MS))).isEqualTo("b");
        tx.commit();
        tx.close();
        assertNothing(plain.createConsumer(q));
    }

    @Test
    void closingATransactedSessionRollsBackItsReceives() throws Exception {
        Connection c = connection();
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        Queue q = tx.createQueue(name("q"));
        Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        send(plain, q, "a");
        assertThat(text(tx.createConsumer(q).receive(ARRIVE_MS))).isEqualTo("a");
        tx.close();
        Message again = plain.createConsumer(q).receive(ARRIVE_MS);
        assertThat(text(again)).isEqualTo("a");
        assertThat(again.getJMSRedelivered()).isTrue();
    }

    @Test
    void dupsOkAcknowledgesInBatchesAndOnClose() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        send(s, q, texts("m", 20));
        MessageConsumer consumer = s.createConsumer(q);
        assertThat(receiveTexts(consumer, 20)).containsExactly(texts("m", 20));
        s.close();
        assertNothing(c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q));
    }

    @Test
    void listenersOfASessionRunOneAtATime() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q1 = s.createQueue(name("q1"));
        Queue q2 = s.createQueue(name("q2"));
        Session sender = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        send(sender, q1, texts("x", 10));
        send(sender, q2, texts("y", 10));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        List<String> got = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(20);
        jakarta.jms.MessageListener l = m -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(2);
                got.add(text(m));
            } catch (Exception e) {
                throw new RuntimeException(e);
            } finally {
                running.decrementAndGet();
                all.countDown();
            }
        };
        s.createConsumer(q1).setMessageListener(l);
        s.createConsumer(q2).setMessageListener(l);
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(maxRunning.get()).isEqualTo(1);
        assertThat(got.stream().filter(t -> t.startsWith("x")).toList()).containsExactly(texts("x", 10));
    }

    @Test
    void aListenerThatThrowsGetsTheMessageAgain() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        send(s, q, "a");
        List<Boolean> redelivered = new CopyOnWriteArrayList<>();
        CountDownLatch twice = new CountDownLatch(2);
        s.createConsumer(q).setMessageListener(m -> {
            try {
                redelivered.add(m.getJMSRedelivered());
            } catch (JMSException e) {
                throw new RuntimeException(e);
            }
            twice.countDown();
            if (redelivered.size() == 1) {
                throw new RuntimeException("fails the first time");
            }
        });
        assertThat(twice.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(redelivered).containsExactly(false, true);
    }

    @Test
    void stopWaitsForTheListenerAndPausesDelivery() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger count = new AtomicInteger();
        s.createConsumer(q).setMessageListener(m -> {
            count.incrementAndGet();
            inListener.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Session sender = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        send(sender, q, "a");
        assertThat(inListener.await(10, TimeUnit.SECONDS)).isTrue();
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
                // ends early
            }
            release.countDown();
        });
        releaser.start();
        long start = System.nanoTime();
        c.stop();
        assertThat(System.nanoTime() - start).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(150));
        send(sender, q, "b");
        Thread.sleep(ABSENT_MS);
        assertThat(count.get()).isEqualTo(1);
        c.start();
        long deadline = System.currentTimeMillis() + ARRIVE_MS;
        while (count.get() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(count.get()).isEqualTo(2);
    }

    @Test
    void listenersMayNotCloseOrStopTheirOwnConnectionOrSession() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        s.createConsumer(q).setMessageListener(m -> {
            for (ThrowingRunnable r : List.<ThrowingRunnable>of(c::close, c::stop, s::close)) {
                try {
                    r.run();
                    errors.add(new AssertionError("no exception"));
                } catch (Throwable t) {
                    errors.add(t);
                }
            }
            done.countDown();
        });
        send(c.createSession(false, Session.AUTO_ACKNOWLEDGE), q, "a");
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(errors).hasSize(3).allMatch(IllegalStateException.class::isInstance);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void asyncSendCompletesInOrderOnAnotherThreadOnceStored() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageProducer p = s.createProducer(q);
        List<String> completed = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Thread> thread = new AtomicReference<>();
        CountDownLatch all = new CountDownLatch(10);
        for (String t : texts("m", 10)) {
            p.send(s.createTextMessage(t), new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    thread.set(Thread.currentThread());
                    try {
                        completed.add(text(message));
                    } catch (JMSException e) {
                        throw new RuntimeException(e);
                    }
                    all.countDown();
                }

                @Override
                public void onException(Message message, Exception exception) {
                    all.countDown();
                }
            });
        }
        p.close(); // waits for the outstanding sends
        assertThat(all.getCount()).isZero();
        assertThat(completed).containsExactly(texts("m", 10));
        assertThat(thread.get()).isNotEqualTo(Thread.currentThread());
        assertThat(receiveTexts(c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q), 10))
                .containsExactly(texts("m", 10));
    }

    @Test
    void aCompletionListenerMayNotCloseOrCommitItsOwnObjects() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(s.createQueue(name("q")));
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        p.send(s.createTextMessage("x"), new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                for (ThrowingRunnable r : List.<ThrowingRunnable>of(p::close, s::close, c::close, s::commit)) {
                    try {
                        r.run();
                        errors.add(new AssertionError("no exception"));
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }
                done.countDown();
            }

            @Override
            public void onException(Message message, Exception exception) {
                done.countDown();
            }
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(errors).hasSize(4).allMatch(IllegalStateException.class::isInstance);
    }

    @Test
    void anAsyncSendInATransactionCompletesAtOnceAndIsStoredAtCommit() throws Exception {
        Connection c = connection();
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        Queue q = tx.createQueue(name("q"));
        CountDownLatch completed = new CountDownLatch(1);
        tx.createProducer(q).send(tx.createTextMessage("tx"), new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                completed.countDown();
            }

            @Override
            public void onException(Message message, Exception exception) {}
        });
        assertThat(completed.await(10, TimeUnit.SECONDS)).isTrue();
        MessageConsumer consumer =
                c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q);
        assertNothing(consumer);
        tx.commit();
        assertThat(receiveTexts(consumer, 1)).containsExactly("tx");
    }

    @Test
    void redeliveryIsDelayedWithBackoff() throws Exception {
        Connection c = connection("redeliveryDelay=10s&redeliveryBackoff=3");
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        Queue q = tx.createQueue(name("q"));
        send(c.createSession(false, Session.AUTO_ACKNOWLEDGE), q, "a");
        MessageConsumer consumer = tx.createConsumer(q);
        assertThat(text(consumer.receive(ARRIVE_MS))).isEqualTo("a");
        tx.rollback(); // first redelivery after 10 s
        assertNothing(consumer);
        TestStores.CLOCK.advance(Duration.ofSeconds(11));
        assertThat(text(consumer.receive(ARRIVE_MS))).isEqualTo("a");
        tx.rollback(); // second after 30 s
        TestStores.CLOCK.advance(Duration.ofSeconds(11));
        assertNothing(consumer);
        TestStores.CLOCK.advance(Duration.ofSeconds(20));
        Message m = consumer.receive(ARRIVE_MS);
        assertThat(m.getIntProperty("JMSXDeliveryCount")).isEqualTo(3);
        tx.commit();
    }

    @Test
    void aMessageDeliveredTooOftenGoesToTheDeadLetterQueue() throws Exception {
        String dlq = name("DLQ");
        Connection c = connection("maxDeliveries=2&deadLetterQueue=" + dlq);
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        Queue q = tx.createQueue(name("q"));
        Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = plain.createProducer(q);
        Message sent = plain.createTextMessage("poison");
        sent.setStringProperty("kind", "bad");
        p.send(sent);
        MessageConsumer consumer = tx.createConsumer(q);
        for (int i = 1; i <= 2; i++) {
            Message m = consumer.receive(ARRIVE_MS);
            assertThat(m.getIntProperty("JMSXDeliveryCount")).isEqualTo(i);
            tx.rollback();
        }
        assertNothing(consumer);
        Message dead = plain.createConsumer(plain.createQueue(dlq)).receive(ARRIVE_MS);
        assertThat(text(dead)).isEqualTo("poison");
        assertThat(dead.getStringProperty(DeadLetters.ORIGINAL_TOPIC)).isEqualTo(q.getQueueName());
        assertThat(dead.getIntProperty(DeadLetters.DELIVERY_COUNT)).isEqualTo(2);
        assertThat(dead.getStringProperty("kind")).isEqualTo("bad");
        assertThat(dead.getJMSMessageID()).isEqualTo(sent.getJMSMessageID());
    }

    @Test
    void nonPersistentMessagesAreDeliveredAndKeepTheirMode() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageProducer p = s.createProducer(q);
        p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        p.send(s.createTextMessage("a"));
        Message m = s.createConsumer(q).receive(ARRIVE_MS);
        assertThat(m.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
    }
}
