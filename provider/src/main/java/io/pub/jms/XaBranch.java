package io.pub.jms;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A transaction branch of this JVM that is not prepared yet: which XAResources are associated with
 * it (active or suspended), the work they ended into it, whether it may only roll back, and when it
 * must be done by. Branches live in one registry per engine (per store), so an XAResource of another
 * session on the same store can join a branch, as {@code isSameRM} promises. Once prepared, a branch
 * lives in the store only ({@link io.pub.PreparedBranches}).
 */
final class XaBranch {
    enum Association {
        ACTIVE,
        SUSPENDED
    }

    /** The branches of each engine, by record id. */
    private static final Map<Object, Map<String, XaBranch>> REGISTRY = new WeakHashMap<>();

    final String id;
    /** Epoch ms after which the branch can only roll back (Long.MAX_VALUE: no timeout). */
    final long deadline;

    private final Map<PubXAResource, Association> associations = new IdentityHashMap<>();
    private final List<XaWork> work = new ArrayList<>();
    private boolean rollbackOnly;

    private XaBranch(String id, long deadline) {
        this.id = id;
        this.deadline = deadline;
    }

    private static Map<String, XaBranch> of(Object engine) {
        return REGISTRY.computeIfAbsent(engine, k -> new java.util.HashMap<>());
    }

    /** A new branch, or null if the engine has one with that id already. */
    static XaBranch create(Object engine, String id, long deadline) {
        synchronized (REGISTRY) {
            Map<String, XaBranch> branches = of(engine);
            if (branches.containsKey(id)) {
                return null;
            }
            XaBranch b = new XaBranch(id, deadline);
            branches.put(id, b);
            return b;
        }
    }

    static XaBranch find(Object engine, String id) {
        synchronized (REGISTRY) {
            Map<String, XaBranch> branches = REGISTRY.get(engine);
            return branches == null ? null : branches.get(id);
        }
    }

    /** Takes the branch out of the registry, for prepare, commit or rollback; false if it was gone. */
    static boolean remove(Object engine, XaBranch b) {
        synchronized (REGISTRY) {
            Map<String, XaBranch> branches = REGISTRY.get(engine);
            return branches != null && branches.remove(b.id, b);
        }
    }

    synchronized void associate(PubXAResource r, Association a) {
        associations.put(r, a);
    }

    synchronized Association association(PubXAResource r) {
        return associations.get(r);
    }

    synchronized void dissociate(PubXAResource r) {
        associations.remove(r);
    }

    synchronized boolean isAssociated() {
        return !associations.isEmpty();
    }

    synchronized void add(XaWork w) {
        if (!w.isEmpty()) {
            work.add(w);
        }
    }

    synchronized List<XaWork> work() {
        return Collections.unmodifiableList(new ArrayList<>(work));
    }

    synchronized void markRollbackOnly() {
        rollbackOnly = true;
    }

    synchronized boolean isRollbackOnly() {
        return rollbackOnly;
    }

    @Override
    public String toString() {
        return "branch " + id;
    }
}
