package io.pub.spi;

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
}
