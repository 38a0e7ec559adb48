package io.pub.compat.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pub.jms.PubConnectionFactory;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.jms.JmsConsumer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.listener.DefaultMessageListenerContainer;

/**
 * Runs the Camel application on Pub's embedded store with the bare factory, Spring's caching factory
 * and messaginghub's pool: 1,200 orders through the transacted queue-to-topic route, half of them
 * while the durable audit route is stopped. Every order is forwarded and audited exactly once, nothing
 * is left behind, and neither Pub nor the pool nor Camel logs a warning.
 */
class OrderEventsTest {
    private static final int PER_PHASE = 600;
    private static final String CLIENT_ID = "order-events-audit";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** How an application hands Pub to Camel, and where each way configures the audit's client ID. */
    enum Factory {
        PLAIN {
            @Override
            ConnectionFactory create(String url) {
                return new PubConnectionFactory(url);
            }

            @Override
            String auditClientId() {
                return CLIENT_ID; // the audit route's own connection gets it
            }
        },
        CACHING {
            @Override
            ConnectionFactory create(String url) {
                CachingConnectionFactory caching = new CachingConnectionFactory(new PubConnectionFactory(url));
                caching.setClientId(CLIENT_ID); // one shared connection: Spring wants the ID here
                caching.setSessionCacheSize(10);
                return caching;
            }
        },
        POOLED {
            @Override
            ConnectionFactory create(String url) {
                JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
                // pooled connections are shared: the client ID comes with the provider's connections
                pool.setConnectionFactory(new PubConnectionFactory(url + "?clientID=" + CLIENT_ID));
                return pool;
            }
        };

        abstract ConnectionFactory create(String url);

        String auditClientId() {
            return null;
        }

        static void close(ConnectionFactory cf) {
            if (cf instanceof CachingConnectionFactory caching) {
                caching.destroy();
            } else if (cf instanceof JmsPoolConnectionFactory pool) {
                pool.stop();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    @Timeout(120)
    void ordersAreForwardedInTransactionsAndAuditedOnceAcrossARestartOfTheDurableSubscriber(Factory kind)
            throws Exception {
        LogCapture.clear();
        // under target/, left for `mvn clean`: Pub keeps an idle store open a while after its last
        // connection (PUB_STORE_LINGER), so deleting it right after the test would race that
        Path store = Files.createTempDirectory(Files.createDirectories(Path.of("target", "stores")), "pub-");
        String url = "embedded:" + store.toAbsolutePath();
        ConnectionFactory cf = kind.create(url);
        OrderEvents routes = new OrderEvents(kind.auditClientId());
        CamelContext camel = OrderEvents.start(cf, routes);
        try {
            awaitDurableSubscription(camel);
            ProducerTemplate producer = camel.createProducerTemplate();

            send(producer, "a-");
            assertThat(routes.audited().awaitDistinct("a-", PER_PHASE, PATIENCE))
                    .isTrue();

            camel.getRouteController().stopRoute(OrderEvents.AUDIT_ROUTE);
            send(producer, "b-");
            assertThat(routes.forwarded().awaitDistinct("b-", PER_PHASE, PATIENCE))
                    .isTrue();
            assertThat(routes.audited().distinct("b-"))
                    .as("audited while stopped")
                    .isZero();

            camel.getRouteController().startRoute(OrderEvents.AUDIT_ROUTE);
            assertThat(routes.audited().awaitDistinct("b-", PER_PHASE, PATIENCE))
                    .isTrue();
        } finally {
            camel.close();
            Factory.close(cf);
        }

        // after shutdown, when every transaction has ended: each order forwarded and audited once
        for (String phase : new String[] {"a-", "b-"}) {
            assertThat(routes.forwarded().total(phase)).as("forwarded " + phase).isEqualTo(PER_PHASE);
            assertThat(routes.audited().total(phase)).as("audited " + phase).isEqualTo(PER_PHASE);
        }
        PubConnectionFactory pub = new PubConnectionFactory(url);
        pub.setClientID(CLIENT_ID);
        try (JMSContext ctx = pub.createContext()) {
            try (JMSConsumer orders = ctx.createConsumer(ctx.createQueue(OrderEvents.ORDERS))) {
                assertThat(orders.receive(500)).as("left in the queue").isNull();
            }
            try (JMSConsumer audit =
                    ctx.createDurableConsumer(ctx.createTopic(OrderEvents.EVENTS), OrderEvents.AUDIT_SUBSCRIPTION)) {
                assertThat(audit.receive(500))
                        .as("left in the durable subscription")
                        .isNull();
            }
        }
        assertThat(LogCapture.complaints()).isEmpty();
    }

    private static void send(ProducerTemplate producer, String phase) {
        for (int i = 0; i < PER_PHASE; i++) {
            producer.sendBody("jms:queue:" + OrderEvents.ORDERS, phase + i);
        }
    }

    /** The audit route's container creates the durable subscription asynchronously: wait for it. */
    private static void awaitDurableSubscription(CamelContext camel) throws Exception {
        JmsConsumer consumer =
                (JmsConsumer) camel.getRoute(OrderEvents.AUDIT_ROUTE).getConsumer();
        DefaultMessageListenerContainer container = (DefaultMessageListenerContainer) consumer.getListenerContainer();
        await("durable subscription registered")
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(10))
                .until(container::isRegisteredWithDestination);
    }
}
