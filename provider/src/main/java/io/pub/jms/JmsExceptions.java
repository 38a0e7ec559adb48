package io.pub.jms;

import io.pub.PubException;
import io.pub.SubscriptionException;
import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidClientIDRuntimeException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.InvalidSelectorRuntimeException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.MessageNotWriteableRuntimeException;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.ResourceAllocationRuntimeException;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.TransactionInProgressRuntimeException;
import jakarta.jms.TransactionRolledBackException;
import jakarta.jms.TransactionRolledBackRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one place that turns store and engine exceptions into JMSExceptions, and checked JMSExceptions
 * into the JMSRuntimeExceptions that JMSContext throws. Both directions keep message, error code and
 * cause, so the original failure is never lost.
 */
final class JmsExceptions {
    /** Error code of JMSExceptions caused by the store (Couchbase, the embedded store). */
    static final String STORE_ERROR = "PUB-STORE";
    /** Error code of JMSExceptions caused by an interrupt of the calling thread. */
    static final String INTERRUPTED = "PUB-INTERRUPTED";

    /** What an IllegalArgumentException from the engine means where it was caught. */
    enum Context {
        GENERAL,
        DESTINATION,
        SELECTOR,
        CLIENT_ID
    }

    /** Error code of a JMSException for an Error thrown in background work (kept as its cause). */
    static final String INTERNAL = "PUB-INTERNAL";

    private JmsExceptions() {}

    /**
     * The JMSException to report a failure of background work (delivery thread, sender thread,
     * renewals) with: as {@link #toJms}, except that an Error is wrapped rather than rethrown, since
     * there is nobody to rethrow it to.
     */
    static JMSException ofBackground(Throwable t) {
        if (t instanceof Error) {
            return withCause(new JMSException("background work of the connection failed: " + t, INTERNAL), t);
        }
        return toJms(t);
    }

    static JMSException toJms(Throwable t) {
        return toJms(t, Context.GENERAL);
    }

    /**
     * The JMSException for {@code t}. Errors are not translated: they are rethrown as they are. An
     * InterruptedException restores the thread's interrupt flag, which catching it cleared.
     */
    static JMSException toJms(Throwable t, Context context) {
        if (t instanceof Error e) {
            throw e;
        }
        if (t instanceof JMSException e) {
            return e;
        }
        if ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            return toJms(t.getCause(), context);
        }
        if (t instanceof JMSRuntimeException e) {
            return fromRuntime(e);
        }
        if (t instanceof InterruptedException e) {
            Thread.currentThread().interrupt();
            return withCause(new JMSException("interrupted while waiting for the store", INTERRUPTED), e);
        }
        if (t instanceof SubscriptionException e) {
            return withCause(ofSubscription(e), e);
        }
        if (t instanceof PubException e) {
            return withCause(new JMSException("store operation failed: " + e.getMessage(), STORE_ERROR), e);
        }
        if (t instanceof TimeoutException || t instanceof IOException || t instanceof UncheckedIOException) {
            return withCause(new JMSException("store operation failed: " + t, STORE_ERROR), t);
        }
        if (t instanceof IllegalArgumentException e) {
            JMSException j =
                    switch (context) {
                        case DESTINATION -> new InvalidDestinationException(e.getMessage());
                        case SELECTOR -> new InvalidSelectorException(e.getMessage());
                        case CLIENT_ID -> new InvalidClientIDException(e.getMessage());
                        case GENERAL -> new JMSException(e.getMessage());
                    };
            return withCause(j, e);
        }
        if (t instanceof java.lang.IllegalStateException e) {
            return withCause(new IllegalStateException(e.getMessage()), e);
        }
        String text = t.getMessage() == null ? t.toString() : t.getMessage();
        return withCause(new JMSException(text), t);
    }

    /** What the specification calls each way a subscription cannot be opened or removed. */
    private static JMSException ofSubscription(SubscriptionException e) {
        String m = e.getMessage();
        return switch (e.reason()) {
            case NOT_FOUND -> new InvalidDestinationException(m);
            case EXCLUSIVE, IN_USE -> new IllegalStateException(m);
            case NO_FREE_SLOT -> new ResourceAllocationException(m);
            // the engine says which kind exists; the JMS method that opens that kind is the hint
            case KIND_MISMATCH ->
                new JMSException(m + "; "
                        + (m.endsWith("a shared durable subscription")
                                ? "createSharedDurableConsumer"
                                : "createDurableConsumer")
                        + " opens it");
            case CONFLICT -> new JMSException(m);
        };
    }

    /** The JMSRuntimeException twin of {@code e}, with e as its cause. */
    static JMSRuntimeException toRuntime(JMSException e) {
        String m = e.getMessage();
        String c = e.getErrorCode();
        JMSRuntimeException r;
        if (e instanceof IllegalStateException) {
            r = new IllegalStateRuntimeException(m, c, e);
        } else if (e instanceof InvalidClientIDException) {
            r = new InvalidClientIDRuntimeException(m, c, e);
        } else if (e instanceof InvalidDestinationException) {
            r = new InvalidDestinationRuntimeException(m, c, e);
        } else if (e instanceof InvalidSelectorException) {
            r = new InvalidSelectorRuntimeException(m, c, e);
        } else if (e instanceof JMSSecurityException) {
            r = new JMSSecurityRuntimeException(m, c, e);
        } else if (e instanceof MessageFormatException) {
            r = new MessageFormatRuntimeException(m, c, e);
        } else if (e instanceof MessageNotWriteableException) {
            r = new MessageNotWriteableRuntimeException(m, c, e);
        } else if (e instanceof ResourceAllocationException) {
            r = new ResourceAllocationRuntimeException(m, c, e);
        } else if (e instanceof TransactionInProgressException) {
            r = new TransactionInProgressRuntimeException(m, c, e);
        } else if (e instanceof TransactionRolledBackException) {
            r = new TransactionRolledBackRuntimeException(m, c, e);
        } else {
            r = new JMSRuntimeException(m, c, e);
        }
        return r;
    }

    /** The checked twin of a JMSRuntimeException, for code shared by JMSContext and the classic API. */
    static JMSException fromRuntime(JMSRuntimeException e) {
        String m = e.getMessage();
        String c = e.getErrorCode();
        JMSException j;
        if (e instanceof IllegalStateRuntimeException) {
            j = new IllegalStateException(m, c);
        } else if (e instanceof InvalidClientIDRuntimeException) {
            j = new InvalidClientIDException(m, c);
        } else if (e instanceof InvalidDestinationRuntimeException) {
            j = new InvalidDestinationException(m, c);
        } else if (e instanceof InvalidSelectorRuntimeException) {
            j = new InvalidSelectorException(m, c);
        } else if (e instanceof JMSSecurityRuntimeException) {
            j = new JMSSecurityException(m, c);
        } else if (e instanceof MessageFormatRuntimeException) {
            j = new MessageFormatException(m, c);
        } else if (e instanceof MessageNotWriteableRuntimeException) {
            j = new MessageNotWriteableException(m, c);
        } else if (e instanceof ResourceAllocationRuntimeException) {
            j = new ResourceAllocationException(m, c);
        } else if (e instanceof TransactionInProgressRuntimeException) {
            j = new TransactionInProgressException(m, c);
        } else if (e instanceof TransactionRolledBackRuntimeException) {
            j = new TransactionRolledBackException(m, c);
        } else {
            j = new JMSException(m, c);
        }
        return withCause(j, e);
    }

    /** Sets both the JMS linked exception (what older JMS clients read) and the standard cause. */
    static <T extends JMSException> T withCause(T j, Throwable cause) {
        if (cause instanceof Exception e) {
            j.setLinkedException(e);
        }
        j.initCause(cause);
        return j;
    }
}
