package io.pub.compat.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.jms.PubConnectionFactory;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jms.config.JmsListenerEndpointRegistry;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.jms.listener.DefaultMessageListenerContainer;

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

    /**
     * Stores live under target/ and are left for `mvn clean`: Pub keeps an idle store open a while
     * (PUB_STORE_LINGER) after its last connection, so deleting it right after a test would race that.
     */
    static Path store;

    static ConfigurableApplicationContext app;

    /** Checked again after shutdown: processed orders per run, and delivery attempts per payment. */
    static final Map<String, Integer> EXPECTED_ORDERS = new ConcurrentHashMap<>();

    static final Map<String, Integer> EXPECTED_ATTEMPTS = new ConcurrentHashMap<>();
    static final AtomicInteger EXPECTED_FAILURES = new AtomicInteger();

    private static String url() {
        return "embedded:" + store + "?maxDeliveries=" + MAX_DELIVERIES;
    }

    @BeforeAll
    static void start() throws Exception {
        store = newStoreDirectory();
        app = new SpringApplicationBuilder(OrderServiceApplication.class).run("--app.pub.url=" + url());
    }

    @AfterEach
    void pubStayedQuiet() {
        assertThat(LogCapture.complaints()).isEmpty();
    }

    /**
     * After shutdown, when every listener transaction has ended: nothing was processed again since the
     * tests counted, nothing is left in the queues, and Pub logged nothing while closing.
     */
    @AfterAll
    static void stop() throws Exception {
        if (app == null) {
            return;
        }
        Ledger orders = app.getBean(OrderListener.class).ledger();
        PaymentListener payments = app.getBean(PaymentListener.class);
        int failures = app.getBean(ListenerFailures.class).count();
        app.close();
        EXPECTED_ORDERS.forEach(
                (run, n) -> assertThat(orders.total(run)).as("orders of " + run).isEqualTo(n.longValue()));
        EXPECTED_ATTEMPTS.forEach((body, n) -> assertThat(payments.attempts().count(body))
                .as("attempts of " + body)
                .isEqualTo(n));
        assertThat(failures).as("listener failures").isEqualTo(EXPECTED_FAILURES.get());
        try (JMSContext ctx = new PubConnectionFactory(url()).createContext()) {
            for (String queue : List.of(OrderServiceApplication.ORDERS, OrderServiceApplication.PAYMENTS)) {
                try (JMSConsumer consumer = ctx.createConsumer(ctx.createQueue(queue))) {
                    assertThat(consumer.receive(500)).as("left in " + queue).isNull();
                }
            }
        }
        assertThat(LogCapture.complaints()).as("after shutdown").isEmpty();
    }

    @Test
    void ordersSentWithBootsTemplateAreProcessedOnceByThreeToFiveTransactedConsumers() throws Exception {
        JmsTemplate template = app.getBean(JmsTemplate.class);
        assertThat(template.getConnectionFactory()).isInstanceOf(CachingConnectionFactory.class);
        DefaultMessageListenerContainer orders = (DefaultMessageListenerContainer)
                app.getBean(JmsListenerEndpointRegistry.class).getListenerContainer(OrderListener.ID);
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
        assertThat(ledger.total(run)).isEqualTo(count);
        EXPECTED_ORDERS.put(run, count);
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
            assertThat(dlq.receive(500)).as("a fifth dead letter").isNull();
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
            EXPECTED_ATTEMPTS.put(body, expectedAttempts);
            EXPECTED_FAILURES.addAndGet(expectedAttempts - (failures == 99 ? 0 : 1));
        });
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
            assertThat(ledger.total(run)).isEqualTo(1000);
            EXPECTED_ORDERS.put(run, 1000);
        }
    }

    @Test
    void aConnectionPerSendWithNoOtherConnectionOpen() throws Exception {
        Path quiet = newStoreDirectory();
        // nothing else holds this store open: each send's connection is the only one, opened and closed
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

    static Path newStoreDirectory() throws IOException {
        Path target = Files.createDirectories(Path.of("target", "stores"));
        return Files.createTempDirectory(target, "pub-").toAbsolutePath();
    }

    private static PubConnectionFactory pub() {
        return app.getBean(PubConnectionFactory.class);
    }
}
