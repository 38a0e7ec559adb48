package io.pub.bench;

import java.util.BitSet;

/**
 * Which sequence ids were sent (acknowledged to the producer) and which each sink (a queue's consumers
 * together, or one subscription) received, so a run can tell missing messages and duplicates apart.
 */
final class Tally {
    private final BitSet sent = new BitSet();
    private final BitSet[] received;
    private long sentCount;
    private long distinct;
    private long duplicates;
    private long lastNewNanos;

    Tally(int sinks) {
        received = new BitSet[sinks];
        for (int i = 0; i < sinks; i++) {
            received[i] = new BitSet();
        }
    }

    int sinks() {
        return received.length;
    }

    synchronized void sent(int seq) {
        if (!sent.get(seq)) {
            sent.set(seq);
            sentCount++;
        }
    }

    /** Records a delivery; true if this sink had not seen {@code seq} before. */
    synchronized boolean received(int sink, int seq) {
        BitSet seen = received[sink];
        if (seen.get(seq)) {
            duplicates++;
            return false;
        }
        seen.set(seq);
        distinct++;
        lastNewNanos = System.nanoTime();
        return true;
    }

    synchronized long sentCount() {
        return sentCount;
    }

    /** Distinct deliveries over all sinks. */
    synchronized long distinct() {
        return distinct;
    }

    synchronized long duplicates() {
        return duplicates;
    }

    synchronized long lastNewNanos() {
        return lastNewNanos;
    }

    /** Sent messages some sink has not received (summed over sinks). */
    synchronized long missing() {
        long missing = 0;
        for (BitSet seen : received) {
            BitSet m = (BitSet) sent.clone();
            m.andNot(seen);
            missing += m.cardinality();
        }
        return missing;
    }

    /** Something that grows whenever the run moves, for stall detection. */
    synchronized long progress() {
        return sentCount + distinct + duplicates;
    }
}
