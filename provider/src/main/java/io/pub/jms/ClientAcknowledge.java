package io.pub.jms;

import io.pub.Delivery;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;

/**
 * CLIENT_ACKNOWLEDGE: every delivered message stays leased until {@code Message.acknowledge()}
 * acknowledges all the session delivered; recover and close give them back. A listener that throws
 * leaves its message unacknowledged.
 */
final class ClientAcknowledge implements AckStrategy {
    private final PubSession session;
    private final SessionAcks acks;

    ClientAcknowledge(PubSession session, SessionAcks acks) {
        this.session = session;
        this.acks = acks;
    }

    @Override
    public void delivered(PubMessageConsumer consumer, Delivery d, PubMessage m, boolean listener) {
        m.setAcknowledger(this::acknowledgeAll);
        acks.hold(consumer, d);
    }

    /** Message.acknowledge(): acks everything this session delivered so far. */
    private void acknowledgeAll() throws JMSException {
        if (session.isClosed()) {
            throw new IllegalStateException("the session is closed; its unacknowledged messages are redelivered");
        }
        acks.ackHeld(session.connection().options().blockOnAcknowledge());
    }

    @Override
    public void listened(PubMessageConsumer consumer, Delivery d, boolean redeliver) {
        // stays unacknowledged until acknowledge, recover or close
    }

    @Override
    public boolean settlesOnListenerReturn() {
        return false;
    }

    @Override
    public void recover() throws JMSException {
        acks.releaseAll(session.consumers());
    }

    @Override
    public void close() throws JMSException {
        acks.releaseAll(session.consumers());
    }
}
