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
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Opens and removes the store subscriptions behind JMS consumers, as DESIGN.md's JMS mapping says.
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
        /** Returns true if the subscription itself is gone (its unacked deliveries can be forgotten). */
        boolean close();
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
        return new Opened(s, () -> false);
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
        return new Opened(s, () -> {
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
            Subscription s = controller().createSubscription(wanted, true);
            if (!sameDefinition(s, wanted)) {
                if (othersActive(id, SHARED_SLOTS, slot.key())) {
                    throw new JMSException("shared subscription '" + name + "' is in use with topic " + s.topic()
                            + " and selector " + s.selector() + "; it cannot be opened with topic "
                            + topic.name() + " and selector " + selector);
                }
                controller().deleteSubscription(s.topic(), s.id());
                s = controller().createSubscription(wanted, true);
            }
            Subscription opened = s;
            return new Opened(opened, () -> {
                connection.releaseClaim(slot.key(), slot.owner());
                if (!othersActive(id, SHARED_SLOTS, null)) {
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
        Optional<Subscription> existing = find(id, topic.name());
        if (existing.isPresent() && existing.get().kind() != kind) {
            throw new JMSException("durable subscription '" + name + "'"
                    + (clientId == null ? "" : " of client ID '" + clientId + "'") + " exists as "
                    + (shared ? "an unshared" : "a shared") + " durable subscription; "
                    + (shared ? "createDurableConsumer" : "createSharedDurableConsumer") + " opens it");
        }
        Slot slot = takeSlot(id, slots, name);
        try {
            Subscription wanted = new Subscription(topic.name(), id, kind, selector, noLocal, null, now());
            Subscription s;
            if (existing.isPresent() && !sameDefinition(existing.get(), wanted)) {
                if (othersActive(id, slots, slot.key())) {
                    throw new JMSException("shared durable subscription '" + name + "' has active consumers with"
                            + " another topic or selector; close them before changing it");
                }
                // The specification: a durable subscription opened with another topic, selector or noLocal
                // is deleted and recreated.
                controller().deleteSubscription(existing.get().topic(), id);
                s = connection.pub().subscribe(wanted);
            } else {
                s = existing.orElseGet(() -> connection.pub().subscribe(wanted));
            }
            return new Opened(s, () -> {
                connection.releaseClaim(slot.key(), slot.owner());
                return false;
            });
        } catch (JMSException | RuntimeException e) {
            connection.releaseClaim(slot.key(), slot.owner());
            throw e;
        }
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
