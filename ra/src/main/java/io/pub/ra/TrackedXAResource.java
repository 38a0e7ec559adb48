package io.pub.ra;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The XAResource of a delivery's XASession as given to the container, noting whether the container
 * started a branch on it for the current delivery and completed it, so that the delivery can settle
 * a branch the container left open.
 */
final class TrackedXAResource implements XAResource {
    private final XAResource delegate;
    private Xid started;
    private boolean ended;
    private boolean completed;

    TrackedXAResource(XAResource delegate) {
        this.delegate = delegate;
    }

    /** Before a delivery: forget the previous one. */
    synchronized void reset() {
        started = null;
        ended = false;
        completed = false;
    }

    synchronized boolean wasEnlisted() {
        return started != null;
    }

    synchronized boolean wasCompleted() {
        return completed;
    }

    /** Rolls back a branch the container started and did not complete (its receipts come back). */
    synchronized void rollbackLeftOver() throws XAException {
        if (started == null || completed) {
            return;
        }
        if (!ended) {
            delegate.end(started, TMFAIL);
        }
        delegate.rollback(started);
        completed = true;
    }

    @Override
    public synchronized void start(Xid xid, int flags) throws XAException {
        delegate.start(xid, flags);
        started = xid;
        ended = false;
        completed = false;
    }

    @Override
    public synchronized void end(Xid xid, int flags) throws XAException {
        delegate.end(xid, flags);
        ended = true;
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        int vote = delegate.prepare(xid);
        if (vote == XA_RDONLY) {
            synchronized (this) {
                completed = true;
            }
        }
        return vote;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        delegate.commit(xid, onePhase);
        synchronized (this) {
            completed = true;
        }
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        try {
            delegate.rollback(xid);
        } finally {
            synchronized (this) {
                completed = true;
            }
        }
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
        XAResource o = other instanceof TrackedXAResource t ? t.delegate : other;
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
