package io.pub.compat.pooled;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.jms.PubConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.messaginghub.pooled.jms.JmsPoolSession;
import org.slf4j.LoggerFactory;

/**
 * messaginghub pooled-jms around Pub's connection factory, used the way JmsTemplate, camel-jms and
 * hand-written code use a pool: every operation borrows a connection and a session and gives them back.
 * The pool may only hand a session out again if everything it calls on the session when it comes back
 * (setMessageListener(null), closing consumers and producers, rollback) succeeds; otherwise it
 * throws the session away with a WARN. Each run asserts exact counts, that sessions were reused and
 * that nothing at all was logged at WARN or above or with a stack trace.
 */
@Timeout(120)
class PooledJmsTest {
    private static final int PRODUCERS = 3;
    private static final int PER_PRODUCER = 300;
    private static final int TOTAL = PRODUCERS * PER_PRODUCER;
    private static final long RECEIVE_MS = 100;

    private Path dir;

    private LogCapture logs;
    private PubConnectionFactory pub;
    private JmsPoolConnectionFactory pool;
    /** The provider sessions behind the pool's sessions, each counted once however often it was lent. */
    private final Set<Session> providerSessions = ConcurrentHashMap.newKeySet();

    private final AtomicInteger borrows = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        // under target/, left for `mvn clean`: Pub keeps an idle store open a while after its last
        // connection, so a directory deleted right after the test would be deleted under an open store
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "stores")), "pooled-");
        logs = LogCapture.start();
        LoggerFactory.getLogger(PooledJmsTest.class).info("pool test starts in {}", dir);
        pub = new PubConnectionFactory("embedded:" + dir.toAbsolutePath());
        pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(pub);
        pool.setMaxConnections(1);
        pool.setMaxSessionsPerConnection(16);
    }

    @AfterEach
    void stop() {
        try {
            pool.stop();
        } finally {
            logs.close();
        }
    }

    /** A session from the pool, with the provider session behind it recorded. */
    private Session borrow(Connection c, boolean transacted, int mode) throws Exception {
        Session s = c.createSession(transacted, mode);
        providerSessions.add(((JmsPoolSession) s).getInternalSession());
        borrows.incrementAndGet();
        return s;
    }

    @Test
    void threadsSendAndReceiveThroughThePoolWithoutLossOrDuplicates() throws Exception {
        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        AtomicInteger receivedTotal = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(PRODUCERS + 3);
        List<Future<?>> work = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            boolean transacted = p == 0; // one producer commits each send, as a transacted JmsTemplate does
            int producer = p;
            work.add(threads.submit(() -> {
                for (int i = 0; i < PER_PRODUCER; i++) {
                    // a connection and a session per send: what JmsTemplate does on a pooled factory
                    try (Connection c = pool.createConnection()) {
                        Session s = borrow(c, transacted, transacted ? Session.SESSION_TRANSACTED : 1);
                        MessageProducer mp = s.createProducer(s.createQueue("pooled-orders"));
                        mp.send(s.createTextMessage(producer + "-" + i));
                        if (transacted) {
                            s.commit();
                        }
                        mp.close();
                        s.close();
                    }
                }
                return null;
            }));
        }
        int[] modes = {Session.AUTO_ACKNOWLEDGE, Session.CLIENT_ACKNOWLEDGE, Session.SESSION_TRANSACTED};
        for (int mode : modes) {
            work.add(threads.submit(() -> {
                while (receivedTotal.get() < TOTAL) {
                    try (Connection c = pool.createConnection()) {
                        c.start();
                        boolean transacted = mode == Session.SESSION_TRANSACTED;
                        Session s = borrow(c, transacted, mode);
                        MessageConsumer consumer = s.createConsumer(s.createQueue("pooled-orders"));
                        List<String> batch = new ArrayList<>();
                        Message m;
                        while (batch.size() < 10 && (m = consumer.receive(RECEIVE_MS)) != null) {
                            batch.add(((TextMessage) m).getText());
                            if (mode == Session.CLIENT_ACKNOWLEDGE) {
                                m.acknowledge();
                            }
                        }
                        if (transacted) {
                            s.commit();
                        }
                        for (String text : batch) {
                            received.computeIfAbsent(text, k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                        receivedTotal.addAndGet(batch.size());
                        // closed without closing the consumer first: the pool closes what the session made
                        s.close();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get(100, TimeUnit.SECONDS);
        }
        threads.shutdown();

        assertThat(received).hasSize(TOTAL);
        assertThat(received.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(receivedTotal.get()).isEqualTo(TOTAL);
        assertThat(pool.getNumConnections()).isEqualTo(1);
        // each thread holds one session at a time and always asks for the same mode, so a pool that takes
        // its sessions back needs at most one provider session per thread; one that threw them away
        // would have made one per borrow
        assertThat(providerSessions.size()).as("provider sessions").isLessThanOrEqualTo(PRODUCERS + modes.length);
        assertThat(borrows.get()).isGreaterThanOrEqualTo(TOTAL);
        assertThat(nothingLeftOn("pooled-orders")).isTrue();
        assertNoProblemsLogged();
    }

    @Test
    void listenersTopicsSubscriptionsAndRequestReplyThroughThePool() throws Exception {
        pool.stop();
        pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(pub);
        pool.setMaxConnections(1);
        Topic topic;
        Queue requests;
        // a durable subscription needs a client ID, set as an application sets it on its connection
        try (Connection c = pool.createConnection()) {
            c.setClientID("pooled-app");
            Session s = borrow(c, false, Session.AUTO_ACKNOWLEDGE);
            topic = s.createTopic("pooled-events");
            requests = s.createQueue("pooled-requests");
            s.createDurableConsumer(topic, "audit").close();
            s.close();
        }

        // a shared subscription with a MessageListener on a pooled session, given back while it listens
        CountDownLatch heard = new CountDownLatch(20);
        Set<String> sharedHeard = ConcurrentHashMap.newKeySet();
        try (Connection c = pool.createConnection()) {
            c.start();
            Session listening = borrow(c, false, Session.AUTO_ACKNOWLEDGE);
            assertThat(listening.getMessageListener()).isNull();
            listening.createSharedConsumer(topic, "workers").setMessageListener(m -> {
                try {
                    sharedHeard.add(((TextMessage) m).getText());
                } catch (jakarta.jms.JMSException e) {
                    throw new IllegalStateException(e);
                }
                heard.countDown();
            });
            Session sending = borrow(c, false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = sending.createProducer(topic);
            for (int i = 0; i < 20; i++) {
                p.send(sending.createTextMessage("event-" + i));
            }
            sending.close();
            assertThat(heard.await(30, TimeUnit.SECONDS)).isTrue();
            listening.close(); // the pool resets the listener and closes the consumer
        }
        assertThat(sharedHeard).hasSize(20);

        // the durable subscription kept all of them, read back later through the pool
        try (Connection c = pool.createConnection()) {
            c.setClientID("pooled-app"); // the same client ID again: the pool's connection already has it
            c.start();
            Session s = borrow(c, false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer audit = s.createDurableConsumer(topic, "audit");
            Set<String> texts = new java.util.HashSet<>();
            Message m;
            Message last = null;
            while (texts.size() < 20 && (m = audit.receive(5_000)) != null) {
                texts.add(((TextMessage) m).getText());
                last = m;
            }
            assertThat(texts).hasSize(20);
            last.acknowledge();
            audit.close();
            s.unsubscribe("audit");
            s.close();
        }

        // request and reply over a temporary queue, which the pool deletes when the connection goes back
        Thread responder = new Thread(() -> {
            try (Connection c = pool.createConnection()) {
                c.start();
                Session s = borrow(c, false, Session.AUTO_ACKNOWLEDGE);
                Message request = s.createConsumer(requests).receive(30_000);
                MessageProducer reply = s.createProducer(null);
                reply.send(request.getJMSReplyTo(), s.createTextMessage("re: " + ((TextMessage) request).getText()));
                s.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        responder.start();
        try (Connection c = pool.createConnection()) {
            c.start();
            Session s = borrow(c, false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = s.createTemporaryQueue();
            MessageConsumer replyConsumer = s.createConsumer(replies);
            TextMessage request = s.createTextMessage("ping");
            request.setJMSReplyTo(replies);
            s.createProducer(requests).send(request);
            Message reply = replyConsumer.receive(30_000);
            assertThat(((TextMessage) reply).getText()).isEqualTo("re: ping");
            s.close();
        }
        responder.join(30_000);

        // the simplified API through the pool, on the pool's own JMSContext and on Pub's
        try (JMSContext ctx = pool.createContext()) {
            ctx.createProducer().send(requests, "simplified");
            try (JMSConsumer consumer = ctx.createConsumer(requests)) {
                // the pool's JMSConsumer has no receiveBody
                assertThat(consumer.receive(5_000).getBody(String.class)).isEqualTo("simplified");
            }
        }
        pool.setUseProviderJMSContext(true);
        try (JMSContext ctx = pool.createContext()) {
            ctx.createProducer().send(requests, "provider context");
            try (JMSConsumer consumer = ctx.createConsumer(requests)) {
                assertThat(consumer.receiveBody(String.class, 5_000)).isEqualTo("provider context");
            }
        }

        assertThat(nothingLeftOn("pooled-requests")).isTrue();
        assertThat(pool.getNumConnections()).isEqualTo(1);
        assertThat(providerSessions.size()).as("provider sessions").isLessThan(borrows.get());
        assertNoProblemsLogged();
    }

    /** True if the queue is empty, read through a plain (unpooled) connection. */
    private boolean nothingLeftOn(String queue) throws Exception {
        try (Connection c = pub.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            return s.createConsumer(s.createQueue(queue)).receive(RECEIVE_MS) == null;
        }
    }

    private void assertNoProblemsLogged() {
        assertThat(logs.events()).as("log events captured").isPositive();
        assertThat(logs.problems()).isEmpty();
    }
}
