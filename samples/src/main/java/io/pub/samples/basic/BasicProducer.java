package io.pub.samples.basic;

import io.pub.Message;
import io.pub.Producer;
import io.pub.Pub;
import io.pub.Settings;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The native API's producer: publishes EVENT_COUNT events to the queue QUEUE_NAME (default
 * "basic-events") in batches of PUBLISH_BATCH_SIZE, paced to PUBLISH_MESSAGES_PER_SEC (0 = no
 * limit). The store is PUB_STORE_URL (default: the embedded store in ./pub-data).
 *
 * <pre>mvn -pl samples exec:java -Dexec.mainClass=io.pub.samples.basic.BasicProducer</pre>
 */
public final class BasicProducer {
    private BasicProducer() {}

    public static void main(String[] args) {
        Settings settings = Settings.fromEnvironment();
        try (Pub pub = Pub.builder().settings(settings).build()) {
            publish(
                    pub,
                    settings.get("QUEUE_NAME", "basic-events"),
                    settings.getInt("EVENT_COUNT", 100, 1),
                    settings.getInt("PUBLISH_BATCH_SIZE", 10, 1),
                    settings.getDouble("PUBLISH_MESSAGES_PER_SEC", 0, 0, 1e9),
                    System.out);
        }
    }

    /** Publishes {@code count} events to {@code queue} (created if absent); returns how many. */
    public static int publish(Pub pub, String queue, int count, int batchSize, double perSecond, PrintStream out) {
        pub.createQueue(queue); // the queue's subscription exists before the first event: nothing is missed
        Producer producer = pub.producer(perSecond);
        long started = System.nanoTime();
        for (int seq = 0; seq < count; seq += batchSize) {
            List<Message> batch = new ArrayList<>();
            for (int i = seq; i < Math.min(count, seq + batchSize); i++) {
                batch.add(Message.builder()
                        .id("event-" + i)
                        .type("basic.event")
                        .property("seq", i)
                        .body(("{\"seq\":" + i + "}").getBytes(StandardCharsets.UTF_8))
                        .build());
            }
            producer.publish(queue, batch);
        }
        out.printf("published %d events to %s in %.1f ms%n", count, queue, (System.nanoTime() - started) / 1e6);
        return count;
    }
}
