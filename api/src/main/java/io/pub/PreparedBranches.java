package io.pub;

import io.pub.spi.Controller;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.OffsetSealedException;
import io.pub.spi.PreparedRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Prepared transaction branches (the engine side of XA): {@link #prepare} makes a branch's work
 * durable in the store as a prepared-transaction record, {@link #commit} applies it, {@link #rollback}
 * gives it up, and {@link #ids} lists what is prepared, whichever JVM prepared it and whether that JVM
 * still runs. Every JVM on the same store sees the same branches; any of them may decide one.
 *
 * <p><b>Leases.</b> Prepare turns the leases of the deliveries the branch acknowledges into leases
 * that never lapse ({@link Lease#HELD_BY_TRANSACTION}): while the branch is prepared no consumer, of
 * this JVM or another, is given those messages, whatever happens to the consumer that received them.
 * Commit marks them done (the leases go with the cursor change); rollback releases them for
 * redelivery with their delivery count kept, so they come again marked redelivered.
 *
 * <p><b>No heuristics.</b> A prepared branch waits for commit or rollback for ever: no timeout, no
 * housekeeping and no tool decides it alone. Its messages stay held and its sends unpublished until
 * the transaction manager (or an operator with its Xid) decides.
 *
 * <p><b>Commit is repeatable.</b> A commit that stopped half-way (the JVM died) is finished by the
 * next one: sends get their offsets reserved and written into the record before they are inserted,
 * so a repeated commit inserts each at the same offset (insert-if-absent) instead of appending it
 * again; the acks are idempotent; the record goes last. The one double fault that can still duplicate
 * a send: a commit dies between inserting it and recording that, and the message is consumed and
 * trimmed away before the commit is repeated; the repeat cannot tell it from a sealed hole and
 * publishes it again (at least once, never lost).
 */
public final class PreparedBranches {
    private final Controller controller;
    private final Clock clock;
    private final PubMetrics metrics;

    PreparedBranches(Controller controller, Clock clock, PubMetrics metrics) {
        this.controller = controller;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** A send of a branch: the message and the shard it goes to once the branch commits. */
    public record Send(TopicShard shard, Message message) {}

    /** Prepare found that a delivery's lease had lapsed and was taken by another consumer. */
    public static final class LeaseLostException extends RuntimeException {
        LeaseLostException(String message) {
            super(message);
        }
    }

    /**
     * Makes the branch durable: its sends and the deliveries it acknowledges, under {@code id}. Returns
     * once the record is stored and every delivery's lease is held for the branch.
     *
     * @throws IllegalStateException if a branch with that id is prepared already
     * @throws LeaseLostException if a delivery's lease was lost; the branch is then rolled back (its
     *     record removed, the leases it held released)
     */
    public void prepare(String id, List<Send> sends, List<Delivery> acks) {
        long now = clock.millis();
        List<BranchRecord.Send> stored = new ArrayList<>(sends.size());
        for (Send s : sends) {
            Message m = s.message().publishTime() == 0
                    ? s.message().toBuilder().publishTime(now).build()
                    : s.message();
            stored.add(new BranchRecord.Send(s.shard(), -1, m));
        }
        List<BranchRecord.Ack> refs = new ArrayList<>(acks.size());
        for (Delivery d : acks) {
            refs.add(new BranchRecord.Ack(
                    d.lease().subscription(), d.shard(), d.offset(), d.lease().owner()));
        }
        BranchRecord record = new BranchRecord(now, false, stored, refs);
        // the record first: a JVM that dies before holding every lease leaves a record a rollback
        // clears, never held leases that nothing refers to
        if (controller.insertPrepared(id, record.encode()).isEmpty()) {
            throw new IllegalStateException("a transaction branch " + id + " is prepared already");
        }
        try {
            hold(acks.stream().map(Delivery::lease).toList());
        } catch (RuntimeException e) {
            try {
                rollback(id, Duration.ZERO);
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    /** Makes the leases never lapse; a lease renewed by its consumer meanwhile is found in the store. */
    private void hold(List<Lease> leases) {
        if (leases.isEmpty()) {
            return;
        }
        Set<String> held = new HashSet<>();
        for (Lease l : controller.renew(leases, Lease.HELD_BY_TRANSACTION)) {
            held.add(key(l));
        }
        long now = clock.millis();
        for (Lease l : leases) {
            if (held.contains(key(l))) {
                continue;
            }
            Optional<Lease> current =
                    controller.leases(l.subscription(), l.shard(), l.offset(), l.offset() + 1).stream()
                            .filter(c -> c.offset() == l.offset())
                            .findFirst();
            boolean ours = current.isPresent()
                    && current.get().owner().equals(l.owner())
                    && current.get().deliveryCount() == l.deliveryCount()
                    && !current.get().heldByTransaction();
            if (!ours
                    || controller
                            .renew(List.of(current.get()), Lease.HELD_BY_TRANSACTION)
                            .isEmpty()) {
                throw new LeaseLostException("the lease of " + l.shard() + " offset " + l.offset() + " for "
                        + l.subscription() + " lapsed before the transaction was prepared (it was "
                        + (current.isPresent() && current.get().isLive(now)
                                ? "taken by another consumer"
                                : "released or acknowledged")
                        + "); the transaction is rolled back");
            }
        }
    }

    private static String key(Lease l) {
        return l.subscription() + "\u0000" + l.shard() + "\u0000" + l.offset();
    }

    /**
     * Applies a prepared branch: publishes its sends, acks its deliveries, removes its record.
     * Returns false if no branch {@code id} is prepared (never prepared, or decided already).
     * Repeatable after a failure or a crash half-way.
     */
    public boolean commit(String id) {
        Optional<PreparedRecord> found = controller.prepared(id);
        if (found.isEmpty()) {
            return false;
        }
        BranchRecord b = BranchRecord.decode(writeSends(found.get()).body());
        Map<String, List<BranchRecord.Ack>> bySubscription = new LinkedHashMap<>();
        for (BranchRecord.Ack a : b.acks()) {
            bySubscription
                    .computeIfAbsent(a.subscription() + "\u0000" + a.shard(), k -> new ArrayList<>())
                    .add(a);
        }
        for (List<BranchRecord.Ack> group : bySubscription.values()) {
            BranchRecord.Ack first = group.get(0);
            if (controller
                    .subscription(first.shard().topic(), first.subscription())
                    .isEmpty()) {
                continue; // unsubscribed meanwhile: its cursors and leases went with it
            }
            controller.markDone(
                    first.subscription(),
                    first.shard(),
                    group.stream().map(BranchRecord.Ack::offset).toList());
        }
        controller.deletePrepared(id);
        Set<TopicShard> shards = new HashSet<>();
        b.sends().forEach(s -> shards.add(s.shard()));
        shards.forEach(s -> Wakeups.published(controller, s)); // this JVM's consumers look at once
        Map<String, Integer> perTopic = new LinkedHashMap<>();
        b.sends().forEach(s -> perTopic.merge(s.shard().topic(), 1, Integer::sum));
        perTopic.forEach((topic, n) -> metrics.published(topic, n, 0));
        return true;
    }

    /**
     * Writes the record's sends into their shards, first reserving offsets for those without one and
     * recording them, then inserting; a send whose offset was sealed meanwhile (a commit that stalled
     * past the publish timeout) gets a new one. Returns the record once it says every send is written.
     */
    private PreparedRecord writeSends(PreparedRecord first) {
        String id = first.id();
        PreparedRecord rec = first;
        while (true) {
            BranchRecord b = BranchRecord.decode(rec.body());
            if (b.sendsWritten()) {
                return rec;
            }
            List<BranchRecord.Send> sends = new ArrayList<>(b.sends());
            boolean changed = assign(sends);
            if (!changed) {
                changed = insert(sends);
            }
            BranchRecord next = changed ? b.withSends(sends) : b.written();
            Optional<PreparedRecord> stored = controller.replacePrepared(rec, next.encode());
            if (stored.isPresent()) {
                rec = stored.get();
            } else {
                // another JVM commits the same branch at the same time: go on from what it recorded
                rec = controller
                        .prepared(id)
                        .orElseThrow(() -> new IllegalStateException(
                                "transaction branch " + id + " was decided by another process during this commit"));
            }
        }
    }

    /** Reserves offsets for the sends without one, one increment per shard; true if any was. */
    private boolean assign(List<BranchRecord.Send> sends) {
        Map<TopicShard, List<Integer>> unassigned = new LinkedHashMap<>();
        for (int i = 0; i < sends.size(); i++) {
            if (sends.get(i).offset() < 0) {
                unassigned
                        .computeIfAbsent(sends.get(i).shard(), k -> new ArrayList<>())
                        .add(i);
            }
        }
        unassigned.forEach((shard, indexes) -> {
            long first = controller.reserve(shard, indexes.size());
            for (int j = 0; j < indexes.size(); j++) {
                int i = indexes.get(j);
                sends.set(i, sends.get(i).withOffset(first + j));
            }
        });
        return !unassigned.isEmpty();
    }

    /**
     * Inserts every send at its offset. A send found already stored there is this branch's (reserved
     * offsets belong to their reserver); one whose offset holds a tombstone or was trimmed loses its
     * offset (set to -1) for a new one. Returns true if any did.
     */
    private boolean insert(List<BranchRecord.Send> sends) {
        boolean lost = false;
        int i = 0;
        while (i < sends.size()) {
            int end = i + 1;
            while (end < sends.size()
                    && sends.get(end).shard().equals(sends.get(i).shard())
                    && sends.get(end).offset() == sends.get(end - 1).offset() + 1) {
                end++;
            }
            List<BranchRecord.Send> run = sends.subList(i, end);
            try {
                controller.insert(
                        run.get(0).shard(),
                        run.get(0).offset(),
                        run.stream().map(BranchRecord.Send::message).toList());
            } catch (OffsetSealedException e) {
                for (int j = i; j < end; j++) {
                    if (!stored(sends.get(j))) {
                        sends.set(j, sends.get(j).withOffset(-1));
                        lost = true;
                    }
                }
            }
            i = end;
        }
        return lost;
    }

    /** Whether a send is now stored at its offset (inserting it if the offset is still free). */
    private boolean stored(BranchRecord.Send s) {
        List<Entry> there = controller.read(s.shard(), s.offset(), 1).entries();
        if (!there.isEmpty() && there.get(0).offset() == s.offset()) {
            return !there.get(0).isTombstone();
        }
        try {
            controller.insert(s.shard(), s.offset(), List.of(s.message()));
            return true;
        } catch (OffsetSealedException e) {
            return false; // trimmed: sealed and passed by every cursor, or (see class comment) ours and consumed
        }
    }

    /**
     * Gives a prepared branch up: releases the leases it holds for redelivery after {@code delay},
     * with their delivery count kept, and removes its record; its sends are dropped. Returns false if
     * no branch {@code id} is prepared. Repeatable.
     */
    public boolean rollback(String id, Duration delay) {
        Optional<PreparedRecord> found = controller.prepared(id);
        if (found.isEmpty()) {
            return false;
        }
        BranchRecord b = BranchRecord.decode(found.get().body());
        Map<String, List<BranchRecord.Ack>> groups = new LinkedHashMap<>();
        for (BranchRecord.Ack a : b.acks()) {
            groups.computeIfAbsent(a.subscription() + "\u0000" + a.shard(), k -> new ArrayList<>())
                    .add(a);
        }
        List<Lease> release = new ArrayList<>();
        for (List<BranchRecord.Ack> group : groups.values()) {
            BranchRecord.Ack first = group.get(0);
            long from = group.stream().mapToLong(BranchRecord.Ack::offset).min().orElseThrow();
            long to = group.stream().mapToLong(BranchRecord.Ack::offset).max().orElseThrow() + 1;
            Map<Long, String> owners = new LinkedHashMap<>();
            group.forEach(a -> owners.put(a.offset(), a.owner()));
            for (Lease l : controller.leases(first.subscription(), first.shard(), from, to)) {
                // only what this branch holds: a lease it never came to hold lapsed on its own
                if (l.heldByTransaction() && l.owner().equals(owners.get(l.offset()))) {
                    release.add(l);
                }
            }
        }
        if (!release.isEmpty()) {
            controller.release(release, clock.millis() + delay.toMillis());
        }
        controller.deletePrepared(id);
        Set<TopicShard> shards = new HashSet<>();
        release.forEach(l -> shards.add(l.shard()));
        shards.forEach(s -> Wakeups.deliverable(controller, s));
        return true;
    }

    /** The ids of every branch prepared in the store and not decided yet. */
    public List<String> ids() {
        return controller.preparedIds();
    }

    /** Whether branch {@code id} is prepared and not decided yet. */
    public boolean isPrepared(String id) {
        return controller.prepared(id).isPresent();
    }
}
