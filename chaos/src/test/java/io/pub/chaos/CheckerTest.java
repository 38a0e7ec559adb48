package io.pub.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The checker finds each kind of violation in journal lines, and accepts what has an excuse. */
@Timeout(10)
class CheckerTest {
    private final Ledger ledger = new Ledger();

    private void child(String jvm, String... lines) {
        for (String l : lines) {
            ledger.on(jvm, l);
        }
    }

    private Map<String, List<String>> check() {
        return new Checker(ledger, 3000).check().violations();
    }

    /** A queue message m1, sent and acknowledged at t=100. */
    private void sent() {
        child("p.0", "100 SEND m1 chaos-q 0 sync", "101 SENT m1");
    }

    @Test
    void aCleanRunHasNoViolations() {
        sent();
        child("c.0", "200 DELIVER c.0/q_auto0#0 q m1 0 1 1 0");
        assertThat(check()).isEmpty();
    }

    @Test
    void anAcknowledgedSendNeverDeliveredIsLost() {
        sent();
        assertThat(check()).containsOnlyKeys("lost");
        assertThat(ledger.missing).containsExactly("q m1");
    }

    @Test
    void anAutoAcknowledgedReceiptCutOffByAKillIsNotALoss() {
        sent();
        child("p.0", "100 STORED chaos-q 0 7 m1");
        child("c.0", "300 MARKING $queue chaos-q 0 chaos-c.0-q_auto0 6,7");
        child("harness", "302 KILL c.0 55");
        Checker c = new Checker(ledger, 3000).check();
        assertThat(c.violations()).isEmpty();
        assertThat(c.figures())
                .containsEntry(
                        "AUTO_ACKNOWLEDGE receipts cut off by a kill (acknowledged in receive, never returned)", 1L);
    }

    @Test
    void aReceiveThatFailedAfterItsAcknowledgementLosesTheMessage() {
        sent();
        child("p.0", "100 STORED chaos-q 0 7 m1");
        child(
                "c.0",
                "300 MARKING $queue chaos-q 0 chaos-c.0-q_auto0 7",
                "301 ERROR c.0/q_auto0#3 Q_AUTO JMSException:lost_reply_in_markDone");
        child("harness", "302 KILL c.0 55");
        assertThat(check().get("lost"))
                .singleElement()
                .asString()
                .contains("marked done at chaos-q 0 7 by chaos-c.0-q_auto0");
    }

    @Test
    void aMessageMarkedDoneByAClientAcknowledgeThreadIsLostEvenIfItsJvmDied() {
        sent();
        child("p.0", "100 STORED chaos-q 0 7 m1");
        child("c.0", "300 MARKING $queue chaos-q 0 chaos-c.0-q_client0 7");
        child("harness", "302 KILL c.0 55");
        assertThat(check()).containsOnlyKeys("lost");
    }

    @Test
    void aTopicMessageMustReachEverySubscriptionItsParitySelects() {
        child("p.0", "100 SEND m2 chaos-t 1 async", "101 SENT m2", "200 DELIVER c.0/t_all_client0#0 all m2 0 1 0 1");
        assertThat(check().get("lost")).singleElement().asString().contains("never reached odd");
    }

    @Test
    void aSecondConsumerGettingAMessageStillHeldIsTwoLiveHolders() {
        sent();
        child("c.0", "200 DELIVER c.0/q_client0#0 q m1 0 1 0 0");
        child("c.1", "900 DELIVER c.1/q_client0#0 q m1 1 2 0 0");
        assertThat(check()).containsOnlyKeys("two live holders");
    }

    @Test
    void aDeliveryAfterAnAcknowledgementIsReported() {
        sent();
        child("c.0", "200 DELIVER c.0/q_auto0#0 q m1 0 1 1 0");
        child("c.1", "900 DELIVER c.1/q_auto0#0 q m1 1 2 1 0");
        assertThat(check()).containsOnlyKeys("delivered after acknowledged");
    }

    @Test
    void theLedgerCountsRedeliveriesAsTheCheckerDoesWhileTheRunGoesOn() {
        sent();
        // flagged redelivered, but its first delivery was never journaled (a killed consumer's)
        child("c.1", "400 DELIVER c.1/q_client0#0 q m1 1 2 0 0");
        assertThat(ledger.counts).containsEntry("deliveries flagged redelivered", 1);
        assertThat(ledger.counts).doesNotContainKey("redeliveries seen");
        child("c.1", "500 RELEASE c.1/q_client0#0 q m1");
        child("c.2", "600 DELIVER c.2/q_client0#0 q m1 1 3 0 0", "601 ACK c.2/q_client0#0 q m1");
        assertThat(ledger.counts).containsEntry("redeliveries seen", 1);
        Checker c = new Checker(ledger, 3000).check();
        assertThat(c.violations()).isEmpty();
        assertThat(c.figures()).containsEntry("redeliveries", 1L);
    }

    @Test
    void aGiveBackAKillAPauseOrARenewalFaultExcusesARedelivery() {
        sent();
        child("c.0", "200 DELIVER c.0/q_client0#0 q m1 0 1 0 0", "300 RELEASE c.0/q_client0#0 q m1");
        child("c.1", "400 DELIVER c.1/q_client0#0 q m1 1 2 0 0");
        child("harness", "500 KILL c.1 77");
        child("c.2", "4000 DELIVER c.2/q_client0#0 q m1 1 3 0 0");
        child("harness", "4100 PAUSE c.2 5000", "9100 RESUME c.2");
        child("c.3", "8000 DELIVER c.3/q_client0#0 q m1 1 4 0 0");
        child("c.3", "8100 FAULT renew FAIL pub-housekeeping $queue");
        child("c.4", "9000 DELIVER c.4/q_client0#0 q m1 1 5 0 0", "9001 ACK c.4/q_client0#0 q m1");
        assertThat(check()).isEmpty();
    }

    @Test
    void aLeaseTheHoldersRenewalFoundLapsedExcusesTheNextDelivery() {
        sent();
        child("p.0", "100 STORED chaos-q 2 40 m1");
        child("c.0", "200 DELIVER c.0/q_client0#0 q m1 0 1 0 0");
        child("c.1", "900 DELIVER c.1/q_client0#0 q m1 1 2 0 0");
        assertThat(check()).containsOnlyKeys("two live holders");
        child("c.0", "1500 LAPSED $queue chaos-q 2 40 late");
        assertThat(check()).isEmpty();
    }

    @Test
    void aRedeliveryMustBeFlaggedWithAHigherCount() {
        sent();
        child("c.0", "200 DELIVER c.0/q_client0#0 q m1 0 1 0 0", "300 RELEASE c.0/q_client0#0 q m1");
        child("c.0", "400 DELIVER c.0/q_client0#1 q m1 0 1 0 0");
        assertThat(check()).containsOnlyKeys("redelivery not flagged");
    }

    @Test
    void aDeliveryLeasedBeforeAnotherButHandedOutAfterItIsStale() {
        sent();
        child("c.0", "200 DELIVER c.0/q_client0#0 q m1 1 2 0 0");
        child("c.1", "300 DELIVER c.1/q_client0#0 q m1 0 1 0 0");
        assertThat(check()).containsOnlyKeys("stale delivery");
    }

    @Test
    void rolledBackUnknownAndUnselectedMessagesMustNotArrive() {
        child("p.0", "100 SEND m3 chaos-q 0 tx", "101 ROLLEDBACK m3", "102 SEND m4 chaos-t 0 sync", "103 SENT m4");
        child(
                "c.0",
                "200 DELIVER c.0/q_auto0#0 q m3 0 1 1 0",
                "201 DELIVER c.0/q_auto0#0 q m9 0 1 1 0",
                "202 DELIVER c.0/t_all_client0#0 all m4 0 1 0 0",
                "203 DELIVER c.0/t_odd_auto0#0 odd m4 0 1 1 0");
        assertThat(check()).containsOnlyKeys("rolled back delivered", "unknown message", "selector");
    }

    @Test
    void aCursorReadAfterAnotherMustNotBeBehindIt() {
        child("c.0", "110 CURSOR 100 chaos-q $queue 0 50 60", "210 CURSOR 200 chaos-q $queue 0 40 60");
        // overlapping reads are not ordered: no violation between them
        child("c.1", "205 CURSOR 105 chaos-q $queue 1 50 60", "206 CURSOR 106 chaos-q $queue 1 49 60");
        assertThat(check()).containsOnlyKeys("cursor backwards");
        assertThat(check().get("cursor backwards")).hasSize(1);
    }

    @Test
    void hangsAndDoubleCompletionsAreViolations() {
        child("p.0", "100 HANG p.0/producer0 completions m1", "101 DOUBLE m2 completion");
        assertThat(check()).containsOnlyKeys("hang", "double completion");
    }

    @Test
    void aCutShortLastLineIsIgnored() {
        child("c.0", "12", "", "123 DELIV");
        assertThat(check()).isEmpty();
    }
}
