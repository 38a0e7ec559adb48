package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Async sends go out in rounds of several batches in flight; order and completions must not notice. */
@Timeout(60)
class AsyncSendPipelineTest extends JmsTestBase {
    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    @Test
    void manyAsyncSendsToTwoQueuesWithSyncSendsBetweenKeepTheirOrder() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue a = s.createQueue(name("a"));
        Queue b = s.createQueue(name("b"));
        MessageProducer p = s.createProducer(null);
        int n = 3000;
        List<String> completed = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(n);
        List<String> expectedA = new ArrayList<>();
        List<String> expectedB = new ArrayList<>();
        List<String> expectedCompletions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Queue to = i % 3 == 0 ? b : a;
            String text = "m" + i;
            (to == a ? expectedA : expectedB).add(text);
            expectedCompletions.add(text);
            p.send(to, s.createTextMessage(text), new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    try {
                        completed.add(text(message));
                    } catch (JMSException e) {
                        throw new RuntimeException(e);
                    }
                    all.countDown();
                }

                @Override
                public void onException(Message message, Exception exception) {
                    completed.add("failed " + text + ": " + exception);
                    all.countDown();
                }
            });
            if (i % 500 == 250) {
                // a sync send while async ones are queued is stored behind them
                String sync = "sync" + i;
                p.send(a, s.createTextMessage(sync));
                expectedA.add(sync);
            }
        }
        assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(completed).containsExactlyElementsOf(expectedCompletions);
        Session r = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        c.start();
        assertThat(receiveTexts(r.createConsumer(a), expectedA.size())).containsExactlyElementsOf(expectedA);
        assertThat(receiveTexts(r.createConsumer(b), expectedB.size())).containsExactlyElementsOf(expectedB);
        assertNothing(r.createConsumer(a));
    }

    @Test
    void closeWaitsForEveryAsyncSendAndItsCompletion() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("q"));
        MessageProducer p = s.createProducer(q);
        int n = 2000;
        List<String> completed = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < n; i++) {
            p.send(s.createTextMessage("m" + i), new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    completed.add("ok");
                }

                @Override
                public void onException(Message message, Exception exception) {
                    completed.add("failed");
                }
            });
        }
        s.close();
        assertThat(completed).hasSize(n).containsOnly("ok");
        Session r = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        c.start();
        assertThat(receiveTexts(r.createConsumer(q), n)).hasSize(n);
    }
}
