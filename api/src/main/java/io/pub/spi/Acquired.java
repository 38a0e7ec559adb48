package io.pub.spi;

import io.pub.TopicShard;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Controller#acquireNotDone} did: the leases it kept, and the subscription's cursor that
 * decided which to keep (absent when it took none).
 */
public record Acquired(List<Lease> leases, Optional<Cursor> cursor) {
    public Acquired {
        leases = List.copyOf(leases);
    }

    static final Acquired NONE = new Acquired(List.of(), Optional.empty());

    /**
     * Leases just taken, checked against the subscription's cursor read after taking them: markDone
     * writes the cursor before it drops leases, so an offset acknowledged between the caller's cursor
     * read and the insert shows as done here, and its lease is dropped again. None taken: no read.
     */
    public static Acquired checked(Controller store, String subscription, TopicShard shard, List<Lease> leases) {
        if (leases.isEmpty()) {
            return NONE;
        }
        Cursor fresh = store.cursor(subscription, shard);
        List<Long> stale = new ArrayList<>();
        List<Lease> kept = new ArrayList<>();
        for (Lease l : leases) {
            if (fresh.isDone(l.offset())) {
                stale.add(l.offset());
            } else {
                kept.add(l);
            }
        }
        if (!stale.isEmpty()) {
            store.dropLeases(subscription, shard, stale);
        }
        return new Acquired(kept, Optional.of(fresh));
    }
}
