package io.pub.spi;

/** A store failed or refused an operation; the message names the operation and the cause. */
public class StoreException extends io.pub.PubException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
