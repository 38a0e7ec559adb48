package io.pub.jms;

import io.pub.Delivery;
import io.pub.PreparedBranches;
import io.pub.Pub;
import io.pub.Receiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The XAResource of an XASession (or XAJMSContext). While a branch is associated ({@code start} to
 * {@code end}) the session is transacted: its sends are held and its deliveries stay leased. At
 * {@code end} that work moves from the session into the branch ({@link XaBranch}); {@code prepare}
 * writes it to the store as a prepared-transaction record ({@link PreparedBranches}), after which
 * any XAResource on the same store, in this JVM or another one started later, can commit or roll it
 * back, and {@code recover} lists it.
 *
 * <p>Leases: from prepare on, the branch's deliveries are held by the store record and never lapse;
 * commit acks them, rollback releases them for redelivery at once (JMSRedelivered set, delivery count
 * kept). Before prepare they are the session's consumers' leases, renewed as usual; rolling back an
 * unprepared branch releases them after the redelivery delay, like a local rollback.
 *
 * <p>No heuristic outcomes: a prepared branch waits for commit or rollback for ever, so {@code forget}
 * never has anything to forget (XAER_NOTA). One-phase commit prepares in the store and commits at once,
 * so a crash in between leaves a prepared branch, not half a commit.
 */
final class PubXAResource implements XAResource, XaAssociation {
    private static final Logger LOG = LoggerFactory.getLogger(PubXAResource.class);

    private final PubSession session;
    private final Pub pub;
    private final PreparedBranches prepared;

    private XaBranch current; // guarded by this
    private volatile boolean associated;
    private int timeoutSeconds; // guarded by this; 0: none
    private boolean scanning; // guarded by this

    PubXAResource(PubSession session) {
        this.session = session;
        this.pub = session.connection().pub();
        this.prepared = pub.preparedBranches();
        session.xa(this);
    }

    @Override
    public boolean inBranch() {
        return associated;
    }

    static XAException xa(int code, String message) {
        XAException e = new XAException(message);
        e.errorCode = code;
        return e;
    }

    static XAException xa(int code, String message, Throwable cause) {
        XAException e = xa(code, message + ": " + cause.getMessage());
        e.initCause(cause);
        return e;
    }

    private static String id(Xid xid) throws XAException {
        if (xid == null) {
            throw xa(XAException.XAER_INVAL, "the Xid must not be null");
        }
        byte[] g = xid.getGlobalTransactionId();
        byte[] b = xid.getBranchQualifier();
        if (g == null || g.length == 0 || g.length > Xid.MAXGTRIDSIZE || b == null || b.length > Xid.MAXBQUALSIZE) {
            throw xa(
                    XAException.XAER_INVAL,
                    "the Xid's global transaction id must have 1 to " + Xid.MAXGTRIDSIZE
                            + " bytes and its branch qualifier at most " + Xid.MAXBQUALSIZE);
        }
        return XaIds.id(xid);
    }

    private long now() {
        return pub.clock().millis();
    }

    // ---- association --------------------------------------------------------------------------

    @Override
    public synchronized void start(Xid xid, int flags) throws XAException {
        String id = id(xid);
        if (session.isClosed()) {
            throw xa(XAException.XAER_RMFAIL, "the XASession of this XAResource is closed");
        }
        if (current != null) {
            throw xa(
                    XAException.XAER_PROTO, "this XAResource is associated with " + current + " already; end it first");
        }
        XaBranch b;
        switch (flags) {
            case TMNOFLAGS -> {
                if (storeCall(() -> prepared.isPrepared(id))) {
                    throw xa(XAException.XAER_DUPID, "transaction branch " + id + " is prepared already");
                }
                long deadline = timeoutSeconds == 0 ? Long.MAX_VALUE : now() + timeoutSeconds * 1000L;
                b = XaBranch.create(pub, id, deadline);
                if (b == null) {
                    throw xa(XAException.XAER_DUPID, "transaction branch " + id + " exists already; join it (TMJOIN)");
                }
            }
            case TMJOIN, TMRESUME -> {
                b = XaBranch.find(pub, id);
                if (b == null) {
                    throw xa(XAException.XAER_NOTA, "no transaction branch " + id + " is active on this store");
                }
                if (flags == TMRESUME && b.association(this) != XaBranch.Association.SUSPENDED) {
                    throw xa(
                            XAException.XAER_PROTO,
                            "transaction branch " + id + " is not suspended on this"
                                    + " XAResource; TMRESUME resumes only a branch ended with TMSUSPEND");
                }
                if (b.isRollbackOnly()) {
                    throw xa(XAException.XA_RBROLLBACK, "transaction branch " + id + " is marked rollback-only");
                }
            }
            default ->
                throw xa(XAException.XAER_INVAL, "start takes TMNOFLAGS, TMJOIN or TMRESUME, not flags " + flags);
        }
        b.associate(this, XaBranch.Association.ACTIVE);
        current = b;
        associated = true;
        // started from this session's MessageListener (a resource adapter's beforeDelivery): the
        // message being processed belongs to the branch
        session.enlistListenerDelivery();
    }

    @Override
    public synchronized void end(Xid xid, int flags) throws XAException {
        String id = id(xid);
        if (flags != TMSUCCESS && flags != TMFAIL && flags != TMSUSPEND) {
            throw xa(XAException.XAER_INVAL, "end takes TMSUCCESS, TMFAIL or TMSUSPEND, not flags " + flags);
        }
        XaBranch b = XaBranch.find(pub, id);
        if (b == null) {
            throw xa(XAException.XAER_NOTA, "no transaction branch " + id + " is active on this store");
        }
        if (b == current) {
            detach(b);
        } else if (b.association(this) != XaBranch.Association.SUSPENDED || flags == TMSUSPEND) {
            throw xa(XAException.XAER_PROTO, "transaction branch " + id + " is not associated with this XAResource");
        }
        switch (flags) {
            case TMSUSPEND -> b.associate(this, XaBranch.Association.SUSPENDED);
            case TMFAIL -> {
                b.dissociate(this);
                b.markRollbackOnly();
            }
            default -> b.dissociate(this);
        }
        if (now() > b.deadline) {
            b.markRollbackOnly();
            throw xa(
                    XAException.XA_RBTIMEOUT,
                    "transaction branch " + id + " ran past its timeout of " + timeoutSeconds
                            + " s and can only roll back");
        }
    }

    /** Moves the session's work into the branch and ends the session's association with it. */
    private void detach(XaBranch b) {
        try {
            b.add(session.detachWork());
        } finally {
            current = null;
            associated = false;
        }
    }

    /** The session is closing: work done in a branch still associated goes to that branch (as TMSUCCESS). */
    synchronized void sessionClosing() {
        XaBranch b = current;
        if (b != null) {
            detach(b);
            b.dissociate(this);
        }
    }

    // ---- completion ---------------------------------------------------------------------------

    /** The unprepared branch {@code id}, taken out of the registry for completion; null if there is none. */
    private XaBranch take(String id) throws XAException {
        XaBranch b = XaBranch.find(pub, id);
        if (b == null) {
            return null;
        }
        if (b.isAssociated()) {
            throw xa(
                    XAException.XAER_PROTO,
                    "transaction branch " + id + " is still associated with an XAResource;"
                            + " end it (TMSUCCESS or TMFAIL) first");
        }
        return XaBranch.remove(pub, b) ? b : null;
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        String id = id(xid);
        XaBranch b = take(id);
        if (b == null) {
            throw notUnprepared(id);
        }
        return prepare(b) ? XA_OK : XA_RDONLY;
    }

    /** Writes the branch to the store; false if it did nothing (read-only: nothing to commit). */
    private boolean prepare(XaBranch b) throws XAException {
        checkCompletable(b);
        List<XaWork> work = b.work();
        List<PreparedBranches.Send> sends = new ArrayList<>();
        List<XaWork.Received> received = new ArrayList<>();
        for (XaWork w : work) {
            sends.addAll(w.sends());
            received.addAll(w.received());
        }
        if (sends.isEmpty() && received.isEmpty()) {
            return false;
        }
        List<XaWork.Received> live = new ArrayList<>();
        List<Delivery> acks = new ArrayList<>();
        for (XaWork.Received r : received) {
            if (!r.consumer().subscriptionGone()) {
                live.add(r);
                acks.add(r.consumer().subscriber().current(r.delivery()));
            }
        }
        try {
            prepared.prepare(b.id, sends, acks);
        } catch (PreparedBranches.LeaseLostException e) {
            undo(work);
            throw xa(XAException.XA_RBROLLBACK, "transaction branch " + b.id + " rolled back", e);
        } catch (IllegalStateException e) {
            undo(work);
            throw xa(XAException.XAER_DUPID, "transaction branch " + b.id + " cannot be prepared", e);
        } catch (RuntimeException e) {
            undo(work);
            throw xa(
                    XAException.XAER_RMERR,
                    "preparing transaction branch " + b.id + " failed and it was rolled"
                            + " back (if the store kept part of it, recover() lists it for the transaction manager to roll"
                            + " back)",
                    e);
        }
        // the store's record holds the leases now: the consumers stop renewing and acking them
        for (XaWork.Received r : live) {
            Receiver sub = r.consumer().subscriber();
            sub.forget(List.of(r.delivery()));
            r.consumer().settled();
        }
        return true;
    }

    private void checkCompletable(XaBranch b) throws XAException {
        if (b.isRollbackOnly() || now() > b.deadline) {
            boolean timedOut = now() > b.deadline;
            undo(b.work());
            throw xa(
                    timedOut ? XAException.XA_RBTIMEOUT : XAException.XA_RBROLLBACK,
                    "transaction branch " + b.id + (timedOut ? " ran past its timeout" : " was marked rollback-only")
                            + " and was rolled back");
        }
    }

    /** The error for a prepare or one-phase commit of a branch that is not active here. */
    private XAException notUnprepared(String id) throws XAException {
        if (storeCall(() -> prepared.isPrepared(id))) {
            return xa(XAException.XAER_PROTO, "transaction branch " + id + " is prepared already");
        }
        return xa(XAException.XAER_NOTA, "no transaction branch " + id + " is active on this store");
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        String id = id(xid);
        if (onePhase) {
            XaBranch b = take(id);
            if (b == null) {
                throw notUnprepared(id);
            }
            if (!prepare(b)) {
                return;
            }
        } else if (XaBranch.find(pub, id) != null) {
            throw xa(
                    XAException.XAER_PROTO,
                    "transaction branch " + id + " is not prepared; prepare it first or" + " commit it in one phase");
        }
        boolean committed;
        try {
            committed = prepared.commit(id);
        } catch (RuntimeException e) {
            throw xa(
                    XAException.XAER_RMFAIL,
                    "committing transaction branch " + id + " failed; it stays prepared"
                            + " and committing it again finishes it",
                    e);
        }
        if (!committed) {
            throw xa(XAException.XAER_NOTA, "no transaction branch " + id + " is prepared on this store");
        }
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        String id = id(xid);
        XaBranch b = take(id);
        if (b != null) {
            undo(b.work());
            return;
        }
        boolean rolledBack;
        try {
            rolledBack = prepared.rollback(id, Duration.ZERO);
        } catch (RuntimeException e) {
            throw xa(
                    XAException.XAER_RMFAIL,
                    "rolling back transaction branch " + id + " failed; it stays"
                            + " prepared and rolling it back again finishes it",
                    e);
        }
        if (!rolledBack) {
            throw xa(XAException.XAER_NOTA, "no transaction branch " + id + " is active or prepared on this store");
        }
    }

    /** Rolls back unprepared work: its sends are dropped, its deliveries released for redelivery. */
    private void undo(List<XaWork> work) {
        for (XaWork w : work) {
            for (XaWork.Received r : w.received()) {
                PubMessageConsumer c = r.consumer();
                if (c.subscriptionGone()) {
                    continue;
                }
                Receiver sub = c.subscriber();
                Delivery d = sub.current(r.delivery());
                try {
                    sub.release(List.of(d), session.connection().options().redeliveryDelay(d.deliveryCount()));
                } catch (RuntimeException e) {
                    sub.forget(List.of(d)); // its lease lapses and it comes again
                    LOG.warn(
                            "releasing a message of a rolled back transaction branch failed ({}); it is"
                                    + " redelivered once its lease lapses",
                            e.toString());
                } finally {
                    c.settled();
                }
            }
        }
    }

    @Override
    public void forget(Xid xid) throws XAException {
        id(xid);
        throw xa(XAException.XAER_NOTA, "Pub never completes a branch heuristically, so there is nothing to forget");
    }

    @Override
    public synchronized Xid[] recover(int flags) throws XAException {
        if ((flags & ~(TMSTARTRSCAN | TMENDRSCAN)) != 0) {
            throw xa(XAException.XAER_INVAL, "recover takes TMSTARTRSCAN, TMENDRSCAN or TMNOFLAGS, not " + flags);
        }
        boolean start = (flags & TMSTARTRSCAN) != 0;
        boolean end = (flags & TMENDRSCAN) != 0;
        // a scan hands out every prepared branch at its start and nothing more; a TMNOFLAGS call
        // outside a scan (some transaction managers make one) gets them all too
        boolean list = start || !scanning && !end;
        scanning = start ? !end : scanning && !end;
        if (!list) {
            return new Xid[0];
        }
        List<String> ids = storeCall(prepared::ids);
        List<Xid> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            Optional<Xid> x = XaIds.parse(id);
            x.ifPresent(out::add);
        }
        return out.toArray(new Xid[0]);
    }

    @Override
    public boolean isSameRM(XAResource other) {
        // the same engine is the same store: its branches are shared (see XaBranch)
        return other instanceof PubXAResource r && r.pub == pub;
    }

    @Override
    public synchronized int getTransactionTimeout() {
        return timeoutSeconds;
    }

    @Override
    public synchronized boolean setTransactionTimeout(int seconds) throws XAException {
        if (seconds < 0) {
            throw xa(XAException.XAER_INVAL, "the transaction timeout must be >= 0 seconds (0: none), was " + seconds);
        }
        timeoutSeconds = seconds;
        return true;
    }

    private interface StoreCall<T> {
        T call();
    }

    private static <T> T storeCall(StoreCall<T> call) throws XAException {
        try {
            return call.call();
        } catch (RuntimeException e) {
            throw xa(XAException.XAER_RMFAIL, "the store failed", e);
        }
    }

    @Override
    public String toString() {
        return "PubXAResource[" + session + "]";
    }
}
