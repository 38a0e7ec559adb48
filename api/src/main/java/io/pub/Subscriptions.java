package io.pub;

import io.pub.SubscriptionException.Reason;
import io.pub.spi.Controller;
import io.pub.spi.Subscription;
import io.pub.spi.Subscription.Kind;
import io.pub.spi.TopicInfo;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Opens and removes the subscriptions that consumers read, counts their active consumers across JVMs,
 * and keeps temporary destinations: what an API on the engine (the JMS provider) needs besides
 * producers and subscribers. Get it from {@link Pub#subscriptions()}.
 *
 * <p>Active consumers of shared and durable subscriptions are counted with claims in numbered slots
 * ({@link #slotKey}), held with the caller's {@link Heartbeat} (so they lapse when its process dies):
 * an unshared durable subscription has one slot (at most one active consumer in all JVMs), shared
 * ones {@link #SHARED_SLOTS}. Subscription ids are the caller's: it decides how names map to ids.
 */
public final class Subscriptions {
    /** How many consumers, in all JVMs together, a shared subscription can have at once. */
    public static final int SHARED_SLOTS = 64;

    private final Pub pub;

    Subscriptions(Pub pub) {
        this.pub = pub;
    }

    private Controller controller() {
        return pub.controller();
    }

    private long now() {
        return pub.clock().millis();
    }

    /** A subscription opened for one consumer, and what closing that consumer does to it. */
    public static final class Registration {
        private final Subscription subscription;
        private final Closer closer;

        private Registration(Subscription subscription, Closer closer) {
            this.subscription = subscription;
            this.closer = closer;
        }

        /** The subscription the consumer reads: give it to {@link Pub#subscriber}. */
        public Subscription subscription() {
            return subscription;
        }

        /**
         * Runs every step of the consumer's close (its slot given back, a subscription that goes with
         * its last consumer removed), adding what fails to {@code failures} and going on. Returns true
         * if the subscription itself is gone, so its unacknowledged deliveries can be forgotten.
         */
        public boolean close(List<Exception> failures) {
            return closer.close(failures);
        }
    }

    @FunctionalInterface
    private interface Closer {
        boolean close(List<Exception> failures);
    }

    /** Runs a step of a close; a failure is noted and the next step runs all the same. */
    private static void step(List<Exception> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    // ---- topics and temporary destinations

    /** True if the topic (or queue, or temporary destination) {@code name} exists. */
    public boolean topicExists(String name) {
        return controller().topic(name).isPresent();
    }

    /** True if subscription {@code id} of {@code topic} exists (housekeeping did not reap it). */
    public boolean exists(String topic, String id) {
        return controller().subscription(topic, id).isPresent();
    }

    /**
     * True if {@code subscriber} reads a subscription that goes with its consumers (non-durable or
     * shared non-durable) and that is gone from the store: housekeeping reaped it because its owner's
     * heartbeat lapsed.
     */
    public boolean reaped(Subscriber subscriber) {
        Subscription s = subscriber.subscription();
        return !s.kind().isDurable() && !exists(s.topic(), s.id());
    }

    /**
     * Creates a temporary topic, or a temporary queue (with its queue subscription), of one shard,
     * owned by {@code owner}: any JVM's housekeeping deletes it once that heartbeat lapses. Delete it
     * with {@link Pub#deleteTopic}.
     */
    public void createTemporary(String name, boolean queue, Heartbeat owner) {
        controller().createTopic(new TopicInfo(name, 1, true, owner.key()));
        if (queue) {
            controller()
                    .createSubscription(
                            new Subscription(name, Pub.QUEUE_SUBSCRIPTION, Kind.QUEUE, null, false, null, now()),
                            false);
        }
    }

    // ---- opening subscriptions for consumers

    /** The queue's one subscription; NOT_FOUND if the queue does not exist. */
    public Registration queue(String name) {
        Subscription s = controller()
                .subscription(name, Pub.QUEUE_SUBSCRIPTION)
                .orElseThrow(() -> new SubscriptionException(Reason.NOT_FOUND, "queue " + name + " does not exist"));
        return new Registration(s, failures -> false);
    }

    /**
     * A new non-durable subscription of {@code topic} starting at its head, owned by {@code owner}
     * (reaped when it lapses), removed when its consumer closes.
     */
    public Registration nonDurable(String topic, String id, String selector, boolean noLocal, Heartbeat owner) {
        Subscription s =
                pub.subscribe(new Subscription(topic, id, Kind.NON_DURABLE, selector, noLocal, owner.key(), now()));
        return new Registration(s, failures -> {
            // if this fails, housekeeping reaps it once the owner's heartbeat lapses
            controller().deleteSubscription(s.topic(), s.id());
            return true;
        });
    }

    /**
     * A consumer of the shared non-durable subscription {@code id} ({@code name} is what messages
     * call it): created if absent, removed when its last consumer, in any JVM, closes.
     */
    public Registration shared(String topic, String id, String name, String selector, Heartbeat holder) {
        String alive = sharedOwnerKey(id);
        holder.holdShared(alive);
        Slot slot = takeSlot(holder, id, SHARED_SLOTS, name);
        try {
            Subscription wanted = new Subscription(topic, id, Kind.SHARED, selector, false, alive, now());
            Subscription opened = open(wanted, name, slot, SHARED_SLOTS);
            return new Registration(opened, failures -> {
                step(failures, () -> holder.release(slot.key(), slot.owner()));
                // this consumer's own slot does not count, whether or not its release went through
                if (!othersActive(id, SHARED_SLOTS, slot.key())) {
                    controller().deleteSubscription(opened.topic(), opened.id());
                    return true;
                }
                return false;
            });
        } catch (RuntimeException e) {
            holder.release(slot.key(), slot.owner());
            throw e;
        }
    }

    /**
     * A consumer of the durable subscription {@code id}: unshared ({@code shared} false, at most one
     * active consumer) or shared. Created if absent; kept when its consumers close.
     */
    public Registration durable(
            String topic, String id, String name, String selector, boolean noLocal, boolean shared, Heartbeat holder) {
        Kind kind = shared ? Kind.SHARED_DURABLE : Kind.DURABLE;
        int slots = shared ? SHARED_SLOTS : 1;
        Optional<Subscription> here = controller().subscription(topic, id);
        if (here.isPresent() && here.get().kind() != kind) {
            throw kindMismatch(name, shared); // before taking a slot, whose failure would hide this
        }
        Slot slot = takeSlot(holder, id, slots, name);
        try {
            Subscription wanted = new Subscription(topic, id, kind, selector, noLocal, null, now());
            Subscription s = open(wanted, name, slot, slots);
            return new Registration(s, failures -> {
                holder.release(slot.key(), slot.owner());
                return false;
            });
        } catch (RuntimeException e) {
            holder.release(slot.key(), slot.owner());
            throw e;
        }
    }

    /**
     * The subscription {@code wanted.id()} as {@code wanted} defines it, for a consumer holding
     * {@code slot}. Subscription ids are not scoped by topic, so the subscription may exist on any
     * topic. One that exists with another topic, selector or noLocal while another of its consumers
     * is active (in any JVM) cannot be opened (IN_USE). Without active consumers it is replaced (for a
     * durable one that is what removing and creating it would do; a shared non-durable one left behind
     * has nothing worth keeping). Creating and replacing hold the id's lock claim, so that two
     * processes cannot create one id on two topics at once.
     */
    private Subscription open(Subscription wanted, String name, Slot slot, int slots) {
        Optional<Subscription> here = controller().subscription(wanted.topic(), wanted.id());
        if (here.isPresent() && sameDefinition(here.get(), wanted)) {
            return here.get(); // the usual case: a further consumer of a subscription as it is
        }
        String lock = nameLockKey(wanted.id());
        lockName(lock, slot.owner(), slot.ttlMillis(), name);
        try {
            Optional<Subscription> existing = find(wanted.id(), wanted.topic());
            if (existing.isPresent()) {
                Subscription e = existing.get();
                if (e.kind() != wanted.kind()) {
                    throw kindMismatch(name, wanted.kind() == Kind.SHARED_DURABLE);
                }
                if (sameDefinition(e, wanted)) {
                    return e; // made by another process while this one waited for the lock
                }
                if (othersActive(wanted.id(), slots, slot.key())) {
                    throw new SubscriptionException(
                            Reason.CONFLICT,
                            describe(wanted.kind()) + " '" + name + "' is in use with topic " + e.topic()
                                    + describeSelector(e) + "; it cannot be opened with topic " + wanted.topic()
                                    + describeSelector(wanted) + " until its consumers are closed");
                }
                controller().deleteSubscription(e.topic(), e.id());
            }
            Subscription s = controller().createSubscription(wanted, true);
            if (!sameDefinition(s, wanted)) {
                // only this lock's holder creates or replaces: another definition here is a store fault
                throw new SubscriptionException(
                        Reason.CONFLICT,
                        describe(wanted.kind()) + " '" + name + "' could not be created on topic " + wanted.topic()
                                + ": the store holds another definition of it");
            }
            return s;
        } finally {
            controller().releaseClaim(lock, slot.owner());
        }
    }

    /** Takes the lock claim {@code key}, waiting while another process holds it. */
    private void lockName(String key, String owner, long ttl, String name) {
        // A holder that died lets its claim lapse after the TTL by the store's clock; this bound only
        // keeps a caller from waiting for ever when that clock does not move.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * ttl);
        long backoff = 1;
        while (true) {
            long now = now();
            if (controller().claim(key, owner, now + ttl, now).isPresent()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new SubscriptionException(
                        Reason.CONFLICT,
                        "subscription '" + name + "' is being created or replaced by another connection, which has"
                                + " not finished within " + 3 * ttl + " ms");
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PubException("interrupted while waiting to create subscription '" + name + "'", e);
            }
            backoff = Math.min(50, backoff * 2);
        }
    }

    private static SubscriptionException kindMismatch(String name, boolean shared) {
        return new SubscriptionException(
                Reason.KIND_MISMATCH,
                "durable subscription '" + name + "' exists as " + (shared ? "an unshared" : "a shared")
                        + " durable subscription");
    }

    private static String describe(Kind kind) {
        return switch (kind) {
            case SHARED -> "shared subscription";
            case SHARED_DURABLE -> "shared durable subscription";
            default -> "durable subscription";
        };
    }

    private static String describeSelector(Subscription s) {
        String sel = blankToNull(s.selector());
        return (sel == null ? " without selector" : " and selector '" + sel + "'") + (s.noLocal() ? " (noLocal)" : "");
    }

    // ---- removing durable subscriptions

    /**
     * Deletes the durable subscription {@code id} (whatever its topic): NOT_FOUND if there is none
     * ({@code missing} says what, for the message), IN_USE while a consumer, in any JVM, is active.
     */
    public void deleteDurable(String id, String name, String missing) {
        Subscription s = find(id, null).orElseThrow(() -> new SubscriptionException(Reason.NOT_FOUND, missing));
        int slots = s.kind() == Kind.DURABLE ? 1 : SHARED_SLOTS;
        if (othersActive(id, slots, null)) {
            throw new SubscriptionException(
                    Reason.IN_USE,
                    "durable subscription '" + name + "' has an active consumer; close it before unsubscribing");
        }
        controller().deleteSubscription(s.topic(), id);
    }

    /** The subscription {@code id}, looked for on {@code likelyTopic} first, then on every topic. */
    private Optional<Subscription> find(String id, String likelyTopic) {
        if (likelyTopic != null) {
            Optional<Subscription> s = controller().subscription(likelyTopic, id);
            if (s.isPresent()) {
                return s;
            }
        }
        for (TopicInfo t : controller().topics()) {
            if (!t.name().equals(likelyTopic) && !t.temporary()) {
                Optional<Subscription> s = controller().subscription(t.name(), id);
                if (s.isPresent()) {
                    return s;
                }
            }
        }
        return Optional.empty();
    }

    private static boolean sameDefinition(Subscription a, Subscription b) {
        return a.topic().equals(b.topic())
                && Objects.equals(blankToNull(a.selector()), blankToNull(b.selector()))
                && a.noLocal() == b.noLocal();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    // ---- consumer slots

    /** The claim that marks the consumer in slot {@code slot} of a subscription. */
    public static String slotKey(String subscriptionId, int slot) {
        return "active:" + subscriptionId + "#" + slot;
    }

    /** The shared liveness claim of a shared non-durable subscription, renewed by all its users. */
    static String sharedOwnerKey(String subscriptionId) {
        return "alive:" + subscriptionId;
    }

    /** Held while a subscription of this id is created or replaced, on whatever topic. */
    static String nameLockKey(String subscriptionId) {
        return "creating:" + subscriptionId;
    }

    /** A consumer's slot claim; the owner is unique to the consumer, so two never share a slot. */
    private record Slot(String key, String owner, long ttlMillis) {}

    /** Claims a free consumer slot of subscription {@code id}. */
    private Slot takeSlot(Heartbeat holder, String id, int slots, String name) {
        String owner = "consumer-" + UUID.randomUUID();
        for (int i = 0; i < slots; i++) {
            String key = slotKey(id, i);
            if (holder.hold(key, owner)) {
                return new Slot(key, owner, holder.ttl().toMillis());
            }
        }
        if (slots == 1) {
            throw new SubscriptionException(
                    Reason.EXCLUSIVE,
                    "durable subscription '" + name + "' already has an active consumer"
                            + " (an unshared durable subscription allows one, in all JVMs together)");
        }
        throw new SubscriptionException(
                Reason.NO_FREE_SLOT,
                "shared subscription '" + name + "' already has " + slots + " active consumers, the most it can have");
    }

    private boolean othersActive(String id, int slots, String except) {
        long now = now();
        for (int i = 0; i < slots; i++) {
            String key = slotKey(id, i);
            if (key.equals(except)) {
                continue;
            }
            if (controller().readClaim(key).map(c -> c.isLive(now)).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    // ---- browsing

    /**
     * What queue {@code name} holds and its subscription has not finished (acknowledged, expired or
     * dead-lettered), shard after shard, read lazily and without leases, so browsing never disturbs
     * consumers. Messages leased by a consumer but not yet acknowledged are included; messages not
     * yet deliverable (delivery delay), expired ones and those {@code filter} refuses are not. NOT_FOUND
     * if the queue does not exist.
     */
    public Iterator<Message> browse(String name, Predicate<Message> filter) {
        TopicInfo topic = controller()
                .topic(name)
                .orElseThrow(() -> new SubscriptionException(Reason.NOT_FOUND, "queue " + name + " does not exist"));
        return new QueueBrowse(controller(), pub.clock(), name, topic.shards(), filter);
    }
}
