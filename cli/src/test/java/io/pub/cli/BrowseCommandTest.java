package io.pub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pub.Pub;
import io.pub.TopicShard;
import io.pub.jms.PubConnectionFactory;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * browse shows what a JMS application sent, as JMS shows it, selects as a JMS QueueBrowser selects,
 * and changes nothing.
 */
@Timeout(60)
class BrowseCommandTest {
    /** Selectors on properties and on every header field a selector may name. */
    static final List<String> SELECTORS = List.of(
            "color = 'red'",
            "n > 2 AND n < 6",
            "color IN ('red', 'blue') OR flag = TRUE",
            "missing IS NULL AND n >= 4",
            "price BETWEEN 1.5 AND 3.0",
            "name LIKE 'a\\_%' ESCAPE '\\'",
            "JMSPriority > 4",
            "JMSType = 'order'",
            "JMSCorrelationID = 'c-3'",
            "JMSDeliveryMode = 'NON_PERSISTENT'",
            "JMSMessageID LIKE 'ID:%' AND n < 3",
            "JMSTimestamp > 0 AND NOT (color = 'green')",
            "n / 2 = 2");

    @TempDir
    Path tmp;

    static PubConnectionFactory factory(String url) {
        return new PubConnectionFactory(url, TestStore.SETTINGS, Clock.systemUTC());
    }

    /** Eight text messages whose properties and headers the selectors tell apart. */
    static void sendVaried(Session session, Queue queue) throws Exception {
        String[] colors = {"red", "blue", "green", "red", "yellow", "blue", "green", "red"};
        MessageProducer p = session.createProducer(queue);
        for (int i = 0; i < 8; i++) {
            TextMessage m = session.createTextMessage("message " + i);
            m.setStringProperty("color", colors[i]);
            m.setIntProperty("n", i);
            m.setBooleanProperty("flag", i % 3 == 0);
            m.setDoubleProperty("price", 0.5 * i);
            m.setStringProperty("name", i % 2 == 0 ? "a_" + i : "ab" + i);
            m.setJMSType(i % 2 == 0 ? "order" : "refund");
            m.setJMSCorrelationID("c-" + i);
            p.setPriority(i % 10);
            p.setDeliveryMode(i == 5 ? DeliveryMode.NON_PERSISTENT : DeliveryMode.PERSISTENT);
            p.send(m);
        }
    }

    /** The selector's semantics do not depend on the store: the embedded one is enough. */
    @org.junit.jupiter.api.Test
    void selectsWhatAJmsQueueBrowserSelects() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        try (Connection jms = factory(url).createConnection()) {
            Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("orders");
            sendVaried(session, queue);
            for (String selector : SELECTORS) {
                List<String> expected = new ArrayList<>();
                try (QueueBrowser b = session.createBrowser(queue, selector)) {
                    java.util.Enumeration<?> e = b.getEnumeration();
                    while (e.hasMoreElements()) {
                        expected.add(((Message) e.nextElement()).getJMSMessageID());
                    }
                }
                Cli.Result r = Cli.run("--store", url, "--json", "browse", "orders", "--selector", selector);
                assertThat(r.code()).as(selector + "\n" + r).isZero();
                List<String> got = new ArrayList<>();
                Json.parse(r.out())
                        .forEach(
                                n -> got.add(n.path("message").path("messageId").asText()));
                assertThat(new TreeSet<>(got)).as(selector).isEqualTo(new TreeSet<>(expected));
                assertThat(expected)
                        .as("a selector that selects nothing proves little: " + selector)
                        .isNotEmpty()
                        .hasSizeLessThan(8);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void showsHeadersPropertiesAndBodiesAsJmsDoes(TestStore kind) throws Exception {
        String url = kind.url(tmp);
        try (Connection jms = factory(url).createConnection()) {
            Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("mixed");
            MessageProducer p = session.createProducer(queue);
            TextMessage text = session.createTextMessage("line one\nline two");
            text.setJMSCorrelationID("corr-1");
            text.setJMSReplyTo(session.createQueue("replies"));
            text.setStringProperty("JMSXGroupID", "g-1");
            p.send(text);
            MapMessage map = session.createMapMessage();
            map.setInt("qty", 3);
            map.setString("sku", "A-7");
            p.send(map);
            StreamMessage stream = session.createStreamMessage();
            stream.writeLong(42L);
            stream.writeString("x");
            p.send(stream);
            BytesMessage bytes = session.createBytesMessage();
            bytes.writeBytes(new byte[] {0, 1, (byte) 0xff});
            p.send(bytes);
            p.send(session.createObjectMessage(new java.util.ArrayList<>(List.of("s"))));

            Cli.Result r = Cli.run("--store", url, "--json", "browse", "mixed");
            assertThat(r.code()).as(r.toString()).isZero();
            JsonNode rows = Json.parse(r.out());
            assertThat(rows).hasSize(5);
            JsonNode t = rows.get(0).path("message");
            assertThat(t.path("bodyType").asText()).isEqualTo("text");
            assertThat(t.path("body").asText()).isEqualTo("line one\\nline two");
            assertThat(t.path("correlationId").asText()).isEqualTo("corr-1");
            assertThat(t.path("replyTo").asText()).isEqualTo("queue:replies");
            assertThat(t.path("groupId").asText()).isEqualTo("g-1");
            assertThat(t.path("deliveryMode").asText()).isEqualTo("PERSISTENT");
            assertThat(t.path("messageId").asText()).isEqualTo(text.getJMSMessageID());
            assertThat(t.path("timestamp").asLong()).isEqualTo(text.getJMSTimestamp());
            assertThat(rows.get(1).path("message").path("body").asText()).isEqualTo("{qty=3, sku=A-7}");
            assertThat(rows.get(2).path("message").path("body").asText()).isEqualTo("[42, x]");
            assertThat(rows.get(3).path("message").path("body").asText()).isEqualTo("0x0001ff");
            assertThat(rows.get(4).path("message").path("body").asText()).startsWith("(serialized Java object, ");

            Cli.Result table = Cli.run("--store", url, "browse", "mixed", "--limit", "2", "--preview", "6");
            assertThat(table.code()).isZero();
            assertThat(table.out())
                    .contains("MESSAGE ID", "STATUS", "text: lin...", "map: {qt...")
                    .contains("2 messages of queue mixed; more not shown (--limit 2)");
        }
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void takesNoLeaseAndShowsWhoHoldsOne(TestStore kind) throws Exception {
        String url = kind.url(tmp);
        try (Pub app = TestStore.pub(url)) {
            app.createQueue("orders");
            for (int i = 0; i < 3; i++) {
                app.producer().publishBatch("orders", 0, List.of(InspectCommandsTest.text("m" + i, null)));
            }
            Controller c = app.controller();
            TopicShard s0 = new TopicShard("orders", 0);
            long now = app.clock().millis();
            c.acquire(Pub.QUEUE_SUBSCRIPTION, s0, List.of(1L), "worker-7", now + 60_000, now);
            Cursor before = c.cursor(Pub.QUEUE_SUBSCRIPTION, s0);

            Cli.Result r = Cli.run("--store", url, "--json", "browse", "orders");
            assertThat(r.code()).as(r.toString()).isZero();
            JsonNode rows = Json.parse(r.out());
            assertThat(rows).extracting(n -> n.path("status").asText()).containsExactly("ready", "leased", "ready");
            assertThat(rows.get(1).path("leaseOwner").asText()).isEqualTo("worker-7");
            assertThat(rows.get(1).path("deliveries").asInt()).isEqualTo(1);

            assertThat(c.cursor(Pub.QUEUE_SUBSCRIPTION, s0)).isEqualTo(before);
            assertThat(c.leases(Pub.QUEUE_SUBSCRIPTION, s0, 0, 3))
                    .singleElement()
                    .satisfies(l -> assertThat(l.owner()).isEqualTo("worker-7"));
        }
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void aTopicNeedsOneOfItsSubscriptions(TestStore kind) throws Exception {
        String url = kind.url(tmp);
        TestStore.with(url, app -> {
            app.createTopic("prices", 1);
            app.subscribe(new io.pub.spi.Subscription(
                    "prices", "d:app:eur", io.pub.spi.Subscription.Kind.DURABLE, null, false, null, 1));
            app.producer().publish("prices", InspectCommandsTest.text("p", null));
        });
        Cli.Result missing = Cli.run("--store", url, "browse", "prices");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("'prices' is a topic", "--subscription", "d:app:eur");
        Cli.Result wrong = Cli.run("--store", url, "browse", "prices", "--subscription", "nope");
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("has no subscription 'nope'; it has: d:app:eur");
        Cli.Result ok = Cli.run("--store", url, "browse", "prices", "--subscription", "d:app:eur");
        assertThat(ok.code()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("text: p", "1 message of topic prices, subscription d:app:eur");
    }

    @org.junit.jupiter.api.Test
    void aSubscriptionsOwnSelectorHidesWhatItWillNeverDeliver() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        TestStore.with(url, app -> {
            app.createTopic("prices", 1);
            app.subscribe(new io.pub.spi.Subscription(
                    "prices", "d:app:eur", io.pub.spi.Subscription.Kind.DURABLE, "currency = 'EUR'", false, null, 1));
            for (String c : List.of("EUR", "USD", "EUR")) {
                app.producer()
                        .publish(
                                "prices",
                                InspectCommandsTest.text(c, null).toBuilder()
                                        .property("currency", c)
                                        .property("n", c.length())
                                        .build());
            }
        });
        Cli.Result r = Cli.run("--store", url, "--json", "browse", "prices", "--subscription", "d:app:eur");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(Json.parse(r.out()))
                .extracting(n -> n.path("message").path("body").asText())
                .containsExactly("EUR", "EUR");
        Cli.Result none = Cli.run(
                "--store", url, "browse", "prices", "--subscription", "d:app:eur", "--selector", "currency = 'USD'");
        assertThat(none.out()).startsWith("no messages matching the selector");
    }
}
