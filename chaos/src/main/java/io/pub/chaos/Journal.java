package io.pub.chaos;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * An append-only event log: one line per event, {@code <epoch ms> <TYPE> <fields...>}, each written
 * to the file with its own unbuffered write, so a line reported is in the file even if the JVM is
 * killed the next instant. Only the last line of a killed JVM's journal can be cut short; readers
 * skip it. Fields never contain spaces except the last one of a line, which may be free text.
 */
final class Journal implements AutoCloseable {
    private final FileOutputStream out;

    Journal(Path file) {
        try {
            this.out = new FileOutputStream(file.toFile(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal " + file, e);
        }
    }

    void log(String type, Object... fields) {
        StringBuilder b = new StringBuilder(64);
        b.append(System.currentTimeMillis()).append(' ').append(type);
        for (Object f : fields) {
            b.append(' ').append(f);
        }
        b.append('\n');
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try {
                out.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the journal", e);
            }
        }
    }

    /** Free text for the last field of a line: one line, no spaces. */
    static String text(Throwable t) {
        String s = t.getClass().getSimpleName() + ":" + t.getMessage();
        return s.replaceAll("\\s+", "_");
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
