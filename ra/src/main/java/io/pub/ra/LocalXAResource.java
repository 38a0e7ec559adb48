package io.pub.ra;

import jakarta.jms.JMSException;
import jakarta.jms.Session;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * An XAResource over a locally transacted session, for a provider without XA sessions. A one-phase
 * commit (the usual case: the only resource of the transaction) is exactly the session's commit. In a
 * two-phase commit, prepare records nothing durable: if the JVM dies between prepare and commit, the
 * branch's sends are lost and its receipts are redelivered, and {@link #recover} has nothing to list.
 */
final class LocalXAResource implements XAResource {
    private final Session session;
    private Xid current;
    /** Whether the transaction manager started a branch since {@link #reset}, and ended it with commit or rollback. */
    private boolean started;

    private boolean completed;

    LocalXAResource(Session session) {
        this.session = session;
    }

    @Override
    public synchronized void start(Xid xid, int flags) throws XAException {
        if (current != null && !current.equals(xid) && flags == TMNOFLAGS) {
            throw error(XAException.XAER_PROTO, "this session is already in branch " + current);
        }
        current = xid;
        started = true;
    }

    /** Before a delivery: forget the previous one's branch. */
    synchronized void reset() {
        started = false;
        completed = false;
    }

    /** Whether the transaction manager enlisted this resource since {@link #reset}. */
    synchronized boolean wasEnlisted() {
        return started;
    }

    /** Whether the branch started since {@link #reset} was committed or rolled back. */
    synchronized boolean wasCompleted() {
        return completed;
    }

    @Override
    public void end(Xid xid, int flags) {
        // the branch stays open until commit or rollback
    }

    @Override
    public int prepare(Xid xid) {
        return XA_OK;
    }

    @Override
    public synchronized void commit(Xid xid, boolean onePhase) throws XAException {
        try {
            session.commit();
        } catch (JMSException e) {
            XAException x = error(XAException.XA_RBROLLBACK, "the session's commit failed: " + e.getMessage());
            x.initCause(e);
            throw x;
        } finally {
            current = null;
            completed = true;
        }
    }

    @Override
    public synchronized void rollback(Xid xid) throws XAException {
        try {
            session.rollback();
        } catch (JMSException e) {
            XAException x = error(XAException.XAER_RMERR, "the session's rollback failed: " + e.getMessage());
            x.initCause(e);
            throw x;
        } finally {
            current = null;
            completed = true;
        }
    }

    @Override
    public void forget(Xid xid) {}

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }

    private static XAException error(int code, String message) {
        XAException e = new XAException(message);
        e.errorCode = code;
        return e;
    }
}
