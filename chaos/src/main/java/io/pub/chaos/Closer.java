package io.pub.chaos;

import jakarta.jms.Connection;
import java.util.concurrent.TimeUnit;

/** Closes a connection with a bound: a close that does not return is journaled as a hang, not waited for. */
final class Closer {
    static final long CLOSE_BOUND_S = 30;

    private Closer() {}

    /** Returns true if the connection closed (with or without an exception) within the bound. */
    static boolean close(Connection c, Journal journal, String who) {
        if (c == null) {
            return true;
        }
        Thread t = new Thread(
                () -> {
                    try {
                        c.close();
                    } catch (Exception e) {
                        journal.log("ERROR", who, "close", Journal.text(e));
                    }
                },
                "chaos-close-" + who.replace('/', '-'));
        t.setDaemon(true);
        t.start();
        try {
            t.join(TimeUnit.SECONDS.toMillis(CLOSE_BOUND_S));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            journal.log("HANG", who, "close", Worker.stack(t));
            return false;
        }
        return true;
    }
}
