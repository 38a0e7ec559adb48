package io.pub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pub.Pub;
import io.pub.spi.Subscription;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** send writes what a JMS consumer receives as a JMS producer's; receive takes and acknowledges. */
@Timeout(60)
class SendReceiveTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void aJmsConsumerReceivesWhatSendSent(TestStore kind) throws Exception {
        String url = kind.url(tmp);
        Cli.Result created = Cli.run(
                "--store",
                url,
                "send",
                "orders",
                "--create",
                "queue",
                "--text",
                "hello",
                "--count",
                "3",
                "-p",
                "color=red",
                "-p",
                "n:int=5",
                "-p",
                "ok:boolean=true",
                "-p",
                "price:double=2.5",
                "--type",
                "order",
                "--correlation-id",
                "c-1",
                "--group",
                "g-1",
                "--priority",
                "7");
        assertThat(created.code()).as(created.toString()).isZero();
        assertThat(created.out()).isEqualTo("sent 3 messages to queue orders\n");
        Path file = Files.write(tmp.resolve("payload.bin"), new byte[] {1, 2, 3, (byte) 0xfe});
        assertThat(Cli.run("--store", url, "send", "orders", "--file", file.toString(), "--non-persistent")
                        .code())
                .isZero();
        Path text = Files.writeString(tmp.resolve("note.txt"), "from a file");
        assertThat(Cli.run("--store", url, "send", "orders", "--text-file", text.toString())
                        .code())
                .isZero();
        Cli.Result lines =
                Cli.withInput("line a\nline b\n", "--store", url, "--json", "send", "orders", "--rate", "1000");
        assertThat(lines.code()).as(lines.toString()).isZero();
        assertThat(Json.parse(lines.out()).path("sent").asInt()).isEqualTo(2);
        try (Connection jms = BrowseCommandTest.factory(url).createConnection()) {
            jms.start();
            Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("orders"));
            List<jakarta.jms.Message> got = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                jakarta.jms.Message m = consumer.receive(5000);
                assertThat(m).as("message " + i).isNotNull();
                got.add(m);
            }
            assertThat(consumer.receive(200)).isNull();
            TextMessage first = (TextMessage) got.stream()
                    .filter(m -> m instanceof TextMessage t && text(t).equals("hello"))
                    .findFirst()
                    .orElseThrow();
            assertThat(first.getStringProperty("color")).isEqualTo("red");
            assertThat(first.getObjectProperty("n")).isEqualTo(5);
            assertThat(first.getObjectProperty("ok")).isEqualTo(true);
            assertThat(first.getObjectProperty("price")).isEqualTo(2.5);
            assertThat(first.getJMSType()).isEqualTo("order");
            assertThat(first.getJMSCorrelationID()).isEqualTo("c-1");
            assertThat(first.getStringProperty("JMSXGroupID")).isEqualTo("g-1");
            assertThat(first.getJMSPriority()).isEqualTo(7);
            assertThat(first.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
            assertThat(first.getJMSMessageID()).startsWith("ID:pub-cli-");
            assertThat(first.getJMSTimestamp()).isPositive();
            assertThat(first.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
            BytesMessage bytes = (BytesMessage) got.stream()
                    .filter(m -> m instanceof BytesMessage)
                    .findFirst()
                    .orElseThrow();
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            assertThat(body).containsExactly(1, 2, 3, 0xfe);
            assertThat(bytes.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
            assertThat(got.stream().filter(m -> m instanceof TextMessage).map(m -> text((TextMessage) m)))
                    .containsExactlyInAnyOrder("hello", "hello", "hello", "from a file", "line a", "line b");
        }
    }

    private static String text(TextMessage t) {
        try {
            return t.getText();
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void receiveTakesAcknowledgesAndSaves(TestStore kind) throws Exception {
        String url = kind.url(tmp);
        try (Connection jms = BrowseCommandTest.factory(url).createConnection()) {
            Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("work");
            MessageProducer p = session.createProducer(queue);
            for (int i = 0; i < 4; i++) {
                TextMessage m = session.createTextMessage("job " + i);
                m.setIntProperty("n", i);
                p.send(m);
            }
        }
        Cli.Result two = Cli.run("--store", url, "--json", "receive", "work", "--count", "2", "--selector", "n >= 1");
        assertThat(two.code()).as(two.toString()).isZero();
        List<JsonNode> rows = Json.lines(two.out());
        assertThat(rows).hasSize(2);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.path("deliveries").asInt()).isEqualTo(1);
            assertThat(r.path("message").path("properties").path("n").asInt()).isGreaterThanOrEqualTo(1);
        });

        Path saved = tmp.resolve("saved");
        Cli.Result body = Cli.run("--store", url, "receive", "work", "--body-only", "--save", saved.toString());
        assertThat(body.code()).as(body.toString()).isZero();
        assertThat(body.out()).matches("job \\d\n");
        try (var files = Files.list(saved)) {
            List<Path> all = files.toList();
            assertThat(all).singleElement().satisfies(f -> assertThat(Files.readString(f, StandardCharsets.UTF_8))
                    .isEqualTo(body.out().trim()));
        }

        Cli.Result rest = Cli.run("--store", url, "receive", "work", "--count", "5", "--timeout", "300ms");
        assertThat(rest.code()).as("fewer than asked").isEqualTo(1);
        assertThat(rest.err()).contains("received 1 of 5 messages");
        assertThat(Cli.run("--store", url, "--json", "browse", "work").out().trim())
                .as("all acknowledged")
                .isEqualTo("[ ]");
    }

    @Test
    void aTopicSubscriptionsOwnSelectorDecidesWhatItGets() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        TestStore.with(url, app -> {
            app.createTopic("prices", 1);
            app.subscribe(new Subscription(
                    "prices", "d:app:eur", Subscription.Kind.DURABLE, "currency = 'EUR'", false, null, 1));
        });
        for (String c : List.of("USD", "EUR", "GBP", "EUR")) {
            assertThat(Cli.run("--store", url, "send", "prices", "--text", c, "-p", "currency=" + c)
                            .code())
                    .isZero();
        }
        Cli.Result r = Cli.run(
                "--store", url, "receive", "prices", "--subscription", "d:app:eur", "--count", "0", "--body-only");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("EUR\nEUR\n");
        TestStore.with(url, app -> assertThat(app.controller()
                        .cursor("d:app:eur", new io.pub.TopicShard("prices", 0))
                        .committed())
                .as("what the selector passes over is done for the subscription")
                .isEqualTo(4));
    }

    @Test
    void sendRefusesWhatItCannotSend() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        TestStore.with(url, app -> app.createQueue("orders"));
        Cli.Result unknown = Cli.run("--store", url, "send", "ordres", "--text", "x");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("there is no queue or topic named 'ordres'", "there are: orders");
        Cli.Result badProperty = Cli.run("--store", url, "send", "orders", "--text", "x", "-p", "n:int=five");
        assertThat(badProperty.code()).isEqualTo(2);
        assertThat(badProperty.err()).contains("--property n: 'five' is not a int");
        Cli.Result nothing = Cli.run("--store", url, "send", "orders");
        assertThat(nothing.code()).isEqualTo(2);
        assertThat(nothing.err()).contains("nothing to send");
        Cli.Result both = Cli.run("--store", url, "send", "orders", "--text", "x", "--file", "y");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        Cli.Result noStore = Cli.run("--store", "embedded:" + tmp.resolve("nowhere"), "send", "orders", "--text", "x");
        assertThat(noStore.code()).isEqualTo(2);
        assertThat(noStore.err()).contains("there is no embedded store in");
        assertThat(tmp.resolve("nowhere")).doesNotExist();
        TestStore.with(url, app -> assertThat(app.controller().head(new io.pub.TopicShard("orders", 0)))
                .as("nothing was sent")
                .isZero());
        assertThat(Pub.QUEUE_SUBSCRIPTION).isEqualTo("$queue");
    }
}
