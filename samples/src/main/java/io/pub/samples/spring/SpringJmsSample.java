package io.pub.samples.spring;

import io.pub.Settings;
import io.pub.Stores;
import io.pub.jms.PubConnectionFactory;
import jakarta.jms.ConnectionFactory;
import java.util.concurrent.TimeUnit;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jms.annotation.EnableJms;
import org.springframework.jms.config.DefaultJmsListenerContainerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;

/**
 * Spring JMS on Pub: an ordinary Spring application ({@code @EnableJms}, a {@code @JmsListener},
 * a {@code JmsTemplate}) whose only Pub-specific line is the ConnectionFactory bean.
 *
 * <p>Run with {@code PUB_STORE_URL} (default: the embedded store in ./pub-data) and optionally
 * {@code EVENT_COUNT} (default 100): sends that many orders and waits until the listener has
 * processed them all.
 */
@Configuration
@EnableJms
@Import(OrderListener.class)
public class SpringJmsSample {
    public static final String QUEUE = "spring-orders";

    /** The one Pub-specific bean: Pub's ConnectionFactory for the configured store. */
    @Bean
    public ConnectionFactory connectionFactory() {
        return new PubConnectionFactory(Stores.configuredUrl(Settings.fromEnvironment()));
    }

    /** Sends reuse one connection and a few sessions instead of opening a connection per send. */
    @Bean
    public JmsTemplate jmsTemplate(ConnectionFactory connectionFactory) {
        CachingConnectionFactory caching = new CachingConnectionFactory(connectionFactory);
        caching.setSessionCacheSize(8);
        return new JmsTemplate(caching);
    }

    /** Four concurrent consumers, each message processed in a local transaction. */
    @Bean
    public DefaultJmsListenerContainerFactory jmsListenerContainerFactory(ConnectionFactory connectionFactory) {
        DefaultJmsListenerContainerFactory factory = new DefaultJmsListenerContainerFactory();
        factory.setConnectionFactory(connectionFactory);
        factory.setConcurrency("4");
        factory.setSessionTransacted(true);
        factory.setReceiveTimeout(500L);
        return factory;
    }

    public static void main(String[] args) throws Exception {
        int count = Settings.fromEnvironment().getInt("EVENT_COUNT", 100, 1);
        try (AnnotationConfigApplicationContext spring =
                new AnnotationConfigApplicationContext(SpringJmsSample.class)) {
            OrderListener listener = spring.getBean(OrderListener.class);
            String run = "order-" + java.util.UUID.randomUUID() + "-";
            listener.expect(run, count);
            JmsTemplate template = spring.getBean(JmsTemplate.class);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                template.convertAndSend(QUEUE, run + i);
            }
            boolean done = listener.await(60, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf(
                    "sent %d orders, listener processed %d distinct in %d ms%s%n",
                    count, listener.distinct(), ms, done ? "" : " (TIMED OUT)");
            if (!done) {
                System.exit(1);
            }
        }
    }
}
