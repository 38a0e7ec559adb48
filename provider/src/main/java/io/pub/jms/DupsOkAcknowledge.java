package io.pub.jms;

import io.pub.Delivery;
import jakarta.jms.JMSException;

/**
 * DUPS_OK_ACKNOWLEDGE: acknowledgements are collected and written in batches of {@link #BATCH}, when
 * delivery goes idle, at recover and at close; a crash in between delivers them again. A listener
 * that throws gets its message back for redelivery, as in AUTO_ACKNOWLEDGE.
 */
final class DupsOkAcknowledge implements AckStrategy {
    /** Acknowledgements written per store call at most, unless delivery goes idle first. */
    static final int BATCH = 16;

    private final PubSession session;
    private final SessionAcks acks;

    DupsOkAcknowledge(PubSession session, SessionAcks acks) {
        this.session = session;
        this.acks = acks;
    }

    private boolean block() {
        return session.connection().options().blockOnAcknowledge();
    }

    private void collect(PubMessageConsumer consumer, Delivery d) throws JMSException {
        if (acks.hold(consumer, d) >= BATCH) {
            acks.ackHeld(block());
        }
    }

    @Override
    public void delivered(PubMessageConsumer consumer, Delivery d, PubMessage m, boolean listener) {
        if (!listener) {
            acks.ackOnReceive(m, () -> collect(consumer, d));
        }
    }

    @Override
    public void listened(PubMessageConsumer consumer, Delivery d, boolean redeliver) throws JMSException {
        if (redeliver) {
            acks.redeliverListened(consumer, d);
        } else {
            collect(consumer, d);
        }
    }

    @Override
    public boolean settlesOnListenerReturn() {
        return true;
    }

    @Override
    public void recover() throws JMSException {
        acks.ackHeld(block()); // what was collected was processed: only the rest comes again
        acks.releaseAll(session.consumers());
    }

    @Override
    public void idle() throws JMSException {
        acks.ackHeld(block());
    }

    @Override
    public void close() throws JMSException {
        acks.ackHeld(block());
        acks.releaseDeferred();
    }
}
