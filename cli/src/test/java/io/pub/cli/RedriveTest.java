package io.pub.cli;

import static io.pub.cli.DeadLetterFixture.copies;
import static io.pub.cli.DeadLetterFixture.deadLetters;
import static io.pub.cli.DeadLetterFixture.pending;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pub.DeadLetters;
import io.pub.Delivery;
import io.pub.Message;
import io.pub.Pub;
import io.pub.Subscriber;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.MutableClock;
import io.pub.spi.Subscription;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * redrive: dead letters go back where they came from, once each. The cases where an earlier run
 * stopped half-way are set up here record by record, as a killed run leaves them; RedriveKillTest
 * kills real runs.
 */
@Timeout(60)
class RedriveTest {
    @TempDir
    Path tmp;

    /** Dead-letters every message of the queue the way the engine does: delivered past maxDeliveries. */
    private static void failEverything(Pub pub, String queue) {
        Subscription s =
                pub.controller().subscription(queue, Pub.QUEUE_SUBSCRIPTION).orElseThrow();
        Subscriber consumer =
                pub.subscriber(s, pub.subscriberOptions().withOwner("failing").withMaxDeliveries(1, "DLQ"));
        for (List<Delivery> got = consumer.poll(10); !got.isEmpty(); got = consumer.poll(10)) {
            consumer.release(got, Duration.ZERO);
        }
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void deadLettersGoBackWithAFreshDeliveryCount(TestStore kind) throws Exception {
        String url = kind.url(tmp);
        TestStore.with(url, app -> {
            app.createQueue("orders");
            app.createQueue("payments");
            for (int i = 0; i < 3; i++) {
                app.producer().publish("orders", InspectCommandsTest.text("order " + i, null));
            }
            app.producer().publish("payments", InspectCommandsTest.text("payment", null));
            failEverything(app, "orders");
            failEverything(app, "payments");
            assertThat(pending(app.controller(), "DLQ")).isEqualTo(4);
        });

        Cli.Result r = Cli.run("--store", url, "redrive");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("redriven 4 messages from DLQ: 3 to orders, 1 to payments\n");

        try (Connection jms = BrowseCommandTest.factory(url).createConnection()) {
            jms.start();
            Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("orders"));
            for (int i = 0; i < 3; i++) {
                TextMessage m = (TextMessage) consumer.receive(5000);
                assertThat(m).isNotNull();
                assertThat(m.getText()).startsWith("order ");
                assertThat(m.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
                assertThat(m.getJMSRedelivered()).isFalse();
                assertThat(m.propertyExists(DeadLetters.DELIVERY_COUNT)).isFalse();
                assertThat(m.propertyExists(DeadLetters.ORIGINAL_TOPIC)).isFalse();
                assertThat(m.getStringProperty(Redrive.MARK)).startsWith("DLQ:");
                assertThat(m.getJMSMessageID())
                        .isEqualTo("ID:order " + m.getText().substring(6));
            }
            assertThat(consumer.receive(100)).isNull();
        }
        TestStore.with(url, app -> assertThat(pending(app.controller(), "DLQ")).isZero());
        Cli.Result again = Cli.run("--store", url, "redrive");
        assertThat(again.out()).isEqualTo("redriven 0 messages from DLQ\n");
    }

    @Test
    void selectorLimitAndToChooseWhatGoesWhere() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        TestStore.with(url, app -> {
            deadLetters(app, "orders", 4);
            deadLetters(app, "payments", 3);
            app.createQueue("retry");
        });
        Cli.Result some =
                Cli.run("--store", url, "redrive", "--selector", "PubOriginalDestination = 'payments'", "--limit", "2");
        assertThat(some.code()).as(some.toString()).isZero();
        assertThat(some.out()).isEqualTo("redriven 2 messages from DLQ: 2 to payments\n");
        Cli.Result to = Cli.run("--store", url, "--json", "redrive", "--to", "retry", "--verbose");
        assertThat(to.code()).as(to.toString()).isZero();
        JsonNode result = Json.parse(to.out());
        assertThat(result.path("redriven").asLong()).isEqualTo(5);
        assertThat(result.path("byDestination").path("retry").asLong()).isEqualTo(5);
        TestStore.with(url, app -> {
            Controller c = app.controller();
            assertThat(pending(c, "DLQ")).isZero();
            assertThat(copies(c, "payments")).hasSize(2);
            assertThat(copies(c, "retry")).hasSize(5).allSatisfy((k, v) -> assertThat(v)
                    .hasSize(1));
            assertThat(copies(c, "orders")).isEmpty();
        });
        Cli.Result bad = Cli.run("--store", url, "redrive", "--selector", "PubOriginalDestination = ");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("invalid message selector");
        Cli.Result notAQueue = Cli.run("--store", url, "redrive", "--from", "nowhere");
        assertThat(notAQueue.code()).isEqualTo(2);
        assertThat(notAQueue.err()).contains("there is no queue or topic named 'nowhere'");
    }

    @Test
    void whatCannotGoBackStaysAndIsSaid() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        TestStore.with(url, app -> {
            deadLetters(app, "orders", 1);
            deadLetters(app, "gone", 1);
            app.controller().deleteTopic("gone");
            app.producer().publishBatch("DLQ", 0, List.of(DeadLetterFixture.deadLetter(null, "ID:x", "x")));
        });
        Cli.Result r = Cli.run("--store", url, "redrive");
        assertThat(r.code()).as("something was left").isEqualTo(1);
        assertThat(r.out())
                .contains("redriven 1 message from DLQ: 1 to orders")
                .contains("skipped 2, left in DLQ")
                .contains("note: skipped dead letters of 'gone', which no longer exists (give --to)")
                .contains("note: skipped dead letters without PubOriginalDestination (give --to)");
        TestStore.with(url, app -> {
            assertThat(pending(app.controller(), "DLQ")).isEqualTo(2);
            assertThat(app.controller().leases(Pub.QUEUE_SUBSCRIPTION, new TopicShard("DLQ", 0), 0, 10).stream()
                            .filter(l -> l.isLive(app.clock().millis())))
                    .as("given back")
                    .isEmpty();
        });
    }

    // ---- an earlier run stopped half-way ------------------------------------------------------

    /** The one dead letter of the fixture: its key, and the journal claim a run writes for it. */
    private static final String KEY = "DLQ:0:0";

    private static final TopicShard ORDERS0 = new TopicShard("orders", 0);

    private static Message copyOf(Controller c) {
        Message dead = c.read(new TopicShard("DLQ", 0), 0, 1).entries().get(0).message();
        return dead.toBuilder()
                .property(DeadLetters.ORIGINAL_TOPIC, null)
                .property(DeadLetters.ORIGINAL_SUBSCRIPTION, null)
                .property(DeadLetters.DELIVERY_COUNT, null)
                .property(Redrive.MARK, KEY)
                .build();
    }

    /** A run reserved an offset and wrote its journal record, and was stopped before the copy. */
    private static long reservedAndJournaled(Pub app) {
        Controller c = app.controller();
        long offset = c.reserve(ORDERS0, 1);
        c.claim(
                Redrive.JOURNAL + KEY,
                "orders/0/" + offset,
                app.clock().millis() + 60_000,
                app.clock().millis());
        return offset;
    }

    private static JsonNode redrive(String url) {
        Cli.Result r = Cli.run("--store", url, "--json", "redrive");
        assertThat(r.code()).as(r.toString()).isZero();
        return Json.parse(r.out());
    }

    @Test
    void stoppedAfterReservingWritesTheCopyWhereItWasToGo() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        long[] offset = new long[1];
        TestStore.with(url, app -> {
            deadLetters(app, "orders", 1);
            offset[0] = reservedAndJournaled(app);
        });
        JsonNode r = redrive(url);
        assertThat(r.path("redriven").asLong()).isEqualTo(1);
        assertThat(r.path("resumed").asLong()).isEqualTo(1);
        TestStore.with(url, app -> {
            Controller c = app.controller();
            assertThat(copies(c, "orders")).containsOnlyKeys(KEY).allSatisfy((k, v) -> assertThat(v)
                    .hasSize(1));
            assertThat(c.read(ORDERS0, offset[0], 1).entries()).singleElement().satisfies(e -> assertThat(
                            e.message().properties().get(Redrive.MARK))
                    .isEqualTo(KEY));
            assertThat(pending(c, "DLQ")).isZero();
            assertThat(c.readClaim(Redrive.JOURNAL + KEY))
                    .as("journal record removed")
                    .isEmpty();
        });
    }

    @Test
    void stoppedAfterTheCopyOnlyAcknowledges() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        TestStore.with(url, app -> {
            deadLetters(app, "orders", 1);
            long offset = reservedAndJournaled(app);
            app.controller().insert(ORDERS0, offset, List.of(copyOf(app.controller())));
        });
        JsonNode r = redrive(url);
        assertThat(r.path("redriven").asLong()).isEqualTo(1);
        assertThat(r.path("resumed").asLong()).isEqualTo(1);
        TestStore.with(url, app -> {
            assertThat(copies(app.controller(), "orders").get(KEY))
                    .as("no second copy")
                    .hasSize(1);
            assertThat(pending(app.controller(), "DLQ")).isZero();
        });
    }

    @Test
    void aReservedOffsetSealedAsAHoleMeansTheCopyWasNeverWritten() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        TestStore.with(url, app -> {
            deadLetters(app, "orders", 1);
            long offset = reservedAndJournaled(app);
            assertThat(app.controller().seal(ORDERS0, offset)).isTrue(); // a consumer gave up waiting for it
        });
        JsonNode r = redrive(url);
        assertThat(r.path("redriven").asLong()).isEqualTo(1);
        assertThat(r.path("resumed").asLong()).isZero();
        TestStore.with(url, app -> assertThat(copies(app.controller(), "orders").get(KEY))
                .hasSize(1));
    }

    @Test
    void aCopyAlreadyConsumedAndRemovedCannotBeToldFromAHoleAndTheRunSaysSo() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        TestStore.with(url, app -> {
            deadLetters(app, "orders", 1);
            Controller c = app.controller();
            long offset = reservedAndJournaled(app);
            c.insert(ORDERS0, offset, List.of(copyOf(c)));
            c.markDone(Pub.QUEUE_SUBSCRIPTION, ORDERS0, List.of(offset)); // consumed
            c.trim(ORDERS0, offset + 1); // and removed by retention
        });
        JsonNode r = redrive(url);
        assertThat(r.path("redriven").asLong()).isEqualTo(1);
        assertThat(r.path("notes").toString()).contains("may be delivered twice");
        TestStore.with(url, app -> assertThat(pending(app.controller(), "DLQ")).isZero());
    }

    @Test
    void takesBackTheLeasesOfARunThatWasKilledOnceItsClaimLapses() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        MutableClock clock = new MutableClock(java.time.Instant.now());
        TestStore.with(url, app -> {
            deadLetters(app, "orders", 3);
            Controller c = app.controller();
            long now = clock.millis();
            // the killed run: its claim on the DLQ runs 1.5 s more, its leases a minute
            c.claim(Redrive.LOCK + "DLQ", Redrive.OWNER + "killed", now + 1_500, now);
            c.acquire(
                    Pub.QUEUE_SUBSCRIPTION,
                    new TopicShard("DLQ", 0),
                    List.of(0L),
                    Redrive.OWNER + "killed",
                    now + 60_000,
                    now);
            // a consumer of the DLQ that is not a redrive: left alone
            c.acquire(Pub.QUEUE_SUBSCRIPTION, new TopicShard("DLQ", 1), List.of(0L), "auditor", now + 60_000, now);
        });
        Cli.Result r = Cli.run(clock, "", clock::advance, "--store", url, "redrive", "--lock-ttl", "1s");
        assertThat(r.err()).contains("waiting for the redrive of DLQ by pub-redrive@killed");
        assertThat(r.code()).as("one is held by the auditor").isEqualTo(1);
        assertThat(r.out())
                .contains("redriven 2 messages from DLQ: 2 to orders")
                .contains("1 dead letter is held by a consumer of DLQ");
    }

    @Test
    void aSecondRedriveOfTheSameQueueWaitsForTheFirst() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        MutableClock clock = new MutableClock(java.time.Instant.now());
        TestStore.with(url, app -> {
            deadLetters(app, "orders", 1);
            long now = clock.millis();
            app.controller().claim(Redrive.LOCK + "DLQ", Redrive.OWNER + "running", now + 3_600_000, now);
        });
        Cli.Result r = Cli.run(clock, "", clock::advance, "--store", url, "redrive", "--lock-ttl", "1s");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("another redrive of DLQ is running (pub-redrive@running)");
        TestStore.with(url, app -> assertThat(pending(app.controller(), "DLQ")).isEqualTo(1));
    }
}
