package io.pub.bench;

import java.time.Duration;

/**
 * How big one run is: a fixed number of messages ({@code messages > 0}) shared among the producers,
 * else as many as the producers send within {@code sendTime}. {@code stall} bounds how long a run may
 * go without progress before it is reported as incomplete; {@code tag} makes client IDs unique per run;
 * {@code bodies} says what the messages carry.
 */
record Plan(long messages, Duration sendTime, Duration stall, String tag, Bodies bodies) {

    /** This producer's share of a fixed count; the first producers take the remainder. */
    long share(int producer, int producers) {
        long base = messages / producers;
        return base + (producer < messages % producers ? 1 : 0);
    }

    /** True while producer {@code producer} should send its {@code sent}+1-th message. */
    boolean more(int producer, int producers, long sent, long startNanos) {
        if (messages > 0) {
            return sent < share(producer, producers);
        }
        return System.nanoTime() - startNanos < sendTime.toNanos();
    }
}
