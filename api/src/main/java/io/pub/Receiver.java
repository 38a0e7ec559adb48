package io.pub;

import io.pub.spi.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * One local consumer's share of its subscription's {@link Dispatcher}: a buffer of deliveries leased
 * for it (at most its prefetch), handed out best first by its order, and the deliveries it handed out
 * until they are acknowledged, given back or forgotten. The dispatcher renews every lease of both.
 *
 * <p>Every delivery the dispatcher holds a lease on is in exactly one receiver's buffer or handed-out
 * set: a delivery leaves them only after the engine let go of it ({@link #ack}, {@link #release},
 * {@link #forget}), and moves between receivers only under the dispatcher's lock.
 *
 * <p>Thread-safe; the receiving side is meant for one thread at a time, as a JMS consumer is.
 */
public final class Receiver implements AutoCloseable {

    /**
     * How a receiver takes messages.
     *
     * @param prefetch deliveries leased ahead into its buffer (at least 1)
     * @param order which buffered delivery goes out first (e.g. JMS priority, then publish order)
     * @param previousShard for a delivery, the shard its sender's previous message went to (-1: none):
     *     that shard is read first when nothing from it is buffered, so a sender's order holds
     * @param quietRecheck see {@link Subscriber#poll(int, Duration, Duration)} (null: zero)
     * @param idleRecheck the same (null: {@code quietRecheck}, no longer for a consumed shard)
     * @param onRenewalFailure told when renewing the leases failed (they are tried again)
     */
    public record Options(
            int prefetch,
            Comparator<Delivery> order,
            ToIntFunction<Delivery> previousShard,
            Duration quietRecheck,
            Duration idleRecheck,
            java.util.function.Consumer<RuntimeException> onRenewalFailure) {
        public Options {
            if (prefetch < 1) {
                throw new IllegalArgumentException("prefetch must be >= 1, was " + prefetch);
            }
            order = order == null ? BY_OFFSET : order;
            previousShard = previousShard == null ? d -> -1 : previousShard;
            quietRecheck = quietRecheck == null ? Duration.ZERO : quietRecheck;
            idleRecheck = idleRecheck == null ? quietRecheck : idleRecheck;
            Subscriber.checkRechecks(quietRecheck, idleRecheck);
            onRenewalFailure = onRenewalFailure == null ? e -> {} : onRenewalFailure;
        }

        /** Offset order within each shard, nothing else. */
        public static Options of(int prefetch) {
            return new Options(prefetch, null, null, null, null, null);
        }
    }

    private static final Comparator<Delivery> BY_OFFSET =
            Comparator.comparingInt((Delivery d) -> d.shard().shard()).thenComparingLong(Delivery::offset);

    private record Held(Delivery delivery, long seq) {}

    private final Dispatcher dispatcher;
    private final Subscriber subscriber;
    private final Predicate<Message> filter;
    private final Options options;
    private final Clock clock;
    private final PriorityQueue<Held> buffer;
    /** Handed out and not yet acknowledged, given back or forgotten, by key. */
    private final Map<Long, Delivery> handedOut = new HashMap<>();

    private long seq;
    private volatile boolean closed;
    /** Asked for a message at least once: only such receivers are filled (no prefetch for the idle). */
    private volatile boolean active;

    private boolean left;
    private volatile Wakeup arrival = notify -> false;

    Receiver(Dispatcher dispatcher, Subscriber subscriber, Predicate<Message> filter, Options options, Clock clock) {
        this.dispatcher = dispatcher;
        this.subscriber = subscriber;
        this.filter = filter;
        this.options = options;
        this.clock = clock;
        Comparator<Held> byOrder = Comparator.comparing(Held::delivery, options.order());
        this.buffer = new PriorityQueue<>(byOrder.thenComparingLong(Held::seq));
    }

    public Subscription subscription() {
        return subscriber.subscription();
    }

    Options options() {
        return options;
    }

    public int shardCount() {
        return subscriber.shardCount();
    }

    /**
     * A receiver's wake-up, run quickly and without blocking when a message may have arrived for it.
     * With {@code notify} false it only marks that one may have (a consumer about to wait polls
     * again instead); with {@code notify} true it also ends a wait. Returns true if that ended a wait
     * (or woke a thread that polls for it), false if the consumer was busy.
     */
    @FunctionalInterface
    public interface Wakeup {
        boolean wake(boolean notify);
    }

    /**
     * Runs {@code wakeup} when a message may have arrived for this receiver: deliveries the
     * dispatcher put into its buffer, or a publish to its topic through this JVM. A publish ends the
     * wait of one receiver of the subscription (the next waiting one in turn): its read leases for
     * every receiver and wakes those it filled, so waking them all only made them contend for it. One
     * at a time: a later call replaces the earlier.
     */
    public void onArrival(Wakeup wakeup) {
        arrival = wakeup;
    }

    // ---- taking

    /** The next delivery, without waiting: buffered, or leased now for this and the other local receivers. */
    public Delivery take() {
        return take(Duration.ZERO);
    }

    /**
     * As {@link #take()}, with the lease left with more than {@code hold} to run (see {@link
     * Subscriber#confirm(Delivery, Duration)}); null if there is none.
     */
    public Delivery take(Duration hold) {
        if (closed) {
            return null;
        }
        active = true;
        Delivery d = next(hold);
        if (d == null && dispatcher.fill(this, -1, false)) {
            d = next(hold);
        }
        return d;
    }

    /** Up to {@code max} deliveries: the buffered ones, after leasing more if none was buffered. */
    public List<Delivery> take(int max) {
        List<Delivery> out = new ArrayList<>();
        while (out.size() < max) {
            Delivery d = out.isEmpty() ? take() : next(Duration.ZERO);
            if (d == null) {
                break;
            }
            out.add(d);
        }
        return out;
    }

    /** Up to {@code max} deliveries from one shard: what is buffered from it, else leased from it now. */
    public List<Delivery> take(int shard, int max) {
        if (closed) {
            return List.of();
        }
        active = true;
        List<Delivery> out = takeFrom(shard, max);
        if (out.isEmpty() && dispatcher.fill(this, shard, false)) {
            out = takeFrom(shard, max);
        }
        return out;
    }

    private Delivery next(Duration hold) {
        fetchPredecessors();
        synchronized (this) {
            while (!buffer.isEmpty()) {
                Optional<Delivery> d = handOut(buffer.peek().delivery(), hold);
                buffer.poll(); // not before: a store failure while confirming leaves it buffered
                if (d.isPresent()) {
                    return d.get();
                }
            }
            return null;
        }
    }

    private synchronized List<Delivery> takeFrom(int shard, int max) {
        List<Held> from = buffer.stream()
                .filter(h -> h.delivery().shard().shard() == shard)
                .sorted(buffer.comparator())
                .toList();
        List<Delivery> out = new ArrayList<>();
        for (Held h : from) {
            if (out.size() >= max) {
                break;
            }
            Optional<Delivery> d = handOut(h.delivery(), Duration.ZERO);
            buffer.remove(h);
            d.ifPresent(out::add);
        }
        return out;
    }

    /**
     * Confirms a buffered delivery's lease and moves it to the handed-out ones; empty if it was lost
     * (another consumer may have it now) or expired while buffered (then it is done). The caller
     * removes it from the buffer once this returned: a store failure while confirming leaves it there.
     */
    private Optional<Delivery> handOut(Delivery buffered, Duration hold) {
        Optional<Delivery> confirmed = subscriber.confirm(buffered, hold);
        if (confirmed.isEmpty()) {
            return confirmed;
        }
        Delivery d = confirmed.get();
        if (d.message().isExpired(clock.millis())) {
            subscriber.ack(List.of(subscriber.current(d))); // done, never delivered
            return Optional.empty();
        }
        handedOut.put(Dispatcher.key(d), d);
        return Optional.of(d);
    }

    /**
     * Before handing out the best buffered delivery: if its sender's previous message went to another
     * shard from which nothing is buffered, lease what waits there first. Each shard is asked once.
     */
    private void fetchPredecessors() {
        boolean[] asked = new boolean[subscriber.shardCount()];
        while (true) {
            int previous;
            synchronized (this) {
                Held first = buffer.peek();
                if (first == null) {
                    return;
                }
                previous = options.previousShard().applyAsInt(first.delivery());
                if (previous < 0
                        || previous >= asked.length
                        || asked[previous]
                        || previous == first.delivery().shard().shard()
                        || buffer.stream().anyMatch(h -> h.delivery().shard().shard() == previous)) {
                    return;
                }
            }
            asked[previous] = true;
            dispatcher.fill(this, previous, true);
        }
    }

    /** Puts back a delivery handed out but not given to the application (its delivery was stopped). */
    public synchronized void putBack(Delivery d) {
        Delivery held = handedOut.remove(Dispatcher.key(d));
        buffer.add(new Held(held != null ? held : d, -1));
    }

    // ---- settling what was handed out

    /** The current lease of a delivery (after renewals), for acking or releasing it. */
    public Delivery current(Delivery d) {
        return subscriber.current(d);
    }

    /** Acknowledges and returns once written; see {@link Subscriber#ack}. */
    public void ack(Collection<Delivery> deliveries) {
        try {
            subscriber.ack(deliveries);
        } finally {
            settled(deliveries);
        }
    }

    /** Acknowledges in the background; see {@link Subscriber#ackAsync}. */
    public CompletableFuture<Void> ackAsync(Collection<Delivery> deliveries) {
        try {
            return subscriber.ackAsync(deliveries);
        } finally {
            settled(deliveries);
        }
    }

    /**
     * Gives deliveries back for redelivery after {@code delay}, their count kept. If that fails they
     * are forgotten (their leases lapse, and they come again) and the failure is thrown.
     */
    public void release(Collection<Delivery> deliveries, Duration delay) {
        try {
            subscriber.release(deliveries, delay);
        } catch (RuntimeException e) {
            subscriber.forget(deliveries);
            throw e;
        } finally {
            settled(deliveries);
        }
    }

    /** Lets go of deliveries without a store call: their leases lapse by themselves. */
    public void forget(Collection<Delivery> deliveries) {
        try {
            subscriber.forget(deliveries);
        } finally {
            settled(deliveries);
        }
    }

    /** Deliveries this receiver holds (buffered or handed out) whose leases the engine still renews. */
    public List<Delivery> outstanding() {
        List<Delivery> mine = new ArrayList<>();
        synchronized (this) {
            buffer.forEach(h -> mine.add(h.delivery()));
            mine.addAll(handedOut.values());
        }
        Set<Long> held = Dispatcher.keys(subscriber.outstanding());
        return mine.stream().filter(d -> held.contains(Dispatcher.key(d))).toList();
    }

    /**
     * Gives back every buffered delivery at once (recover, rollback), uncounted: none was handed out;
     * if that fails they are forgotten (their leases lapse) and the failure is thrown. Under this receiver's
     * lock, so that no delivery is out of its buffer while the engine still holds its lease.
     */
    public synchronized void releaseBuffered() {
        List<Delivery> back =
                buffer.stream().map(h -> subscriber.current(h.delivery())).toList();
        try {
            if (!back.isEmpty()) {
                subscriber.giveBack(back); // never handed out: not counted as a delivery
            }
        } catch (RuntimeException e) {
            subscriber.forget(back);
            throw e;
        } finally {
            buffer.clear();
        }
    }

    /** Reads every shard's head and cursor to refresh {@code pub.consumer.lag}. */
    public void refreshLag() {
        subscriber.refreshLag();
    }

    private void settled(Collection<Delivery> deliveries) {
        synchronized (this) {
            deliveries.forEach(d -> handedOut.remove(Dispatcher.key(d)));
        }
        leaveIfSettled();
    }

    // ---- closing

    /**
     * Stops taking: the buffered deliveries go to the subscription's other local receivers, or are
     * released if none wants them. Deliveries handed out stay leased (and renewed) until they are
     * acknowledged, released or forgotten; then this receiver leaves its dispatcher.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            dispatcher.giveBack(this);
        } finally {
            leaveIfSettled();
        }
    }

    /** For a closed receiver whose subscription is gone: what it handed out needs no settling. */
    public void abandon() {
        List<Delivery> out;
        synchronized (this) {
            out = List.copyOf(handedOut.values());
        }
        forget(out);
    }

    public boolean isClosed() {
        return closed;
    }

    private void leaveIfSettled() {
        synchronized (this) {
            if (!closed || left || !handedOut.isEmpty()) {
                return;
            }
            left = true;
        }
        dispatcher.leave(this);
    }

    // ---- for the dispatcher (called under its lock)

    /** Whether this receiver has a selector (it then does not take every message it is offered). */
    boolean selects() {
        return filter != null;
    }

    boolean accepts(Message m) {
        return filter == null || filter.test(m);
    }

    boolean wantsFill() {
        return active && !closed;
    }

    synchronized int room() {
        return closed ? 0 : options.prefetch() - buffer.size();
    }

    synchronized int bufferedCount() {
        return buffer.size();
    }

    synchronized void buffer(Delivery d) {
        buffer.add(new Held(d, seq++));
    }

    /** Empties the buffer for another receiver (a close). */
    synchronized List<Delivery> drainBuffer() {
        List<Delivery> all = buffer.stream().map(Held::delivery).toList();
        buffer.clear();
        return all;
    }

    /** Adds the keys of every delivery this receiver holds. */
    synchronized void addKeys(Set<Long> keys) {
        buffer.forEach(h -> keys.add(Dispatcher.key(h.delivery())));
        keys.addAll(handedOut.keySet());
    }

    void arrived() {
        arrival.wake(true);
    }

    /** A publish through this JVM; see {@link Wakeup#wake}. */
    boolean published(boolean notify) {
        return !closed && arrival.wake(notify);
    }

    void renewalFailed(RuntimeException e) {
        options.onRenewalFailure().accept(e);
    }
}
