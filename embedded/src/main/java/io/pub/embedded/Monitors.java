package io.pub.embedded;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting on an object's monitor for a condition its holders change and signal with notifyAll. */
final class Monitors {
    private Monitors() {}

    /**
     * Holding {@code monitor}'s lock: waits until {@code done} holds or {@code millis} passed;
     * returns whether it holds.
     */
    static boolean await(Object monitor, BooleanSupplier done, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(monitor, left);
        }
        return true;
    }
}
