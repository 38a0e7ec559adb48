package io.pub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pub.Message;
import io.pub.Pub;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Subscription;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** purge, delete-subscription and delete-topic: they ask first, and do what they said. */
@Timeout(60)
class ChangeCommandsTest {
    @TempDir
    Path tmp;

    private static Message msg(String s) {
        return InspectCommandsTest.text(s, null);
    }

    /** orders: a queue, 3 messages per shard, one leased; prices: a topic with two subscriptions. */
    private static void populate(Pub pub) {
        pub.createQueue("orders");
        for (int s = 0; s < 2; s++) {
            pub.producer().publishBatch("orders", s, List.of(msg("a" + s), msg("b" + s), msg("c" + s)));
        }
        long now = pub.clock().millis();
        pub.controller()
                .acquire(Pub.QUEUE_SUBSCRIPTION, new TopicShard("orders", 0), List.of(1L), "w", now + 60_000, now);
        pub.createTopic("prices", 1);
        pub.subscribe(new Subscription("prices", "d:a:one", Subscription.Kind.DURABLE, null, false, null, 1));
        pub.subscribe(new Subscription("prices", "d:a:two", Subscription.Kind.SHARED_DURABLE, null, false, null, 1));
        pub.producer().publish("prices", msg("p"));
    }

    /** Messages the queue has not done, as the tool counts them. */
    private static long pending(String url, String queue) {
        Cli.Result r = Cli.run("--store", url, "--json", "subscriptions", queue);
        assertThat(r.code()).as(r.toString()).isZero();
        return Json.parse(r.out()).get(0).path("pending").asLong();
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void purgeAsksThenEmptiesTheQueueAndKeepsWhatComesLater(TestStore kind) throws Exception {
        String url = kind.url(tmp);
        TestStore.with(url, ChangeCommandsTest::populate);

        Cli.Result no = Cli.withInput("n\n", "--store", url, "purge", "orders");
        assertThat(no.code()).isEqualTo(1);
        assertThat(no.err()).contains("Remove 6 messages from queue 'orders'? [y/N]", "nothing was changed");
        Cli.Result closed = Cli.withInput("", "--store", url, "purge", "orders");
        assertThat(closed.code()).as("no answer is no").isEqualTo(1);
        assertThat(pending(url, "orders")).isEqualTo(6);

        Cli.Result yes = Cli.withInput("y\n", "--store", url, "purge", "orders");
        assertThat(yes.code()).as(yes.toString()).isZero();
        assertThat(yes.out()).isEqualTo("purged 6 messages from queue orders\n");
        assertThat(pending(url, "orders")).isZero();
        TestStore.with(url, app -> {
            Controller c = app.controller();
            assertThat(c.leases(Pub.QUEUE_SUBSCRIPTION, new TopicShard("orders", 0), 0, 3))
                    .as("the lease under the cursor went")
                    .isEmpty();
            app.producer().publish("orders", msg("later"));
        });
        assertThat(pending(url, "orders")).isEqualTo(1);
        Cli.Result json = Cli.run("--store", url, "--json", "purge", "orders", "--yes");
        assertThat(Json.parse(json.out()).get(0).path("messages").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void purgeOfATopicEmptiesEachSubscriptionOrTheOneNamed(TestStore kind) throws Exception {
        String url = kind.url(tmp);
        TestStore.with(url, ChangeCommandsTest::populate);
        Cli.Result one = Cli.run("--store", url, "purge", "prices", "--subscription", "d:a:one", "--yes");
        assertThat(one.code()).as(one.toString()).isZero();
        assertThat(one.out()).isEqualTo("purged 1 message from topic prices, subscription d:a:one\n");
        Cli.Result all = Cli.run("--store", url, "purge", "prices", "--yes");
        assertThat(all.out())
                .isEqualTo("purged 0 messages from topic prices, subscription d:a:one\n"
                        + "purged 1 message from topic prices, subscription d:a:two\n");
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void deleteSubscriptionAsksAndRefusesTheQueuesOwn(TestStore kind) throws Exception {
        String url = kind.url(tmp);
        TestStore.with(url, ChangeCommandsTest::populate);
        Cli.Result own = Cli.run("--store", url, "delete-subscription", "orders", "$queue", "--yes");
        assertThat(own.code()).isEqualTo(2);
        assertThat(own.err()).contains("the queue's own subscription", "pub purge orders", "pub delete-topic orders");
        Cli.Result unknown = Cli.run("--store", url, "delete-subscription", "prices", "d:a:three", "--yes");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("has no subscription 'd:a:three'; it has: d:a:one, d:a:two");

        Cli.Result no = Cli.withInput("no\n", "--store", url, "delete-subscription", "prices", "d:a:one");
        assertThat(no.code()).isEqualTo(1);
        assertThat(no.err())
                .contains("Delete the durable subscription 'd:a:one' of topic 'prices' (1 messages pending)? [y/N]");
        Cli.Result yes = Cli.withInput("yes\n", "--store", url, "delete-subscription", "prices", "d:a:one");
        assertThat(yes.code()).as(yes.toString()).isZero();
        assertThat(yes.out()).isEqualTo("deleted subscription d:a:one of topic prices\n");
        JsonNode left = Json.parse(
                Cli.run("--store", url, "--json", "subscriptions", "prices").out());
        assertThat(left).extracting(n -> n.path("subscription").asText()).containsExactly("d:a:two");
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void deleteTopicAsksThenRemovesEverything(TestStore kind) throws Exception {
        String url = kind.url(tmp);
        TestStore.with(url, ChangeCommandsTest::populate);
        Cli.Result no = Cli.withInput("\n", "--store", url, "delete-topic", "orders");
        assertThat(no.code()).isEqualTo(1);
        assertThat(no.err()).contains("Delete the queue 'orders' with its 1 subscription and 6 messages? [y/N]");
        Cli.Result yes = Cli.run("--store", url, "delete-topic", "orders", "--yes");
        assertThat(yes.code()).as(yes.toString()).isZero();
        assertThat(yes.out()).isEqualTo("deleted queue orders\n");
        JsonNode topics = Json.parse(Cli.run("--store", url, "--json", "topics").out());
        assertThat(topics).extracting(n -> n.path("name").asText()).containsExactly("prices");
        Cli.Result again = Cli.run("--store", url, "delete-topic", "orders", "--yes");
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("there is no queue or topic named 'orders'", "there are: prices");
    }

    @Test
    void theChangesNeedTheStoreToThemselves() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        try (Pub app = TestStore.pub(url)) {
            populate(app);
            for (List<String> args : List.of(
                    List.of("purge", "orders", "--yes"),
                    List.of("delete-topic", "orders", "--yes"),
                    List.of("delete-subscription", "prices", "d:a:one", "--yes"),
                    List.of("send", "orders", "--text", "x"),
                    List.of("receive", "orders"),
                    List.of("redrive", "--from", "orders", "--to", "prices"))) {
                String[] all = new String[args.size() + 2];
                all[0] = "--store";
                all[1] = url;
                for (int i = 0; i < args.size(); i++) {
                    all[i + 2] = args.get(i);
                }
                Cli.Result r = Cli.run(all);
                assertThat(r.code()).as(r.toString()).isEqualTo(1);
                assertThat(r.err())
                        .contains(
                                "is open in process " + ProcessHandle.current().pid())
                        .contains("`pub " + args.get(0) + "` changes the store")
                        .contains("stop that process (the application) first");
            }
            // the commands that only look work meanwhile
            assertThat(Cli.run("--store", url, "topics").code()).isZero();
            assertThat(Cli.run("--store", url, "browse", "orders").code()).isZero();
            assertThat(app.controller().head(new TopicShard("orders", 0))).isEqualTo(3);
        }
    }
}
