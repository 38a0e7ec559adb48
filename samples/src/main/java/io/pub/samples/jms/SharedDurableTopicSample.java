package io.pub.samples.jms;

import io.pub.jms.PubConnectionFactory;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Topic;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Publish and subscribe with a shared durable subscription: two consumers on two connections (they
 * could be two JVMs) share the subscription "billing" of a topic; each message goes to one of them.
 * Being durable, the subscription keeps what is published while no consumer is open.
 *
 * <pre>mvn -pl samples exec:java -Dexec.mainClass=io.pub.samples.jms.SharedDurableTopicSample</pre>
 */
public final class SharedDurableTopicSample {
    private SharedDurableTopicSample() {}

    public static void main(String[] args) {
        run(sharing(new PubConnectionFactory()), "samples.prices", "billing", 10, System.out);
    }

    /**
     * The factory with prefetch 1: each consumer leases up to {@code prefetch} messages ahead (64 by
     * default), so with a handful of messages waiting the first consumer to ask would take them all.
     */
    public static PubConnectionFactory sharing(PubConnectionFactory factory) {
        factory.setPrefetch(1);
        return factory;
    }

    /**
     * Creates the subscription, publishes {@code count} messages while no consumer is open, then
     * consumes them with two consumers; returns what each consumer received (by consumer name).
     */
    public static Map<String, List<String>> run(
            ConnectionFactory factory, String topicName, String subscription, int count, PrintStream out) {
        Map<String, List<String>> byConsumer = new TreeMap<>();
        try (JMSContext first = factory.createContext(JMSContext.CLIENT_ACKNOWLEDGE);
                JMSContext second = factory.createContext(JMSContext.CLIENT_ACKNOWLEDGE)) {
            Topic topic = first.createTopic(topicName);
            // the subscription exists from here on, whether or not a consumer is open
            first.createSharedDurableConsumer(topic, subscription).close();
            for (int i = 1; i <= count; i++) {
                first.createProducer().send(topic, "price " + i);
            }
            out.printf(
                    "published %d messages to %s (subscription %s has no consumer open)%n",
                    count, topicName, subscription);

            JMSConsumer a = first.createSharedDurableConsumer(topic, subscription);
            JMSConsumer b = second.createSharedDurableConsumer(topic, subscription);
            int idle = 0;
            while (idle < 2) { // both found nothing
                idle = 0;
                idle += take("consumer-a", first, a, byConsumer, out) ? 0 : 1;
                idle += take("consumer-b", second, b, byConsumer, out) ? 0 : 1;
            }
            a.close();
            b.close();
        }
        return byConsumer;
    }

    private static boolean take(
            String name, JMSContext context, JMSConsumer consumer, Map<String, List<String>> by, PrintStream out) {
        String body = consumer.receiveBody(String.class, 500);
        if (body == null) {
            return false;
        }
        by.computeIfAbsent(name, k -> new ArrayList<>()).add(body);
        out.printf("%s received: %s%n", name, body);
        context.acknowledge(); // CLIENT_ACKNOWLEDGE: done for the subscription, never redelivered
        return true;
    }
}
