package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A MessageListener that throws in AUTO_ACKNOWLEDGE (or DUPS_OK_ACKNOWLEDGE) gets that message again,
 * redelivered, and nothing else: the messages its consumer prefetched are not given back (which would
 * mark them redelivered though nobody saw them). The classic and the simplified API behave alike,
 * because a JMSContext's session is a PubSession in the context's own mode: one strategy per mode.
 */
class FailingAutoListenerTest extends JmsTestBase {
    private static final String OPTIONS = "prefetch=4";

    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    /** Throws on its first message; records every delivery as "text" or "text again" (redelivered). */
    private static final class FailsOnce implements MessageListener {
        final List<String> got = new CopyOnWriteArrayList<>();
        final CountDownLatch four = new CountDownLatch(4);

        @Override
        public void onMessage(Message m) {
            try {
                got.add(text(m) + (m.getJMSRedelivered() ? " again" : ""));
            } catch (JMSException e) {
                got.add(e.toString());
            }
            four.countDown();
            if (got.size() == 1) {
                throw new IllegalStateException("the first delivery fails");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {Session.AUTO_ACKNOWLEDGE, Session.DUPS_OK_ACKNOWLEDGE})
    void classicApi(int mode) throws Exception {
        Connection c = connection(OPTIONS);
        Session s = c.createSession(false, mode);
        Queue q = s.createQueue(name("q"));
        send(s, q, "m0", "m1", "m2");
        FailsOnce listener = new FailsOnce();
        s.createConsumer(q).setMessageListener(listener);
        assertOnlyTheFailedOneCameAgain(listener);
    }

    @ParameterizedTest
    @ValueSource(ints = {JMSContext.AUTO_ACKNOWLEDGE, JMSContext.DUPS_OK_ACKNOWLEDGE})
    void simplifiedApi(int mode) throws Exception {
        JMSContext context = track(factory(OPTIONS).createContext(mode));
        Queue q = context.createQueue(name("q"));
        for (String t : List.of("m0", "m1", "m2")) {
            context.createProducer().send(q, t);
        }
        FailsOnce listener = new FailsOnce();
        JMSConsumer consumer = context.createConsumer(q);
        consumer.setMessageListener(listener);
        assertOnlyTheFailedOneCameAgain(listener);
        PubSession session = (PubSession) ((PubJMSContext) context).session();
        assertThat(session.getAcknowledgeMode())
                .as("the session's own mode acknowledges")
                .isEqualTo(mode);
    }

    private static void assertOnlyTheFailedOneCameAgain(FailsOnce listener) throws InterruptedException {
        assertThat(listener.four.await(ARRIVE_MS, TimeUnit.MILLISECONDS))
                .as("deliveries: %s", listener.got)
                .isTrue();
        assertThat(listener.got.get(0)).isEqualTo("m0");
        assertThat(listener.got).containsExactlyInAnyOrder("m0", "m0 again", "m1", "m2");
    }
}
