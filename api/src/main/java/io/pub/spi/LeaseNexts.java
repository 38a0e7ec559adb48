package io.pub.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

/** What {@link Controller#leaseNext} offers to lease, shared by its default and the stores' overrides. */
public final class LeaseNexts {
    private LeaseNexts() {}

    /**
     * The offsets of {@code read} to lease: entries from {@code from} on in offset order, up to the
     * first offset with no entry, at most {@code max}, leaving out those {@code done} (the store's
     * cursor, where it holds it) and those {@code wanted} refuses.
     */
    public static List<Long> choose(ReadResult read, long from, int max, Predicate<Entry> wanted, LongPredicate done) {
        List<Long> chosen = new ArrayList<>();
        long expected = from;
        for (Entry e : read.entries()) {
            if (e.offset() != expected || chosen.size() >= max) {
                break;
            }
            expected++;
            if (!done.test(e.offset()) && wanted.test(e)) {
                chosen.add(e.offset());
            }
        }
        return chosen;
    }
}
