package io.pub.couchbase;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pub.Delivery;
import io.pub.Message;
import io.pub.Producer;
import io.pub.Pub;
import io.pub.Settings;
import io.pub.Stores;
import io.pub.Subscriber;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JVM started by {@link CouchbaseCrossJvmTest}: a producer, a consumer, or a producer that dies
 * between reserving an offset and writing it. It talks to the test JVM's CouchbaseMock through the
 * store URL and reports what it did on stdout, one event a line.
 *
 * <p>Arguments: {@code mode url clockFile [more]}; modes: {@code produce topic count batch},
 * {@code consume topic subscription owner holdAfterBatches}, {@code reserve topic shard},
 * {@code singles topic shard count}.
 */
public final class CrossJvmChild {
    static final String TOPIC = "work";
    static final int SHARDS = 2;
    // far longer than the test runs in real time: only the test's clock advance expires them
    static final Duration LEASE = Duration.ofMinutes(10);
    static final Duration PUBLISH_TIMEOUT = Duration.ofMinutes(5);

    private CrossJvmChild() {}

    static Pub pub(Controller store, FileOffsetClock clock) {
        return Pub.builder()
                .controller(store)
                .clock(clock)
                .meterRegistry(new SimpleMeterRegistry())
                .config(Pub.Config.defaults()
                        .withShards(SHARDS)
                        .withLeaseDuration(LEASE)
                        .withPublishTimeout(PUBLISH_TIMEOUT)
                        .withMaxDeliveries(0, "DLQ")
                        .withHousekeepingInterval(Duration.ZERO))
                .build();
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        FileOffsetClock clock = new FileOffsetClock(Path.of(args[2]));
        try (Controller store = Stores.open(args[1], Settings.only(Map.of()), clock);
                Pub pub = pub(store, clock)) {
            switch (mode) {
                case "produce" -> produce(pub, args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
                case "consume" -> consume(pub, args[3], args[4], args[5], Integer.parseInt(args[6]), clock);
                case "reserve" -> reserve(store, new TopicShard(args[3], Integer.parseInt(args[4])));
                case "singles" ->
                    singles(store, new TopicShard(args[3], Integer.parseInt(args[4])), Integer.parseInt(args[5]));
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
        }
        System.exit(0);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void produce(Pub pub, String topic, int count, int batch) {
        Producer producer = pub.producer();
        for (int i = 0; i < count; i += batch) {
            List<Message> messages = new ArrayList<>();
            for (int j = i; j < Math.min(count, i + batch); j++) {
                messages.add(Message.builder()
                        .id("m" + j)
                        .body(("m" + j).getBytes(StandardCharsets.UTF_8))
                        .build());
            }
            // alternate shards so both are used
            producer.publishBatch(topic, (i / batch) % SHARDS, messages);
            messages.forEach(m -> say("PUBLISHED " + m.id()));
        }
        say("DONE");
    }

    /** Polls, reports each delivery, acks; after {@code holdAfter} batches it holds the next one unacked forever. */
    private static void consume(
            Pub pub, String topic, String subscription, String owner, int holdAfter, FileOffsetClock clock)
            throws InterruptedException {
        Subscription sub = pub.controller()
                .subscription(topic, subscription)
                .orElseThrow(() -> new IllegalStateException("no subscription " + subscription));
        Subscriber subscriber = pub.subscriber(sub, pub.subscriberOptions().withOwner(owner));
        int batches = 0;
        int empty = 0;
        while (true) {
            List<Delivery> got = subscriber.poll(10);
            if (got.isEmpty()) {
                if (++empty == 3) {
                    say("IDLE " + clock.millis());
                }
                Thread.sleep(50);
                continue;
            }
            empty = 0;
            long now = clock.millis();
            for (Delivery d : got) {
                say("DELIVERED " + d.message().id() + " " + owner + " " + now + " "
                        + d.lease().expiresAt() + " " + d.deliveryCount() + " "
                        + d.shard().shard() + " " + d.offset());
            }
            if (holdAfter >= 0 && batches++ == holdAfter) {
                say("HOLDING");
                Thread.sleep(Long.MAX_VALUE);
            }
            Thread.sleep(20); // "processing"
            subscriber.ack(got);
            for (Delivery d : got) {
                say("ACKED " + d.message().id() + " " + owner);
            }
        }
    }

    /** Appends single messages one after another (the store reserves offsets ahead), then waits to be killed. */
    private static void singles(Controller store, TopicShard shard, int count) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < count; i++) {
            last = store.append(shard, List.of(Message.builder().id("s" + i).build()));
        }
        say("APPENDED " + last + " " + store.head(shard));
        Thread.sleep(Long.MAX_VALUE); // killed here, holding what it reserved
    }

    private static void reserve(Controller store, TopicShard shard) throws InterruptedException {
        long offset = store.reserve(shard, 1);
        say("RESERVED " + offset);
        Thread.sleep(Long.MAX_VALUE); // killed here, before the insert
    }
}
