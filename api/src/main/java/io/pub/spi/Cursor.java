package io.pub.spi;

import java.util.Collection;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * A subscription's position in one shard. Every offset below {@code committed} is done; {@code done}
 * holds done offsets above it (acked out of order by competing consumers). {@code version} is the
 * store's compare-and-swap token and is opaque to the engine.
 */
public record Cursor(long committed, NavigableSet<Long> done, long version) {
    public Cursor {
        done = java.util.Collections.unmodifiableNavigableSet(new TreeSet<>(done));
    }

    public static Cursor initial(long committed) {
        return new Cursor(committed, new TreeSet<>(), 0);
    }

    public boolean isDone(long offset) {
        return offset < committed || done.contains(offset);
    }

    /**
     * The cursor with {@code offsets} marked done and {@code committed} moved over every contiguous
     * done offset. Offsets below committed are ignored, so marking is idempotent and never moves the
     * cursor back.
     */
    public Cursor withDone(Collection<Long> offsets) {
        TreeSet<Long> next = new TreeSet<>(done);
        for (long o : offsets) {
            if (o >= committed) {
                next.add(o);
            }
        }
        long c = committed;
        while (!next.isEmpty() && next.first() == c) {
            next.pollFirst();
            c++;
        }
        return new Cursor(c, next, version);
    }

    public Cursor withVersion(long newVersion) {
        return new Cursor(committed, done, newVersion);
    }
}
