package io.pub.jms;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what is logged while it is open: the tests log through slf4j-simple, which writes to
 * whatever System.err is at the time; the lines still go to the original stream too.
 */
final class LogCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    LogCapture() {
        PrintStream both = new PrintStream(
                new java.io.OutputStream() {
                    @Override
                    public synchronized void write(int b) {
                        captured.write(b);
                        original.write(b);
                    }

                    @Override
                    public synchronized void write(byte[] b, int off, int len) {
                        captured.write(b, off, len);
                        original.write(b, off, len);
                    }
                },
                true,
                StandardCharsets.UTF_8);
        System.setErr(both);
    }

    synchronized String text() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
