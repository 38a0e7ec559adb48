package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What application callbacks throw never wedges a session: a MessageListener's Error, a
 * CompletionListener's exception (logged, with the message id and destination) and a failure of the
 * session's sender thread itself leave every later send answered and close returning.
 */
class ListenerFailuresTest extends JmsTestBase {
    private final String storeName = "failures-" + UUID.randomUUID();

    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    @AfterEach
    void heal() {
        FaultyStore.heal(storeName);
    }

    /** Records what a CompletionListener hears. */
    private static final class Answers implements CompletionListener {
        final BlockingQueue<String> heard = new LinkedBlockingQueue<>();

        @Override
        public void onCompletion(Message message) {
            heard.add("ok " + text(message));
        }

        @Override
        public void onException(Message message, Exception exception) {
            heard.add("failed " + text(message) + ": " + exception.getMessage());
        }

        private static String text(Message m) {
            try {
                return JmsTestBase.text(m);
            } catch (JMSException e) {
                return e.toString();
            }
        }

        String next() throws InterruptedException {
            return heard.poll(ARRIVE_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void aListenerThatThrowsAnErrorGetsItsMessageAgainAndTheSessionGoesOn() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        List<String> got = new CopyOnWriteArrayList<>();
        CountDownLatch second = new CountDownLatch(1);
        MessageConsumer consumer = s.createConsumer(q);
        consumer.setMessageListener(m -> {
            try {
                got.add(text(m) + (m.getJMSRedelivered() ? " again" : ""));
                if (got.size() == 1) {
                    throw new AssertionError("a test assertion in the listener");
                }
                if (text(m).equals("b")) {
                    second.countDown();
                }
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        });
        Session other = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        send(other, q, "a", "b");
        assertThat(second.await(ARRIVE_MS, TimeUnit.MILLISECONDS))
                .as("the delivery thread survived the Error")
                .isTrue();
        assertThat(got).containsExactly("a", "a again", "b");

        // the session's thread still answers its async sends, and close returns
        Answers answers = new Answers();
        s.createProducer(s.createQueue(name("out"))).send(s.createTextMessage("after"), answers);
        assertThat(answers.next()).isEqualTo("ok after");
        s.close();
    }

    @Test
    void aCompletionListenerThatThrowsIsLoggedWithTheMessageAndTheNextOnesAreCalled() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageProducer p = s.createProducer(q);
        Answers answers = new Answers();
        Message first = s.createTextMessage("first");
        try (LogCapture log = new LogCapture()) {
            p.send(first, new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    throw new IllegalStateException("listener bug");
                }

                @Override
                public void onException(Message message, Exception exception) {}
            });
            Message second = s.createTextMessage("second");
            p.send(second, new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    throw new AssertionError("listener assertion");
                }

                @Override
                public void onException(Message message, Exception exception) {}
            });
            p.send(s.createTextMessage("third"), answers);
            assertThat(answers.next()).isEqualTo("ok third");
            s.close(); // every completion answered: close does not wait for ever
            String logged = log.text();
            assertThat(logged)
                    .contains("WARN")
                    .contains("CompletionListener threw for message " + first.getJMSMessageID() + " to "
                            + q.getQueueName())
                    .contains("listener bug");
            assertThat(logged)
                    .contains("CompletionListener threw for message " + second.getJMSMessageID())
                    .contains("listener assertion");
        }
    }

    @Test
    void whenTheSenderThreadFailsEverySendIsAnsweredAndTheNextOnesGoThrough() throws Exception {
        PubConnectionFactory f = new PubConnectionFactory("faulty:" + storeName, TestStores.SETTINGS, TestStores.CLOCK);
        Connection c = track(f.createConnection());
        c.start();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageProducer p = s.createProducer(q);
        Answers answers = new Answers();
        p.send(s.createTextMessage("before"), answers);
        assertThat(answers.next()).isEqualTo("ok before");

        // an Error where the sender thread writes: as an OutOfMemoryError there would be
        FaultyStore.fail(storeName, "appendAsync", () -> new OutOfMemoryError("simulated, in the sender thread"));
        for (int i = 0; i < 20; i++) {
            p.send(s.createTextMessage("lost-" + i), answers);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(answers.next())
                    .startsWith("failed lost-" + i)
                    .contains("sender thread failed")
                    .contains("simulated");
        }
        FaultyStore.heal(storeName);
        p.send(s.createTextMessage("after"), answers);
        assertThat(answers.next()).isEqualTo("ok after");
        MessageConsumer consumer = s.createConsumer(q);
        assertThat(receiveTexts(consumer, 2)).containsExactly("before", "after");
        c.close();
    }
}
