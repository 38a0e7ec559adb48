package io.pub.samples.cdi;

import io.pub.Settings;
import io.pub.jms.cdi.JmsDestination;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

/**
 * CDI on Pub under Weld SE: a bean gets a JMSContext and a queue injected, sends and receives. Pub's
 * CDI extension is found on the class path (META-INF/services), so nothing here registers it.
 *
 * <p>Configuration: the default connection factory uses {@code pub.connectionFactory.default.url},
 * else PUB_STORE_URL, else the embedded store in ./pub-data; the queue is {@code pub.queue.orders}
 * (default: a queue named "orders"). {@code EVENT_COUNT} messages are sent (default 10).
 */
public final class CdiSample {
    private CdiSample() {}

    /** An ordinary CDI bean: nothing in it is specific to Pub but the destination qualifier. */
    @Dependent
    public static class Orders {
        @Inject
        JMSContext context;

        @Inject
        @JmsDestination("orders")
        Queue queue;

        public void send(String order) {
            context.createProducer().send(queue, order);
        }

        /** Receives {@code n} orders, each within {@code timeoutMs}; fewer if the queue runs dry. */
        public List<String> receive(int n, long timeoutMs) {
            List<String> received = new ArrayList<>();
            try (JMSConsumer consumer = context.createConsumer(queue)) {
                while (received.size() < n) {
                    String order = consumer.receiveBody(String.class, timeoutMs);
                    if (order == null) {
                        break;
                    }
                    received.add(order);
                }
            }
            return received;
        }
    }

    /** Starts Weld, sends {@code count} orders and returns those received back, in order. */
    public static List<String> run(int count) {
        // Bean discovery stays on (so Weld loads Pub's extension from the class path); only the sample's
        // bean is added explicitly, so no beans.xml is needed.
        try (WeldContainer weld =
                new Weld("pub-cdi-sample").addBeanClasses(Orders.class).initialize()) {
            Orders orders = weld.select(Orders.class).get();
            String run = UUID.randomUUID().toString().substring(0, 8);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String order = "order-" + run + "-" + i;
                orders.send(order);
                sent.add(order);
            }
            // Orders left by an earlier run of the sample come first; keep reading until this run's arrived.
            List<String> received = new ArrayList<>();
            while (received.size() < count) {
                List<String> batch = orders.receive(count - received.size(), 2_000);
                if (batch.isEmpty()) {
                    break;
                }
                batch.stream().filter(o -> o.startsWith("order-" + run + "-")).forEach(received::add);
            }
            return received;
        }
    }

    public static void main(String[] args) {
        int count = Settings.fromEnvironment().getInt("EVENT_COUNT", 10, 1);
        List<String> received = run(count);
        System.out.printf("sent %d orders through an injected JMSContext, received %d back%n", count, received.size());
        if (received.size() != count) {
            System.exit(1);
        }
    }
}
