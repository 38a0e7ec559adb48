package io.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pub.spi.Controller;
import io.pub.spi.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Prepared transaction branches (XA) through the engine, run against every store: prepare holds the
 * deliveries and keeps the sends out of the shards, commit applies both exactly once (also when a
 * commit that died half-way is repeated), rollback gives the deliveries back, redelivered.
 */
@Timeout(120)
public abstract class PreparedBranchesContract {
    private static final Duration LEASE = Duration.ofSeconds(30);

    protected MutableClock clock;
    protected Controller store;
    protected Pub pub;
    private PreparedBranches branches;

    protected abstract Controller open(MutableClock clock);

    protected void advance(Duration d) {
        clock.advance(d);
    }

    @BeforeEach
    void openPub() {
        clock = new MutableClock();
        store = open(clock);
        pub = Pub.builder()
                .controller(store)
                .clock(clock)
                .meterRegistry(new SimpleMeterRegistry())
                .config(Pub.Config.defaults()
                        .withShards(2)
                        .withLeaseDuration(LEASE)
                        .withHousekeepingInterval(Duration.ZERO))
                .build();
        branches = pub.preparedBranches();
        pub.createQueue("in");
        pub.createQueue("out");
    }

    @AfterEach
    void closePub() {
        if (pub != null) {
            pub.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private static Message msg(String id) {
        return Message.builder()
                .id(id)
                .body(id.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    private Subscriber queue(String name) {
        return pub.subscriber(pub.createQueue(name), pub.subscriberOptions());
    }

    private List<Delivery> receive(Subscriber s, int n) {
        List<Delivery> out = new ArrayList<>();
        for (int polls = 0; out.size() < n && polls < 20; polls++) {
            out.addAll(s.poll(n - out.size()));
        }
        assertThat(out).hasSize(n);
        return out;
    }

    /** Everything a fresh consumer gets after every lease could have lapsed, acked; ids in order. */
    private List<Delivery> drainLater(String queue) {
        advance(LEASE.multipliedBy(4));
        List<Delivery> out = new ArrayList<>();
        try (Subscriber s = queue(queue)) {
            for (int empty = 0; empty < 2; ) {
                List<Delivery> batch = s.poll(100);
                if (batch.isEmpty()) {
                    empty++;
                } else {
                    empty = 0;
                    out.addAll(batch);
                    s.ack(batch);
                }
            }
        }
        return out;
    }

    private static List<String> ids(List<Delivery> ds) {
        return ds.stream().map(d -> d.message().id()).toList();
    }

    private List<PreparedBranches.Send> sends(String... ids) {
        List<PreparedBranches.Send> out = new ArrayList<>();
        for (String id : ids) {
            out.add(new PreparedBranches.Send(new TopicShard("out", 0), msg(id)));
        }
        return out;
    }

    /** Receives the three messages of "in" and prepares a branch acking them and sending two. */
    private void prepareBranch(String id) {
        pub.producer().publish("in", List.of(msg("a"), msg("b"), msg("c")));
        try (Subscriber in = queue("in")) {
            List<Delivery> got = receive(in, 3);
            branches.prepare(id, sends("x", "y"), got);
            in.forget(got); // the branch holds them now; the consumer's close must not release them
        }
    }

    @Test
    void preparedWorkIsHeldThenCommitAppliesIt() {
        prepareBranch("b1");
        assertThat(branches.ids()).containsExactly("b1");
        // held past any lease, by nobody's consumer: not redelivered, and the sends are not out yet
        assertThat(drainLater("in")).isEmpty();
        assertThat(drainLater("out")).isEmpty();

        assertThat(branches.commit("b1")).isTrue();
        assertThat(branches.ids()).isEmpty();
        assertThat(branches.commit("b1")).isFalse();
        assertThat(ids(drainLater("out"))).containsExactly("x", "y");
        assertThat(drainLater("in")).isEmpty();
        for (int shard = 0; shard < 2; shard++) {
            TopicShard ts = new TopicShard("in", shard);
            assertThat(store.cursor(Pub.QUEUE_SUBSCRIPTION, ts).committed()).isEqualTo(store.head(ts));
        }
    }

    @Test
    void rollbackGivesTheDeliveriesBackRedeliveredAndDropsTheSends() {
        prepareBranch("b2");
        assertThat(branches.rollback("b2", Duration.ZERO)).isTrue();
        assertThat(branches.rollback("b2", Duration.ZERO)).isFalse();
        assertThat(branches.ids()).isEmpty();
        List<Delivery> again = drainLater("in");
        assertThat(ids(again)).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(again).allMatch(Delivery::redelivered);
        assertThat(drainLater("out")).isEmpty();
    }

    @Test
    void aBranchIdIsPreparedOnce() {
        branches.prepare("dup", sends("x"), List.of());
        assertThatThrownBy(() -> branches.prepare("dup", sends("y"), List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("prepared already");
        assertThat(branches.commit("dup")).isTrue();
        assertThat(ids(drainLater("out"))).containsExactly("x");
    }

    @Test
    void aLeaseLostBeforePrepareRollsTheBranchBack() {
        pub.producer().publish("in", List.of(msg("a")));
        try (Subscriber slow = queue("in")) {
            List<Delivery> got = receive(slow, 1);
            advance(LEASE.plusSeconds(1));
            try (Subscriber other = queue("in")) {
                advance(Duration.ofMinutes(1)); // past the rescan: the other one sees the lapsed lease
                assertThat(receive(other, 1)).extracting(Delivery::redelivered).containsExactly(true);
                assertThatThrownBy(() -> branches.prepare("late", sends("x"), got))
                        .isInstanceOf(PreparedBranches.LeaseLostException.class);
                assertThat(branches.isPrepared("late")).isFalse();
                slow.forget(got);
            }
        }
        assertThat(drainLater("out")).isEmpty();
    }

    @Test
    void aCommitRepeatedAfterDyingBeforeItsInsertsPublishesEachSendOnce() {
        TopicShard out = new TopicShard("out", 0);
        long first = store.reserve(out, 2);
        // the commit that died had reserved and recorded offsets, and inserted nothing; meanwhile the
        // first offset was sealed as a hole
        store.seal(out, first);
        BranchRecord rec = new BranchRecord(
                clock.millis(),
                false,
                List.of(
                        new BranchRecord.Send(
                                out, first, msg("x").toBuilder().publishTime(1).build()),
                        new BranchRecord.Send(
                                out,
                                first + 1,
                                msg("y").toBuilder().publishTime(1).build())),
                List.of());
        store.insertPrepared("half", rec.encode()).orElseThrow();
        assertThat(branches.commit("half")).isTrue();
        assertThat(ids(drainLater("out"))).containsExactlyInAnyOrder("x", "y");
    }

    @Test
    void aCommitRepeatedAfterDyingAfterItsInsertsPublishesNothingAgain() {
        TopicShard out = new TopicShard("out", 0);
        long first = store.reserve(out, 2);
        Message x = msg("x").toBuilder().publishTime(1).build();
        Message y = msg("y").toBuilder().publishTime(1).build();
        store.insert(out, first, List.of(x, y)); // inserted, but the record does not say so yet
        BranchRecord rec = new BranchRecord(
                clock.millis(),
                false,
                List.of(new BranchRecord.Send(out, first, x), new BranchRecord.Send(out, first + 1, y)),
                List.of());
        store.insertPrepared("half", rec.encode()).orElseThrow();
        assertThat(branches.commit("half")).isTrue();
        assertThat(ids(drainLater("out"))).containsExactly("x", "y");
    }
}
