package io.pub.jms;

import io.pub.Pub;
import io.pub.spi.Controller;
import io.pub.spi.Subscription;
import io.pub.spi.Subscription.Kind;
import io.pub.spi.TopicInfo;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.ResourceAllocationException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Opens and removes the store subscriptions behind JMS consumers, as the README's JMS mapping says.
 * Active consumers of shared and durable subscriptions are counted across JVMs with claims in
 * numbered slots ({@link SubscriptionIds#slot}), renewed by their connection: an unshared durable
 * subscription has one slot (so at most one active consumer), shared ones {@link #SHARED_SLOTS}.
 */
final class Subscriptions {
    /** How many consumers, in all JVMs together, a shared subscription can have at once. */
    static final int SHARED_SLOTS = 64;

    private final PubConnection connection;

    Subscriptions(PubConnection connection) {
        this.connection = connection;
    }

    /** A subscription opened for one consumer, and what to do when that consumer closes. */
    record Opened(Subscription subscription, Closer onClose) {}

    @FunctionalInterface
    interface Closer {
        /**
         * Runs every step of the consumer's close, adding what fails to {@code failures} and going on.
         * Returns true if the subscription itself is gone (its unacked deliveries can be forgotten).
         */
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

    private Controller controller() {
        return connection.controller();
    }

    private long now() {
        return connection.pub().clock().millis();
    }

    Opened queue(PubDestination queue) throws JMSException {
        connection.ensure(queue);
        Subscription s = controller()
                .subscription(queue.name(), Pub.QUEUE_SUBSCRIPTION)
                .orElseThrow(() -> new InvalidDestinationException("queue " + queue.name() + " does not exist"));
        return new Opened(s, failures -> false);
    }

    Opened nonDurable(PubDestination topic, String selector, boolean noLocal) throws JMSException {
        connection.ensure(topic);
        Subscription s = connection
                .pub()
                .subscribe(new Subscription(
                        topic.name(),
                        SubscriptionIds.nonDurable(),
                        Kind.NON_DURABLE,
                        selector,
                        noLocal,
                        connection.heartbeatKey(),
                        now()));
        return new Opened(s, failures -> {
            // if this fails, housekeeping reaps it once the connection's heartbeat lapses
            controller().deleteSubscription(s.topic(), s.id());
            return true;
        });
    }

    /** createSharedConsumer: removed when its last consumer, in any JVM, closes. */
    Opened shared(PubDestination topic, String name, String selector) throws JMSException {
        connection.ensure(topic);
        String id = SubscriptionIds.sharedNonDurable(connection.clientIdForUse(), name);
        String alive = SubscriptionIds.sharedOwner(id);
        connection.holdSharedClaim(alive);
        Slot slot = takeSlot(id, SHARED_SLOTS, name);
        try {
            Subscription wanted = new Subscription(topic.name(), id, Kind.SHARED, selector, false, alive, now());
            Subscription opened = open(wanted, name, slot, SHARED_SLOTS);
            return new Opened(opened, failures -> {
                step(failures, () -> connection.releaseClaim(slot.key(), slot.owner()));
                // this consumer's own slot does not count, whether or not its release went through
                if (!othersActive(id, SHARED_SLOTS, slot.key())) {
                    controller().deleteSubscription(opened.topic(), opened.id());
                    return true;
                }
                return false;
            });
        } catch (JMSException | RuntimeException e) {
            connection.releaseClaim(slot.key(), slot.owner());
            throw e;
        }
    }

    /** createDurableConsumer (unshared, {@code shared} false) or createSharedDurableConsumer. */
    Opened durable(PubDestination topic, String name, String selector, boolean noLocal, boolean shared)
            throws JMSException {
        connection.ensure(topic);
        String clientId = connection.clientIdForUse();
        if (!shared && clientId == null) {
            throw new IllegalStateException("an unshared durable subscription needs a client ID: set one on the"
                    + " connection or its factory before creating durable subscription '" + name + "'");
        }
        String id = SubscriptionIds.durable(clientId, name);
        Kind kind = shared ? Kind.SHARED_DURABLE : Kind.DURABLE;
        int slots = shared ? SHARED_SLOTS : 1;
        Optional<Subscription> here = controller().subscription(topic.name(), id);
        if (here.isPresent() && here.get().kind() != kind) {
            throw kindMismatch(name, clientId, shared); // before taking a slot, whose failure would hide this
        }
        Slot slot = takeSlot(id, slots, name);
        try {
            Subscription wanted = new Subscription(topic.name(), id, kind, selector, noLocal, null, now());
            Subscription s = open(wanted, name, slot, slots);
            return new Opened(s, failures -> {
                connection.releaseClaim(slot.key(), slot.owner());
                return false;
            });
        } catch (JMSException | RuntimeException e) {
            connection.releaseClaim(slot.key(), slot.owner());
            throw e;
        }
    }

    /**
     * The subscription {@code wanted.id()} as {@code wanted} defines it, for a consumer holding
     * {@code slot}. Subscription names are scoped by client ID, not by topic, so the subscription may
     * exist on any topic. One that exists with another topic, selector or noLocal while another of
     * its consumers is active (in any JVM) cannot be opened: JMSException. Without active consumers it
     * is replaced (for a durable one that is what unsubscribe and create would do; a shared
     * non-durable one left behind has nothing worth keeping). Creating and replacing hold the name's
     * lock claim, so that two connections cannot create one name on two topics at once.
     */
    private Subscription open(Subscription wanted, String name, Slot slot, int slots) throws JMSException {
        Optional<Subscription> here = controller().subscription(wanted.topic(), wanted.id());
        if (here.isPresent() && sameDefinition(here.get(), wanted)) {
            return here.get(); // the usual case: a further consumer of a subscription as it is
        }
        String lock = SubscriptionIds.nameLock(wanted.id());
        lockName(lock, slot.owner(), name);
        try {
            Optional<Subscription> existing = find(wanted.id(), wanted.topic());
            if (existing.isPresent()) {
                Subscription e = existing.get();
                if (e.kind() != wanted.kind()) {
                    throw kindMismatch(name, connection.clientIdForUse(), wanted.kind() == Kind.SHARED_DURABLE);
                }
                if (sameDefinition(e, wanted)) {
                    return e; // made by another connection while this one waited for the lock
                }
                if (othersActive(wanted.id(), slots, slot.key())) {
                    throw new JMSException(describe(wanted.kind()) + " '" + name + "' is in use with topic "
                            + e.topic() + describeSelector(e) + "; it cannot be opened with topic "
                            + wanted.topic() + describeSelector(wanted) + " until its consumers are closed");
                }
                controller().deleteSubscription(e.topic(), e.id());
            }
            Subscription s = controller().createSubscription(wanted, true);
            if (!sameDefinition(s, wanted)) {
                // only this lock's holder creates or replaces: another definition here is a store fault
                throw new JMSException(describe(wanted.kind()) + " '" + name + "' could not be created on topic "
                        + wanted.topic() + ": the store holds another definition of it");
            }
            return s;
        } finally {
            controller().releaseClaim(lock, slot.owner());
        }
    }

    /** Takes the lock claim {@code key}, waiting while another connection (in any JVM) holds it. */
    private void lockName(String key, String owner, String name) throws JMSException {
        long ttl = connection.options().heartbeatTtl().toMillis();
        // A holder that died lets its claim lapse after the heartbeat TTL by the store's clock; this
        // bound only keeps a caller from waiting for ever when that clock does not move.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * ttl);
        long backoff = 1;
        while (true) {
            long now = now();
            if (controller().claim(key, owner, now + ttl, now).isPresent()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new JMSException("subscription '" + name + "' is being created or replaced by another"
                        + " connection, which has not finished within " + 3 * ttl + " ms");
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw JmsExceptions.toJms(e);
            }
            backoff = Math.min(50, backoff * 2);
        }
    }

    private static JMSException kindMismatch(String name, String clientId, boolean shared) {
        return new JMSException("durable subscription '" + name + "'"
                + (clientId == null ? "" : " of client ID '" + clientId + "'") + " exists as "
                + (shared ? "an unshared" : "a shared") + " durable subscription; "
                + (shared ? "createDurableConsumer" : "createSharedDurableConsumer") + " opens it");
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

    /** Session.unsubscribe: deletes the durable subscription {@code name} of this client ID. */
    void unsubscribe(String name) throws JMSException {
        if (name == null || name.isEmpty()) {
            throw new InvalidDestinationException("subscription name must not be null or empty");
        }
        String id = SubscriptionIds.durable(connection.clientIdForUse(), name);
        Subscription s = find(id, null)
                .orElseThrow(() -> new InvalidDestinationException("there is no durable subscription '" + name + "'"
                        + (connection.clientIdForUse() == null
                                ? " without client ID"
                                : " for client ID '" + connection.clientIdForUse() + "'")));
        int slots = s.kind() == Kind.DURABLE ? 1 : SHARED_SLOTS;
        if (othersActive(id, slots, null)) {
            throw new IllegalStateException(
                    "durable subscription '" + name + "' has an active consumer; close it before unsubscribing");
        }
        controller().deleteSubscription(s.topic(), id);
    }

    /** The durable subscription {@code id}, looked for on {@code likelyTopic} first, then on every topic. */
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

    /** A consumer's slot claim; the owner is unique to the consumer, so two never share a slot. */
    private record Slot(String key, String owner) {}

    /** Claims a free consumer slot of subscription {@code id}. */
    private Slot takeSlot(String id, int slots, String name) throws JMSException {
        String owner = "consumer-" + UUID.randomUUID();
        for (int i = 0; i < slots; i++) {
            String key = SubscriptionIds.slot(id, i);
            if (connection.holdClaim(key, owner)) {
                return new Slot(key, owner);
            }
        }
        if (slots == 1) {
            throw new IllegalStateException("durable subscription '" + name + "' already has an active consumer"
                    + " (an unshared durable subscription allows one, in all JVMs together)");
        }
        throw new ResourceAllocationException(
                "shared subscription '" + name + "' already has " + slots + " active consumers, the most it can have");
    }

    private boolean othersActive(String id, int slots, String except) {
        long now = now();
        for (int i = 0; i < slots; i++) {
            String key = SubscriptionIds.slot(id, i);
            if (key.equals(except)) {
                continue;
            }
            if (controller().readClaim(key).map(c -> c.isLive(now)).orElse(false)) {
                return true;
            }
        }
        return false;
    }
}
