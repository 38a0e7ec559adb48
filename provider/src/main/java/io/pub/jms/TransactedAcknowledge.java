package io.pub.jms;

import io.pub.Delivery;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.TransactionRolledBackException;

/**
 * SESSION_TRANSACTED: sends are held and deliveries kept leased until commit, which publishes the
 * sends and then acknowledges the deliveries, each returning once the store has it; rollback and
 * close discard the sends and give the deliveries (and what consumers prefetched) back.
 */
final class TransactedAcknowledge implements AckStrategy {
    private final PubSession session;
    private final SessionAcks acks;
    private final SessionSends sends;

    TransactedAcknowledge(PubSession session, SessionAcks acks, SessionSends sends) {
        this.session = session;
        this.acks = acks;
        this.sends = sends;
    }

    @Override
    public void delivered(PubMessageConsumer consumer, Delivery d, PubMessage m, boolean listener) {
        acks.hold(consumer, d);
    }

    @Override
    public void listened(PubMessageConsumer consumer, Delivery d, boolean redeliver) {
        // settled by commit or rollback
    }

    @Override
    public boolean settlesOnListenerReturn() {
        return false;
    }

    @Override
    public boolean holdsSends() {
        return true;
    }

    @Override
    public void recover() throws JMSException {
        throw new IllegalStateException("recover is not for a transacted session; use rollback");
    }

    @Override
    public void commit() throws JMSException {
        try {
            sends.publishHeld();
        } catch (TransactionRolledBackException e) {
            acks.releaseAll(session.consumers());
            throw e;
        }
        acks.ackHeld(true);
    }

    @Override
    public void rollback() throws JMSException {
        sends.discardHeld();
        acks.releaseAll(session.consumers());
    }

    @Override
    public void close() throws JMSException {
        rollback();
    }
}
