package io.pub;

/**
 * What the engine throws when a store fails or refuses an operation, or when a request cannot be
 * done as asked ({@link SubscriptionException}). APIs built on the engine (the JMS provider) map
 * this one type; the message names the operation and the cause.
 */
public class PubException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PubException(String message) {
        super(message);
    }

    public PubException(String message, Throwable cause) {
        super(message, cause);
    }
}
