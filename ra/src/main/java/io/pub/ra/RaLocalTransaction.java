package io.pub.ra;

import jakarta.jms.JMSException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.LocalTransaction;

/** A container-driven local transaction: the connection's transacted session, committed as one. */
final class RaLocalTransaction implements LocalTransaction {
    private final PubManagedConnection mc;

    RaLocalTransaction(PubManagedConnection mc) {
        this.mc = mc;
    }

    @Override
    public void begin() throws ResourceException {
        if (mc.inTransaction()) {
            throw new jakarta.resource.spi.IllegalStateException("the Pub connection is already in a transaction");
        }
        mc.enlisted(PubManagedConnection.TxKind.LOCAL);
        mc.localEvent(ConnectionEvent.LOCAL_TRANSACTION_STARTED);
    }

    @Override
    public void commit() throws ResourceException {
        try {
            mc.localTransacted().commit();
        } catch (JMSException e) {
            throw Errors.resource("committing the Pub local transaction failed", e);
        } finally {
            mc.delisted();
        }
        mc.localEvent(ConnectionEvent.LOCAL_TRANSACTION_COMMITTED);
    }

    @Override
    public void rollback() throws ResourceException {
        try {
            mc.localTransacted().rollback();
        } catch (JMSException e) {
            throw Errors.resource("rolling back the Pub local transaction failed", e);
        } finally {
            mc.delisted();
        }
        mc.localEvent(ConnectionEvent.LOCAL_TRANSACTION_ROLLEDBACK);
    }
}
