package io.pub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pub.DeadLetters;
import io.pub.Message;
import io.pub.Pub;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** topics and subscriptions: what they count, on a store an application has open. */
@Timeout(60)
class InspectCommandsTest {
    @TempDir
    Path tmp;

    static Message text(String body, String key) {
        return Message.builder()
                .id("ID:" + body)
                .key(key)
                .header(StoredView.BODY, StoredView.BODY_TEXT)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    /**
     * orders: a queue of 2 shards with 3 messages each; on shard 0 offset 0 acked and offset 1 leased,
     * on shard 1 offset 0 leased for its second delivery and offset 1 dead-lettered (to DLQ, as the
     * engine does it); prices: a topic with a durable subscription made after 2 messages were
     * published, 3 published since.
     */
    static void populate(Pub pub) {
        pub.createQueue("orders");
        pub.createQueue("DLQ");
        for (int shard = 0; shard < 2; shard++) {
            List<Message> batch = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                batch.add(text("order-" + shard + i, null));
            }
            pub.producer().publishBatch("orders", shard, batch);
        }
        Controller c = pub.controller();
        long now = pub.clock().millis();
        TopicShard s0 = new TopicShard("orders", 0);
        TopicShard s1 = new TopicShard("orders", 1);
        c.markDone(Pub.QUEUE_SUBSCRIPTION, s0, List.of(0L));
        c.acquire(Pub.QUEUE_SUBSCRIPTION, s0, List.of(1L), "consumer-1", now + 60_000, now);
        c.acquire(Pub.QUEUE_SUBSCRIPTION, s1, List.of(0L), "consumer-0", now - 1, now - 2); // lapsed
        c.acquire(Pub.QUEUE_SUBSCRIPTION, s1, List.of(0L), "consumer-1", now + 60_000, now); // delivery 2
        Message dead = c.read(s1, 1, 1).entries().get(0).message();
        pub.producer()
                .publish(
                        "DLQ",
                        dead.toBuilder()
                                .property(DeadLetters.ORIGINAL_TOPIC, "orders")
                                .property(DeadLetters.ORIGINAL_SUBSCRIPTION, Pub.QUEUE_SUBSCRIPTION)
                                .property(DeadLetters.DELIVERY_COUNT, 10)
                                .build());
        c.markDone(Pub.QUEUE_SUBSCRIPTION, s1, List.of(1L));

        pub.createTopic("prices", 1);
        pub.producer().publish("prices", text("p-0", null));
        pub.producer().publish("prices", text("p-1", null));
        pub.subscribe(new Subscription(
                "prices", "d:app:ticker", Subscription.Kind.DURABLE, "currency = 'EUR'", false, null, 1));
        for (int i = 2; i < 5; i++) {
            pub.producer().publish("prices", text("p-" + i, null));
        }
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void topicsCountsHeadsMessagesAndBytes(TestStore kind) throws Exception {
        String url = kind.url(tmp);
        try (Pub app = TestStore.pub(url)) {
            populate(app);
            // the application is still running: the tool reads all the same
            Cli.Result r = Cli.run("--store", url, "--json", "topics");
            assertThat(r.code()).as(r.toString()).isZero();
            JsonNode topics = Json.parse(r.out());
            assertThat(topics).hasSize(3);
            JsonNode orders = Json.find(topics, "name", "orders");
            assertThat(orders.path("kind").asText()).isEqualTo("queue");
            assertThat(orders.path("shards").asInt()).isEqualTo(2);
            assertThat(orders.path("heads").toString()).isEqualTo("[3,3]");
            assertThat(orders.path("published").asLong()).isEqualTo(6);
            assertThat(orders.path("messages").asLong())
                    .as("1 acked, 1 dead-lettered")
                    .isEqualTo(4);
            assertThat(orders.path("bytes").asLong()).isEqualTo(4 * "order-00".length());
            assertThat(orders.path("subscriptions").asInt()).isEqualTo(1);
            JsonNode prices = Json.find(topics, "name", "prices");
            assertThat(prices.path("kind").asText()).isEqualTo("topic");
            assertThat(prices.path("published").asLong()).isEqualTo(5);
            assertThat(prices.path("messages").asLong())
                    .as("the subscription came after 2")
                    .isEqualTo(3);
            JsonNode dlq = Json.find(topics, "name", "DLQ");
            assertThat(dlq.path("messages").asLong()).isEqualTo(1);

            Cli.Result table = Cli.run("--store", url, "topics");
            assertThat(table.code()).isZero();
            assertThat(table.out().lines().findFirst().orElseThrow())
                    .contains("NAME", "KIND", "SHARDS", "HEADS", "PUBLISHED", "MESSAGES", "BYTES", "SUBSCRIPTIONS");
            assertThat(table.out()).containsPattern("orders\\s+queue\\s+2\\s+3 3\\s+6\\s+4\\s+32 B\\s+1");
        }
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void subscriptionsShowLagLeasesRedeliveriesAndDeadLetters(TestStore kind) throws Exception {
        String url = kind.url(tmp);
        try (Pub app = TestStore.pub(url)) {
            populate(app);
            Cli.Result r = Cli.run("--store", url, "--json", "subscriptions");
            assertThat(r.code()).as(r.toString()).isZero();
            JsonNode subs = Json.parse(r.out());
            JsonNode queue = Json.find(subs, "topic", "orders");
            assertThat(queue.path("subscription").asText()).isEqualTo("$queue");
            assertThat(queue.path("kind").asText()).isEqualTo("queue");
            assertThat(queue.path("pending").asLong())
                    .as("6 - acked - dead-lettered")
                    .isEqualTo(4);
            assertThat(queue.path("liveLeases").asInt()).isEqualTo(2);
            assertThat(queue.path("redelivered").asInt()).isEqualTo(1);
            assertThat(queue.path("consumers").asInt())
                    .as("consumer-1 holds leases")
                    .isEqualTo(1);
            assertThat(queue.path("deadLettered").asLong()).isEqualTo(1);
            assertThat(queue.path("oldestAgeMillis").isNumber()).isTrue();
            assertThat(queue.path("lag").size()).isEqualTo(2);
            JsonNode durable = Json.find(subs, "subscription", "d:app:ticker");
            assertThat(durable.path("kind").asText()).isEqualTo("durable");
            assertThat(durable.path("selector").asText()).isEqualTo("currency = 'EUR'");
            assertThat(durable.path("totalLag").asLong()).isEqualTo(3);
            assertThat(durable.path("consumers").asInt())
                    .as("no consumer claim")
                    .isZero();

            Cli.Result one = Cli.run("--store", url, "subscriptions", "prices");
            assertThat(one.code()).isZero();
            assertThat(one.out()).contains("d:app:ticker").doesNotContain("orders");
            assertThat(one.out()).containsPattern("prices\\s+d:app:ticker\\s+durable\\s+0\\s+3\\s+3\\s+3");
        }
    }

    /** The consumer claims JMS takes are what CONSUMERS counts (the provider's key format, read here). */
    @org.junit.jupiter.api.Test
    void countsTheConsumersOfJmsSubscriptions() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        try (jakarta.jms.Connection jms =
                BrowseCommandTest.factory(url + "?clientID=shop").createConnection()) {
            jakarta.jms.Session session = jms.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.Topic prices = session.createTopic("prices");
            session.createSharedDurableConsumer(prices, "audit");
            session.createSharedDurableConsumer(prices, "audit");
            session.createDurableConsumer(prices, "ticker");
            jakarta.jms.MessageConsumer gone = session.createDurableConsumer(prices, "idle");
            gone.close();
            session.createConsumer(prices);

            Cli.Result r = Cli.run("--store", url, "--json", "subscriptions", "prices");
            assertThat(r.code()).as(r.toString()).isZero();
            JsonNode subs = Json.parse(r.out());
            assertThat(Json.find(subs, "subscription", "d:shop:audit")
                            .path("consumers")
                            .asInt())
                    .isEqualTo(2);
            assertThat(Json.find(subs, "subscription", "d:shop:audit")
                            .path("kind")
                            .asText())
                    .isEqualTo("shared-durable");
            assertThat(Json.find(subs, "subscription", "d:shop:ticker")
                            .path("consumers")
                            .asInt())
                    .isEqualTo(1);
            assertThat(Json.find(subs, "subscription", "d:shop:idle")
                            .path("consumers")
                            .asInt())
                    .isZero();
            JsonNode nonDurable = Json.find(subs, "kind", "non-durable");
            assertThat(nonDurable.path("consumers").asInt()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void anEmptyStoreSaysSo(TestStore kind) throws Exception {
        String url = kind.url(tmp);
        TestStore.with(url, pub -> {}); // an embedded store must exist to be read
        Cli.Result r = Cli.run("--store", url, "topics");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("no topics or queues in ");
        assertThat(Cli.run("--store", url, "--json", "subscriptions").out().trim())
                .isEqualTo("[ ]");
    }
}
