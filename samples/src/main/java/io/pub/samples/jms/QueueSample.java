package io.pub.samples.jms;

import io.pub.jms.PubConnectionFactory;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Point to point with the simplified JMS API: sends messages to a queue, then receives them. Only the
 * connection factory is Pub's; the store is PUB_STORE_URL (default: the embedded store in
 * ./pub-data).
 *
 * <pre>mvn -pl samples exec:java -Dexec.mainClass=io.pub.samples.jms.QueueSample</pre>
 */
public final class QueueSample {
    private QueueSample() {}

    public static void main(String[] args) {
        run(new PubConnectionFactory(), "samples.orders", 5, System.out);
    }

    /** Sends {@code count} orders to {@code queueName} and receives them; returns the bodies received. */
    public static List<String> run(ConnectionFactory factory, String queueName, int count, PrintStream out) {
        List<String> received = new ArrayList<>();
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            Queue queue = context.createQueue(queueName);
            for (int i = 1; i <= count; i++) {
                context.createProducer().setProperty("orderNo", i).send(queue, "order " + i);
            }
            out.printf("sent %d messages to %s%n", count, queueName);
            try (JMSConsumer consumer = context.createConsumer(queue)) {
                String body;
                while ((body = consumer.receiveBody(String.class, 2000)) != null) {
                    out.println("received: " + body);
                    received.add(body);
                }
            }
        }
        out.printf("received %d messages from %s%n", received.size(), queueName);
        return received;
    }
}
