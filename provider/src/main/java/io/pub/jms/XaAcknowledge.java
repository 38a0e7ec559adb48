package io.pub.jms;

import io.pub.Delivery;
import jakarta.jms.JMSException;

/**
 * The session of an XASession: transacted while a transaction branch is associated with it (the
 * branch takes its held sends and deliveries, {@link PubSession#detachWork}), AUTO_ACKNOWLEDGE outside
 * one. A branch that starts inside a MessageListener (a resource adapter's beforeDelivery) takes over
 * the message being processed ({@link #enlistListenerDelivery}): it is settled with the branch, not
 * when onMessage returns. Commit, rollback, recover and close are the transacted session's.
 */
final class XaAcknowledge implements AckStrategy {
    private final XaAssociation xa;
    private final SessionAcks acks;
    private final AckStrategy transacted;
    private final AckStrategy outside;
    /** Delivery thread only: the listener's delivery, the strategy it was delivered under, and whether a branch took it. */
    private SessionAcks.Delivered listening;

    private AckStrategy listeningUnder;
    private boolean enlisted;

    XaAcknowledge(XaAssociation xa, SessionAcks acks, AckStrategy transacted, AckStrategy outside) {
        this.xa = xa;
        this.acks = acks;
        this.transacted = transacted;
        this.outside = outside;
    }

    private AckStrategy current() {
        return xa.inBranch() ? transacted : outside;
    }

    @Override
    public void delivered(PubMessageConsumer consumer, Delivery d, PubMessage m, boolean listener) throws JMSException {
        AckStrategy s = current();
        if (listener) {
            listening = new SessionAcks.Delivered(consumer, d);
            listeningUnder = s;
            enlisted = false;
        }
        s.delivered(consumer, d, m, listener);
    }

    /** A branch started in the running listener: its message belongs to the branch. Delivery thread only. */
    void enlistListenerDelivery() {
        SessionAcks.Delivered current = listening;
        if (current != null && !enlisted && listeningUnder.settlesOnListenerReturn()) {
            acks.hold(current.consumer(), current.delivery());
            enlisted = true;
        }
    }

    @Override
    public void listened(PubMessageConsumer consumer, Delivery d, boolean redeliver) throws JMSException {
        AckStrategy s = listeningUnder == null ? current() : listeningUnder;
        boolean taken = enlisted;
        listening = null;
        listeningUnder = null;
        enlisted = false;
        if (!taken) {
            s.listened(consumer, d, redeliver);
        }
    }

    @Override
    public boolean settlesOnListenerReturn() {
        return current().settlesOnListenerReturn();
    }

    @Override
    public boolean acksBeforeHandOut() {
        return current().acksBeforeHandOut();
    }

    @Override
    public boolean holdsSends() {
        return current().holdsSends();
    }

    @Override
    public void recover() throws JMSException {
        transacted.recover();
    }

    @Override
    public void commit() throws JMSException {
        transacted.commit();
    }

    @Override
    public void rollback() throws JMSException {
        transacted.rollback();
    }

    @Override
    public void close() throws JMSException {
        transacted.close();
    }
}
