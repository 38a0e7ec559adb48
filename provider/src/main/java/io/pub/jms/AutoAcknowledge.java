package io.pub.jms;

import io.pub.Delivery;
import jakarta.jms.JMSException;
import java.util.List;

/**
 * AUTO_ACKNOWLEDGE: a receive acknowledges before it returns, a MessageListener's message is
 * acknowledged when it returns. A listener that throws gets that message back for redelivery, marked
 * redelivered; what its consumer prefetched goes back uncounted (not marked), so the failed message
 * comes again first.
 */
final class AutoAcknowledge implements AckStrategy {
    private final PubSession session;
    private final SessionAcks acks;

    AutoAcknowledge(PubSession session, SessionAcks acks) {
        this.session = session;
        this.acks = acks;
    }

    private boolean block() {
        return session.connection().options().blockOnAcknowledge();
    }

    @Override
    public void delivered(PubMessageConsumer consumer, Delivery d, PubMessage m, boolean listener) {
        if (!listener) {
            acks.ackOnReceive(m, () -> acks.ack(consumer, List.of(d), block()));
        }
    }

    @Override
    public void listened(PubMessageConsumer consumer, Delivery d, boolean redeliver) throws JMSException {
        if (redeliver) {
            acks.redeliverListened(consumer, d);
        } else {
            acks.ack(consumer, List.of(d), block());
        }
    }

    @Override
    public boolean settlesOnListenerReturn() {
        return true;
    }

    @Override
    public boolean acksBeforeHandOut() {
        return block();
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
