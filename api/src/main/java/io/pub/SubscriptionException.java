package io.pub;

/**
 * A subscription could not be opened or removed as asked; {@link #reason()} says why, so that an API
 * on the engine can turn it into its own error (the JMS provider into the exception the
 * specification names), and the message says it in words.
 */
public class SubscriptionException extends PubException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** The queue, topic or subscription does not exist. */
        NOT_FOUND,
        /** The subscription exists as another kind (unshared against shared durable). */
        KIND_MISMATCH,
        /** It has active consumers, so it cannot be removed now. */
        IN_USE,
        /** An unshared durable subscription already has its one active consumer. */
        EXCLUSIVE,
        /** A shared subscription has as many active consumers as it can have. */
        NO_FREE_SLOT,
        /**
         * It exists with another definition (topic, selector, noLocal) while it has active consumers;
         * or another process is creating or replacing it and did not finish in time; or the store
         * holds another definition of what was just created.
         */
        CONFLICT
    }

    private final Reason reason;

    public SubscriptionException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
