package io.pub.compat.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.jms.PubConnectionFactory;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jms.config.JmsListenerEndpointRegistry;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.jms.listener.DefaultMessageListenerContainer;
import org.springframework.jms.listener.MessageListenerContainer;

/**
 * Runs the order service as its {@code main} would (Boot's dependency management, Boot's
 * auto-configured JmsTemplate, Spring's listener containers) on Pub's embedded store, and checks
 * exact counts: nothing lost, nothing processed twice where the transactions forbid it, and no
 * warning or stack trace from Pub.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OrderServiceTest {
    private static final int MAX_DELIVERIES = 3;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    static Path store;

    static ConfigurableApplicationContext app;

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(OrderServiceApplication.class)
                .run("--app.pub.url=embedded:" + store + "?maxDeliveries=" + MAX_DELIVERIES);
    }

    @AfterEach
    void pubStayedQuiet() {
        assertThat(LogCapture.complaints()).isEmpty();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        assertThat(LogCapture.complaints()).as("after shutdown").isEmpty();
    }

    @Test
    void ordersSentWithBootsTemplateAreProcessedOnceByThreeToFiveTransactedConsumers() throws Exception {
        JmsTemplate template = app.getBean(JmsTemplate.class);
        assertThat(template.getConnectionFactory()).isInstanceOf(CachingConnectionFactory.class);
        DefaultMessageListenerContainer orders = (DefaultMessageListenerContainer) container(OrderListener.ID);
        assertThat(orders.isSessionTransacted()).isTrue();
        assertThat(orders.getConcurrentConsumers()).isEqualTo(3);
        assertThat(orders.getMaxConcurrentConsumers()).isEqualTo(5);
        assertThat(orders.getScheduledConsumerCount()).isBetween(3, 5);

        String run = "send-" + UUID.randomUUID() + "-";
        int count = 600;
        for (int i = 0; i < count; i++) {
            template.convertAndSend(OrderServiceApplication.ORDERS, run + i);
        }

        Ledger ledger = app.getBean(OrderListener.class).ledger();
        assertThat(ledger.awaitDistinct(run, count, PATIENCE)).isTrue();
        quiesce(orders, () -> {
            assertThat(ledger.total(run)).isEqualTo(count);
            assertThat(receiveAny(OrderServiceApplication.ORDERS)).isNull();
        });
    }

    @Test
    void requestsAreAnsweredOverTemporaryQueues() throws Exception {
        JmsTemplate template = app.getBean(JmsTemplate.class);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> replies = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                replies.add(pool.submit(() -> {
                    List<String> answers = new ArrayList<>();
                    for (int i = 0; i < 25; i++) {
                        String request = "q-" + thread + "-" + i;
                        Message reply = template.sendAndReceive(
                                OrderServiceApplication.QUOTES, session -> session.createTextMessage(request));
                        assertThat(reply).as("reply to " + request).isNotNull();
                        answers.add(((TextMessage) reply).getText());
                    }
                    return answers;
                }));
            }
            for (int t = 0; t < 4; t++) {
                List<String> answers = replies.get(t).get();
                for (int i = 0; i < 25; i++) {
                    assertThat(answers.get(i)).isEqualTo("quote for q-" + t + "-" + i);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void failingPaymentsAreRedeliveredAndDeadLetteredAfterMaxDeliveries() throws Exception {
        JmsTemplate template = app.getBean(JmsTemplate.class);
        PaymentListener payments = app.getBean(PaymentListener.class);
        int failuresBefore = app.getBean(ListenerFailures.class).count();
        String run = "pay-" + UUID.randomUUID();
        Map<String, Integer> failuresOf = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            // 20 succeed at once, 6 fail once, 4 always fail
            failuresOf.put(run + "-" + i, i < 20 ? 0 : i < 26 ? 1 : 99);
        }
        failuresOf.forEach((body, failures) -> template.convertAndSend(OrderServiceApplication.PAYMENTS, body, m -> {
            m.setIntProperty("failures", failures);
            m.setStringProperty("run", run);
            return m;
        }));

        List<Message> deadLetters = new ArrayList<>();
        try (JMSContext ctx = pub().createContext();
                JMSConsumer dlq = ctx.createConsumer(ctx.createQueue("DLQ"), "run = '" + run + "'")) {
            for (int i = 0; i < 4; i++) {
                Message m = dlq.receive(PATIENCE.toMillis());
                assertThat(m).as("dead letter " + i).isNotNull();
                deadLetters.add(m);
            }
            assertThat(payments.processed().awaitDistinct(run, 26, PATIENCE)).isTrue();
            quiesce(container(PaymentListener.ID), () -> {
                assertThat(dlq.receive(500)).as("a fifth dead letter").isNull();
                assertThat(receiveAny(OrderServiceApplication.PAYMENTS)).isNull();
            });
        }

        for (Message m : deadLetters) {
            String body = ((TextMessage) m).getText();
            assertThat(failuresOf.get(body)).as(body).isEqualTo(99);
            assertThat(m.getStringProperty("PubOriginalDestination")).isEqualTo(OrderServiceApplication.PAYMENTS);
            assertThat(m.getIntProperty("PubDeliveryCount")).isEqualTo(MAX_DELIVERIES);
        }
        failuresOf.forEach((body, failures) -> {
            int expectedAttempts = failures == 99 ? MAX_DELIVERIES : failures + 1;
            assertThat(payments.attempts().count(body))
                    .as("attempts of " + body)
                    .isEqualTo(expectedAttempts);
            assertThat(payments.processed().count(body)).as("processed " + body).isEqualTo(failures == 99 ? 0 : 1);
        });
        assertThat(app.getBean(ListenerFailures.class).count() - failuresBefore).isEqualTo(6 + 4 * MAX_DELIVERIES);
    }

    @Test
    void jmsTemplateOnTheBareFactoryOpensAConnectionPerSendFromFourThreads() throws Exception {
        // JmsTemplate on a plain ConnectionFactory opens and closes a connection for every send
        JmsTemplate perSend = new JmsTemplate(pub());
        Ledger ledger = app.getBean(OrderListener.class).ledger();
        for (int round = 0; round < 3; round++) {
            String run = "burst-" + round + "-" + UUID.randomUUID() + "-";
            assertThat(sendFromFourThreads(perSend, OrderServiceApplication.ORDERS, run, 250))
                    .as("failed sends")
                    .isZero();
            assertThat(ledger.awaitDistinct(run, 1000, PATIENCE)).isTrue();
            quiesce(container(OrderListener.ID), () -> {
                assertThat(ledger.total(run)).isEqualTo(1000);
                assertThat(receiveAny(OrderServiceApplication.ORDERS)).isNull();
            });
        }
    }

    @Test
    void aConnectionPerSendWithNoOtherConnectionOpen(@TempDir Path quiet) throws Exception {
        // nothing else holds this store open: every send opens it and every close may close it
        ConnectionFactory cf = new PubConnectionFactory("embedded:" + quiet);
        JmsTemplate perSend = new JmsTemplate(cf);
        int rounds = 3;
        for (int round = 0; round < rounds; round++) {
            assertThat(sendFromFourThreads(perSend, "quiet", "quiet-" + round + "-", 100))
                    .as("failed sends in round " + round)
                    .isZero();
        }
        Map<String, Integer> seen = new HashMap<>();
        try (JMSContext ctx = cf.createContext();
                JMSConsumer consumer = ctx.createConsumer(ctx.createQueue("quiet"))) {
            for (int i = 0; i < rounds * 400; i++) {
                String body = consumer.receiveBody(String.class, PATIENCE.toMillis());
                assertThat(body).as("message " + i).isNotNull();
                seen.merge(body, 1, Integer::sum);
            }
            assertThat(consumer.receive(500)).isNull();
        }
        assertThat(seen)
                .hasSize(rounds * 400)
                .allSatisfy((body, n) -> assertThat(n).as(body).isEqualTo(1));
    }

    private static MessageListenerContainer container(String id) {
        MessageListenerContainer c =
                app.getBean(JmsListenerEndpointRegistry.class).getListenerContainer(id);
        assertThat(c).as("listener container " + id).isNotNull();
        return c;
    }

    /** Stops the container once its consumers finished their transactions, runs the check, restarts it. */
    private static void quiesce(MessageListenerContainer container, ThrowingRunnable check) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        container.stop(stopped::countDown);
        assertThat(stopped.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        try {
            check.run();
        } finally {
            container.start();
        }
    }

    /** With the listener stopped: a message left on {@code queue}, or null when there is none. */
    private static Message receiveAny(String queue) {
        try (JMSContext ctx = pub().createContext();
                JMSConsumer consumer = ctx.createConsumer(ctx.createQueue(queue))) {
            return consumer.receive(500);
        }
    }

    /** {@code perThread} sends from each of four threads; returns the number of sends that threw. */
    private static int sendFromFourThreads(JmsTemplate template, String queue, String run, int perThread)
            throws Exception {
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        try {
                            template.convertAndSend(queue, run + thread + "-" + i);
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                            e.printStackTrace();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return failed.get();
    }

    private static PubConnectionFactory pub() {
        return app.getBean(PubConnectionFactory.class);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
