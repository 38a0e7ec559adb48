package io.pub.jms;

import io.pub.Subscriptions.Registration;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;

/**
 * Opens and removes the store subscriptions behind JMS consumers, as the README's JMS mapping says:
 * JMS names become subscription ids ({@link SubscriptionIds}, scoped by client ID), and the engine's
 * {@link io.pub.Subscriptions} opens them, counting active consumers across JVMs with claims the
 * connection's heartbeat renews. Its refusals become JMS exceptions in {@link JmsExceptions}.
 */
final class Subscriptions {
    private final PubConnection connection;

    Subscriptions(PubConnection connection) {
        this.connection = connection;
    }

    /** What closing a consumer does to its subscription ({@link Registration#close}). */
    @FunctionalInterface
    interface Closer {
        /**
         * Runs every step of the consumer's close, adding what fails to {@code failures} and going on.
         * Returns true if the subscription itself is gone (its unacked deliveries can be forgotten).
         */
        boolean close(java.util.List<Exception> failures);
    }

    private io.pub.Subscriptions engine() {
        return connection.pub().subscriptions();
    }

    Registration queue(PubDestination queue) throws JMSException {
        connection.ensure(queue);
        return engine().queue(queue.name());
    }

    Registration nonDurable(PubDestination topic, String selector, boolean noLocal) throws JMSException {
        connection.ensure(topic);
        return engine().nonDurable(
                        topic.name(), SubscriptionIds.nonDurable(), selector, noLocal, connection.heartbeat());
    }

    /** createSharedConsumer: removed when its last consumer, in any JVM, closes. */
    Registration shared(PubDestination topic, String name, String selector) throws JMSException {
        connection.ensure(topic);
        String id = SubscriptionIds.sharedNonDurable(connection.clientIdForUse(), name);
        return engine().shared(topic.name(), id, name, selector, connection.heartbeat());
    }

    /** createDurableConsumer (unshared, {@code shared} false) or createSharedDurableConsumer. */
    Registration durable(PubDestination topic, String name, String selector, boolean noLocal, boolean shared)
            throws JMSException {
        connection.ensure(topic);
        String clientId = connection.clientIdForUse();
        if (!shared && clientId == null) {
            throw new IllegalStateException("an unshared durable subscription needs a client ID: set one on the"
                    + " connection or its factory before creating durable subscription '" + name + "'");
        }
        String id = SubscriptionIds.durable(clientId, name);
        return engine().durable(topic.name(), id, name, selector, noLocal, shared, connection.heartbeat());
    }

    /** Session.unsubscribe: deletes the durable subscription {@code name} of this client ID. */
    void unsubscribe(String name) throws JMSException {
        if (name == null || name.isEmpty()) {
            throw new InvalidDestinationException("subscription name must not be null or empty");
        }
        String clientId = connection.clientIdForUse();
        String missing = "there is no durable subscription '" + name + "'"
                + (clientId == null ? " without client ID" : " for client ID '" + clientId + "'");
        engine().deleteDurable(SubscriptionIds.durable(clientId, name), name, missing);
    }
}
