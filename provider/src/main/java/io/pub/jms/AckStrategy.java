package io.pub.jms;

import io.pub.Delivery;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Session;

/**
 * What one acknowledgement mode does at each point of a session's life: a message handed out, a
 * MessageListener returned, recover, commit, rollback, delivery going idle, close. A session holds
 * one ({@link #forMode}) and delegates to it, so the classic API and a JMSContext (whose session is a
 * PubSession in the context's own mode) behave alike. The store work is {@link SessionAcks}'s.
 */
interface AckStrategy {
    /**
     * A message was handed to the application: by a receive ({@code listener} false), whose
     * acknowledgement AUTO and DUPS_OK make before it returns, or to a MessageListener.
     */
    void delivered(PubMessageConsumer consumer, Delivery d, PubMessage m, boolean listener) throws JMSException;

    /** The MessageListener given {@code d} returned; {@code redeliver} if it threw or called recover. */
    void listened(PubMessageConsumer consumer, Delivery d, boolean redeliver) throws JMSException;

    /** True if a listener's message is settled as the listener returns (AUTO, DUPS_OK). */
    boolean settlesOnListenerReturn();

    /** True if a receive writes its acknowledgement before it returns (AUTO with blockOnAcknowledge). */
    default boolean acksBeforeHandOut() {
        return false;
    }

    /** True if sends are held until commit. */
    default boolean holdsSends() {
        return false;
    }

    /** Session.recover: what was delivered and not acknowledged comes again. */
    void recover() throws JMSException;

    default void commit() throws JMSException {
        throw new IllegalStateException("commit is only for a transacted session");
    }

    default void rollback() throws JMSException {
        throw new IllegalStateException("rollback is only for a transacted session");
    }

    /** Delivery went idle (no message ready). */
    default void idle() throws JMSException {}

    /** The session closes: what it holds is settled as the mode says. */
    void close() throws JMSException;

    /** The strategy of a session of {@code mode} (one of the Session constants). */
    static AckStrategy forMode(int mode, PubSession session, SessionAcks acks, SessionSends sends) {
        return switch (mode) {
            case Session.AUTO_ACKNOWLEDGE -> new AutoAcknowledge(session, acks);
            case Session.DUPS_OK_ACKNOWLEDGE -> new DupsOkAcknowledge(session, acks);
            case Session.CLIENT_ACKNOWLEDGE -> new ClientAcknowledge(session, acks);
            case Session.SESSION_TRANSACTED -> new TransactedAcknowledge(session, acks, sends);
            default -> throw new IllegalArgumentException("not a session mode: " + mode);
        };
    }
}
