package io.pub.spi;

import java.util.List;
import java.util.Optional;

/**
 * What {@link Controller#leaseNext} did in one call: the range it read (every entry, also those it
 * did not lease, for the caller's cache and its hole checks), the leases it took, and the
 * subscription's cursor as it stood once they were taken (absent when it took none).
 */
public record LeaseNext(ReadResult read, List<Lease> leases, Optional<Cursor> cursor) {
    public LeaseNext {
        leases = List.copyOf(leases);
    }
}
