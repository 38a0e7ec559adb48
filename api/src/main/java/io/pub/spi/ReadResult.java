package io.pub.spi;

import java.util.List;

/**
 * The entries found in a range of a shard, in offset order, and the shard's head (the next offset to
 * be reserved) at the time of the read. An offset below head that has no entry is either being
 * written right now or a hole; the engine seals it after the publish timeout. A read that found an
 * entry at every offset of its window may report the window's end as the head: a lower bound, which
 * saves a store the head's round trip (the Couchbase store does this).
 */
public record ReadResult(List<Entry> entries, long head) {
    public ReadResult {
        entries = List.copyOf(entries);
    }
}
