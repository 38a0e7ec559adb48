package io.pub.ra;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The XAResource the server enlists for a pooled connection: the provider's (or the local emulation),
 * plus telling the connection when its handles work inside the branch.
 */
final class EnlistingXAResource implements XAResource {
    private final PubManagedConnection mc;
    private final XAResource delegate;

    EnlistingXAResource(PubManagedConnection mc, XAResource delegate) {
        this.mc = mc;
        this.delegate = delegate;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        delegate.start(xid, flags);
        mc.enlisted(PubManagedConnection.TxKind.XA);
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        mc.delisted();
        delegate.end(xid, flags);
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        return delegate.prepare(xid);
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        delegate.commit(xid, onePhase);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        delegate.rollback(xid);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        delegate.forget(xid);
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return delegate.recover(flag);
    }

    @Override
    public boolean isSameRM(XAResource other) throws XAException {
        XAResource o = other instanceof EnlistingXAResource e ? e.delegate : other;
        return delegate.isSameRM(o);
    }

    @Override
    public int getTransactionTimeout() throws XAException {
        return delegate.getTransactionTimeout();
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return delegate.setTransactionTimeout(seconds);
    }
}
