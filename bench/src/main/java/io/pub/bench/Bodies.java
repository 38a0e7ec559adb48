package io.pub.bench;

import java.util.Locale;
import java.util.Random;

/**
 * What the 1 KiB bodies of a run's messages are. Random bytes either way, so neither target's
 * compression finds anything inside one body. DISTINCT (the default) gives consecutive messages
 * different bodies, from a pool of 1,024 indexed by the message's sequence number, as real traffic
 * does; REPEATED gives every message the same body, as the benchmark did before (bench/RESULTS.md:
 * a store that compresses blocks of several messages, as Pub's table files did, takes that in).
 */
enum Bodies {
    DISTINCT,
    REPEATED;

    static final String CHOICES = "distinct|repeated";
    static final int BYTES = 1024;
    private static final byte[][] POOL = new byte[1024][BYTES];

    static {
        // seed 42, as before: the repeated body is the one the benchmark always sent
        Random random = new Random(42);
        for (byte[] body : POOL) {
            random.nextBytes(body);
        }
    }

    /** The body of message {@code seq}; shared, so a caller must not change it. */
    byte[] body(int seq) {
        return this == REPEATED ? POOL[0] : POOL[Math.floorMod(seq, POOL.length)];
    }

    static Bodies parse(String value) {
        for (Bodies b : values()) {
            if (b.name().toLowerCase(Locale.ROOT).equals(value.trim().toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        throw new IllegalArgumentException("--bodies: expected " + CHOICES + ", was '" + value + "'");
    }
}
