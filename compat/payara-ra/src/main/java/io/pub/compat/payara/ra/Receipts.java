package io.pub.compat.payara.ra;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the message-driven beans received, one line per delivery in a file per bean under the
 * directory the test gives (pub.it.dir): written before onMessage returns, so every acknowledged
 * message is in it, and a delivery cut off by a kill shows up twice.
 */
final class Receipts {
    private Receipts() {}

    static synchronized void record(String file, Message m) {
        try {
            String line = m.getIntProperty("n") + " " + m.getIntProperty("JMSXDeliveryCount") + " "
                    + m.getJMSRedelivered() + " " + System.currentTimeMillis() + "\n";
            Path dir = Path.of(System.getProperty("pub.it.dir"));
            Files.writeString(
                    dir.resolve(file + ".log"),
                    line,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        } catch (JMSException e) {
            throw new IllegalStateException("cannot read a received message", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Simulated work, so that deliveries are in progress when the test kills the server. */
    static void work(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
