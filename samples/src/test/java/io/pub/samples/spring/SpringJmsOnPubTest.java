package io.pub.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pub.jms.PubConnectionFactory;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.annotation.EnableJms;
import org.springframework.jms.annotation.JmsListener;
import org.springframework.jms.config.DefaultJmsListenerContainerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;

/**
 * Unchanged Spring JMS code on Pub's embedded store: 10,000 messages sent through JmsTemplate,
 * consumed through {@code @JmsListener} by a DefaultMessageListenerContainer with 4 concurrent
 * consumers, once with CLIENT_ACKNOWLEDGE and once with local transactions. Some messages make the
 * listener throw on their first delivery; they must come back marked redelivered. Every message must
 * be received at least once.
 */
@Timeout(120)
class SpringJmsOnPubTest {
    static final String QUEUE = "spring-test";
    static final int COUNT = 10_000;
    static final int SENDERS = 4;
    /** Every FAIL_EVERY-th message fails on its first delivery. */
    static final int FAIL_EVERY = 1_000;

    @TempDir
    Path dir;

    @Test
    void clientAcknowledge() throws Exception {
        run(false);
    }

    @Test
    void localTransactions() throws Exception {
        run(true);
    }

    private void run(boolean transacted) throws Exception {
        System.setProperty("pub.test.store", "embedded:" + dir.resolve("store"));
        System.setProperty("pub.test.transacted", Boolean.toString(transacted));
        long start = System.nanoTime();
        try (AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext(TestConfig.class)) {
            Tracker tracker = spring.getBean(Tracker.class);
            JmsTemplate template = spring.getBean(JmsTemplate.class);

            ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
            try {
                List<Future<?>> sends = new ArrayList<>();
                for (int s = 0; s < SENDERS; s++) {
                    int first = s;
                    sends.add(senders.submit(() -> {
                        for (int i = first; i < COUNT; i += SENDERS) {
                            template.convertAndSend(QUEUE, "m" + i);
                        }
                    }));
                }
                for (Future<?> f : sends) {
                    f.get(90, TimeUnit.SECONDS);
                }
            } finally {
                senders.shutdownNow();
            }
            long sentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            await("every message received and settled")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(50))
                    .until(tracker::complete);
            long totalMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf(
                    "%s: sent %d in %d ms, received %d distinct (%d deliveries, %d failed first attempts,"
                            + " %d redelivered) in %d ms%n",
                    transacted ? "transacted" : "CLIENT_ACKNOWLEDGE",
                    COUNT,
                    sentMs,
                    tracker.deliveries.size(),
                    tracker.total.get(),
                    tracker.failed.size(),
                    tracker.redelivered.size(),
                    totalMs);

            assertThat(tracker.deliveries).as("distinct messages received").hasSize(COUNT);
            for (int i = 0; i < COUNT; i++) {
                assertThat(tracker.deliveries).containsKey("m" + i);
            }
            assertThat(tracker.failed).hasSize(COUNT / FAIL_EVERY);
            for (String failed : tracker.failed.keySet()) {
                assertThat(tracker.deliveries.get(failed).get())
                        .as("deliveries of %s, whose first attempt failed", failed)
                        .isGreaterThanOrEqualTo(2);
                assertThat(tracker.redelivered)
                        .as("%s is marked redelivered", failed)
                        .containsKey(failed);
            }
        } finally {
            System.clearProperty("pub.test.store");
            System.clearProperty("pub.test.transacted");
        }
    }

    /** Counts deliveries; throws on the first delivery of every FAIL_EVERY-th message. */
    static class Tracker {
        final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        final Map<String, Boolean> failed = new ConcurrentHashMap<>();
        final Map<String, Boolean> redelivered = new ConcurrentHashMap<>();
        final AtomicInteger total = new AtomicInteger();

        @JmsListener(destination = QUEUE)
        public void onMessage(Message message) throws JMSException {
            String text = ((TextMessage) message).getText();
            total.incrementAndGet();
            int n = deliveries.computeIfAbsent(text, t -> new AtomicInteger()).incrementAndGet();
            if (message.getJMSRedelivered()) {
                redelivered.put(text, true);
            }
            int index = Integer.parseInt(text.substring(1));
            if (index % FAIL_EVERY == 7 && n == 1) {
                failed.put(text, true);
                throw new IllegalStateException("first delivery of " + text + " fails on purpose");
            }
        }

        boolean complete() {
            if (deliveries.size() < COUNT) {
                return false;
            }
            for (String f : failed.keySet()) {
                if (deliveries.get(f).get() < 2) {
                    return false;
                }
            }
            return true;
        }
    }

    @Configuration
    @EnableJms
    static class TestConfig {
        @Bean
        ConnectionFactory connectionFactory() {
            return new PubConnectionFactory(System.getProperty("pub.test.store"));
        }

        @Bean
        JmsTemplate jmsTemplate(ConnectionFactory connectionFactory) {
            CachingConnectionFactory caching = new CachingConnectionFactory(connectionFactory);
            caching.setSessionCacheSize(SENDERS);
            return new JmsTemplate(caching);
        }

        @Bean
        DefaultJmsListenerContainerFactory jmsListenerContainerFactory(ConnectionFactory connectionFactory) {
            DefaultJmsListenerContainerFactory factory = new DefaultJmsListenerContainerFactory();
            factory.setConnectionFactory(connectionFactory);
            factory.setConcurrency("4");
            factory.setReceiveTimeout(200L);
            if (Boolean.getBoolean("pub.test.transacted")) {
                factory.setSessionTransacted(true);
            } else {
                factory.setSessionAcknowledgeMode(Session.CLIENT_ACKNOWLEDGE);
            }
            return factory;
        }

        @Bean
        Tracker tracker() {
            return new Tracker();
        }
    }
}
