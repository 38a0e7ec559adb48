package io.pub;

import io.pub.Subscriber.SubscriberOptions;
import io.pub.spi.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The one reader of a subscription in this engine ({@link Pub}): a single {@link Subscriber} reads
 * each shard once for all local consumers ({@link Receiver}s), leases in one store call what they
 * have room for, and puts each delivery into the buffer of a receiver whose filter accepts it. A
 * message no receiver's filter accepts is done or left for other JVMs as the subscriber's filter mode
 * says; one they accept but have no room for is not leased. One task renews every lease it holds.
 *
 * <p>Fills, give-backs and the accounting below run under one lock; a receiver takes from its own
 * buffer under its own lock (order: this lock, then a receiver's), so taking never waits for a read.
 * Every delivery a poll returns is put into a buffer in the same critical section, and a delivery
 * leaves a buffer or handed-out set only after the subscriber let go of its lease; after a poll that
 * failed, a lease the subscriber holds that is in no receiver's hands is found and put into a buffer.
 * So nothing leased here is out of every hand.
 */
final class Dispatcher {
    private final Subscriber subscriber;
    private final List<Receiver> receivers = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final ScheduledFuture<?> renewal;
    private final Dispatchers registry;
    private final Pub pub;
    private final AutoCloseable publishes;
    private final AtomicInteger nextWoken = new AtomicInteger();
    private int rotation;

    Dispatcher(Pub pub, Subscription subscription, SubscriberOptions options, Dispatchers registry) {
        this.pub = pub;
        this.registry = registry;
        this.subscriber = pub.subscriber(subscription, options.withFilter(this::anyAccepts, options.filterMode()));
        Duration lease = options.leaseDuration();
        long period = Math.max(10, lease.toMillis() / 4);
        Duration margin = lease.dividedBy(2);
        this.renewal =
                pub.scheduler().scheduleWithFixedDelay(() -> renew(margin), period, period, TimeUnit.MILLISECONDS);
        this.publishes = subscriber.onPublish(this::published);
    }

    /**
     * A publish to the topic through this JVM, on the publisher's thread: ends the wait of one
     * receiver, the next waiting one in turn. Its read leases for every active receiver and wakes
     * those it filled ({@link #fill}), so ending every wait only had the others contend for the lock
     * and find nothing. The others are told without being woken, so one about to wait polls instead.
     */
    private void published() {
        Object[] all = receivers.toArray();
        if (all.length == 0) {
            return;
        }
        int start = Math.floorMod(nextWoken.getAndIncrement(), all.length);
        boolean woke = false;
        for (int i = 0; i < all.length; i++) {
            Receiver r = (Receiver) all[(start + i) % all.length];
            woke |= r.published(!woke);
        }
    }

    Receiver join(Predicate<Message> filter, Receiver.Options options) {
        Receiver r = new Receiver(this, subscriber, filter, options, pub.clock());
        receivers.add(r);
        return r;
    }

    Subscriber subscriber() {
        return subscriber;
    }

    /**
     * Leases for the active receivers what they have room for (from one shard, or all when {@code
     * shard} is negative) and puts it into their buffers, the requester's first; {@code oneMore} lets
     * the requester go one over its prefetch (a sender's predecessor). Returns whether the requester
     * has anything buffered afterwards. Waits while another receiver fills: that fill may serve it.
     * Reading all shards skips quiet ones as the requester's options say; one shard is always read.
     */
    boolean fill(Receiver requester, int shard, boolean oneMore) {
        synchronized (lock) {
            if (shard < 0 && requester.bufferedCount() > 0) {
                return true; // filled by another receiver's read meanwhile
            }
            Credit credit = new Credit(inRotation(requester), requester, oneMore);
            if (credit.total() == 0) {
                return requester.bufferedCount() > 0;
            }
            List<Delivery> leased = List.of();
            RuntimeException failure = null;
            subscriber.admit(credit, receivers.stream().anyMatch(Receiver::selects));
            try {
                leased = shard < 0
                        ? subscriber.poll(
                                credit.total(),
                                requester.options().quietRecheck(),
                                requester.options().idleRecheck())
                        : subscriber.poll(shard, credit.total());
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                subscriber.admit(null);
            }
            route(leased, credit);
            if (failure != null) {
                // a poll hands back everything it leased, so only one that failed can have left a
                // lease behind: the accounting finds any and gives it to a receiver
                putUnaccountedIntoBuffers();
            }
            boolean buffered = requester.bufferedCount() > 0;
            if (failure != null && !buffered) {
                throw failure; // nothing to hand out: the caller sees why
            }
            return buffered; // a failure after leasing: what was leased goes out, the next read tries again
        }
    }

    /** A closing receiver's buffer: to the other receivers that accept it, else released. */
    void giveBack(Receiver closing) {
        synchronized (lock) {
            List<Delivery> back = closing.drainBuffer();
            route(back, new Credit(inRotation(closing), closing, false));
        }
    }

    /** A closed receiver has nothing left to settle; the last one to leave closes the dispatcher. */
    void leave(Receiver r) {
        registry.left(this, r);
    }

    /** For {@link Dispatchers}, under its lock: removes {@code r}; true if it was the last. */
    boolean remove(Receiver r) {
        synchronized (lock) {
            receivers.remove(r);
            return receivers.isEmpty();
        }
    }

    /** Stops renewing and closes the subscriber (which releases whatever it still holds). */
    void close() {
        try {
            publishes.close();
        } catch (Exception e) {
            // a wake-up registration: nothing to clean up beyond it
        }
        renewal.cancel(false);
        subscriber.close();
    }

    /** Leases the subscriber holds that are in no receiver's buffer or handed-out set (for tests too). */
    List<Delivery> unaccounted() {
        synchronized (lock) {
            Set<Long> held = new HashSet<>();
            receivers.forEach(r -> r.addKeys(held)); // before the subscriber's: see the class comment
            return subscriber.outstanding().stream()
                    .filter(d -> !held.contains(key(d)))
                    .toList();
        }
    }

    private void putUnaccountedIntoBuffers() {
        List<Delivery> lost = unaccounted();
        if (!lost.isEmpty()) {
            route(lost, new Credit(inRotation(null), null, false));
        }
    }

    /**
     * Puts each delivery into the buffer of the receiver {@code credit} reserved it for, else of an
     * open receiver that accepts it and has room, else of any open one that accepts it; one that no
     * open receiver accepts is given back uncounted (if that fails, forgotten: their leases lapse, and the
     * failure is thrown). Receivers given something other than {@code credit}'s requester are woken.
     */
    private void route(List<Delivery> deliveries, Credit credit) {
        Set<Receiver> woken = new HashSet<>();
        List<Delivery> unwanted = new ArrayList<>();
        for (Delivery d : deliveries) {
            Receiver to = credit.reservedFor(d.message());
            if (to == null || to.isClosed()) {
                to = pick(credit.order(), d.message());
            }
            if (to == null) {
                unwanted.add(d);
                continue;
            }
            to.buffer(d);
            if (to != credit.requester()) {
                woken.add(to);
            }
        }
        woken.forEach(Receiver::arrived);
        if (!unwanted.isEmpty()) {
            try {
                subscriber.giveBack(unwanted); // never handed out: not a delivery
            } catch (RuntimeException e) {
                subscriber.forget(unwanted); // their leases lapse by themselves
                throw e;
            }
        }
    }

    private static Receiver pick(List<Receiver> order, Message m) {
        Receiver any = null;
        for (Receiver r : order) {
            if (r.isClosed() || !r.accepts(m)) {
                continue;
            }
            if (r.room() > 0) {
                return r;
            }
            any = any == null ? r : any;
        }
        return any;
    }

    /** The receivers, {@code first} first, then the others from a point that moves on each call. */
    private List<Receiver> inRotation(Receiver first) {
        List<Receiver> all = new ArrayList<>(receivers);
        List<Receiver> out = new ArrayList<>(all.size());
        if (first != null) {
            out.add(first);
        }
        int n = all.size();
        int start = n == 0 ? 0 : Math.floorMod(rotation++, n);
        for (int i = 0; i < n; i++) {
            Receiver r = all.get((start + i) % n);
            if (r != first) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * The subscriber's filter: whether some receiver's selector takes {@code m}. Closed receivers
     * count too, and with none registered everything is taken: under a topic subscription's selector
     * what this refuses is marked done, so it must depend on the selectors only, never on consumers
     * closing while a read is in flight (what nobody open takes is given back by {@link #route}).
     */
    private boolean anyAccepts(Message m) {
        if (receivers.isEmpty()) {
            return true;
        }
        for (Receiver r : receivers) {
            if (r.accepts(m)) {
                return true;
            }
        }
        return false;
    }

    private void renew(Duration margin) {
        try {
            subscriber.renew(margin);
        } catch (RuntimeException e) {
            receivers.forEach(r -> r.renewalFailed(e));
        }
    }

    static long key(Delivery d) {
        return ((long) d.shard().shard() << 48) | d.offset();
    }

    static Set<Long> keys(Collection<Delivery> ds) {
        Set<Long> out = new HashSet<>();
        ds.forEach(d -> out.add(key(d)));
        return out;
    }

    /**
     * The room receivers have during one fill, as the subscriber's admission gate: a message is leased
     * only if an active receiver that accepts it has room left, which it then uses up. Offered in
     * offset order, so each message is reserved for the first such receiver (the requester first).
     */
    private static final class Credit implements Predicate<Message> {
        private final List<Receiver> order;
        private final Receiver requester;
        private final Map<Receiver, Integer> room = new LinkedHashMap<>();
        private final Map<Message, Receiver> reserved = new java.util.IdentityHashMap<>();
        private int total;

        Credit(List<Receiver> order, Receiver requester, boolean oneMore) {
            this.order = order;
            this.requester = requester;
            for (Receiver r : order) {
                if (r == requester || r.wantsFill()) {
                    int n = Math.max(r.room(), r == requester && oneMore ? 1 : 0);
                    if (n > 0 && !r.isClosed()) {
                        room.put(r, n);
                        total += n;
                    }
                }
            }
        }

        int total() {
            return total;
        }

        List<Receiver> order() {
            return order;
        }

        Receiver requester() {
            return requester;
        }

        Receiver reservedFor(Message m) {
            return reserved.get(m);
        }

        @Override
        public boolean test(Message m) {
            for (Map.Entry<Receiver, Integer> e : room.entrySet()) {
                if (e.getValue() > 0 && e.getKey().accepts(m)) {
                    e.setValue(e.getValue() - 1);
                    reserved.put(m, e.getKey());
                    return true;
                }
            }
            return false;
        }
    }
}
