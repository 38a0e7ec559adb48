package io.pub.samples.basic;

import io.pub.Consumer;
import io.pub.Pub;
import io.pub.Settings;
import io.pub.spi.Subscription;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The native API's consumer: drains the queue QUEUE_NAME (default "basic-events") in batches of
 * CONSUMER_BATCH_SIZE under leases, acking each batch, until CONSUMER_MAX_EMPTY_COUNT polls in a
 * row find nothing. A message whose handler throws is released and comes back later, marked
 * redelivered.
 *
 * <pre>mvn -pl samples exec:java -Dexec.mainClass=io.pub.samples.basic.BasicConsumer</pre>
 */
public final class BasicConsumer {
    private BasicConsumer() {}

    public static void main(String[] args) throws InterruptedException {
        Settings settings = Settings.fromEnvironment();
        try (Pub pub = Pub.builder().settings(settings).build()) {
            consume(
                    pub,
                    settings.get("QUEUE_NAME", "basic-events"),
                    settings.getInt("CONSUMER_BATCH_SIZE", 50, 1),
                    settings.getInt("CONSUMER_MAX_EMPTY_COUNT", 2, 1),
                    settings.getDuration("CONSUMER_EMPTY_POLL_WAIT", Duration.ofMillis(500)),
                    System.out);
        }
    }

    /** Consumes what the queue holds; returns how many messages were processed. */
    public static long consume(Pub pub, String queue, int batchSize, int maxEmpty, Duration wait, PrintStream out)
            throws InterruptedException {
        Subscription subscription = pub.createQueue(queue);
        try (Consumer consumer = pub.consumer(subscription, batchSize)) {
            long n = consumer.drain(
                    d -> {
                        if (d.redelivered()) {
                            out.printf("redelivered (delivery %d): ", d.deliveryCount());
                        }
                        out.printf(
                                "%s shard %d offset %d: %s%n",
                                d.message().id(),
                                d.shard().shard(),
                                d.offset(),
                                new String(d.message().body(), StandardCharsets.UTF_8));
                    },
                    maxEmpty,
                    wait);
            out.printf("consumed %d events from %s%n", n, queue);
            return n;
        }
    }
}
