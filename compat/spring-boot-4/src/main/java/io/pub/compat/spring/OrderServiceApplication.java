package io.pub.compat.spring;

import io.pub.jms.PubConnectionFactory;
import jakarta.jms.ConnectionFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jms.annotation.EnableJms;
import org.springframework.jms.config.DefaultJmsListenerContainerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * A small order service written against Spring Boot and Jakarta Messaging only. Pub appears in one
 * bean: the {@link PubConnectionFactory}, configured by the property {@code app.pub.url} (a store URL
 * with Pub's options, e.g. {@code embedded:./pub-data?maxDeliveries=3}).
 *
 * <p>Boot's own JmsTemplate sends through a {@link CachingConnectionFactory} (the primary factory);
 * the listener containers use the bare factory, as Spring's documentation advises for containers that
 * scale their consumers.
 */
@SpringBootApplication
@EnableJms
public class OrderServiceApplication {
    public static final String ORDERS = "orders";
    public static final String PAYMENTS = "payments";
    public static final String QUOTES = "quotes";

    @Bean
    public PubConnectionFactory pubConnectionFactory(@Value("${app.pub.url}") String url) {
        return new PubConnectionFactory(url);
    }

    /** What Boot's JmsTemplate uses: one connection, sessions and producers reused between sends. */
    @Bean
    @Primary
    public CachingConnectionFactory cachingConnectionFactory(PubConnectionFactory pub) {
        CachingConnectionFactory caching = new CachingConnectionFactory(pub);
        caching.setSessionCacheSize(10);
        return caching;
    }

    /** Every listener: transacted sessions on the bare factory; failures counted, not logged. */
    @Bean
    public DefaultJmsListenerContainerFactory jmsListenerContainerFactory(
            PubConnectionFactory pub, ListenerFailures failures) {
        DefaultJmsListenerContainerFactory factory = new DefaultJmsListenerContainerFactory();
        factory.setConnectionFactory((ConnectionFactory) pub);
        factory.setSessionTransacted(true);
        factory.setReceiveTimeout(500L);
        factory.setErrorHandler(failures);
        return factory;
    }

    public static void main(String[] args) {
        SpringApplication.run(OrderServiceApplication.class, args);
    }
}
