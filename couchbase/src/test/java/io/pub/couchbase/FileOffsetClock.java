package io.pub.couchbase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Logical time shared by several JVMs: the wall clock plus an offset in milliseconds read from a
 * file. A test moves every JVM's time forward at once by rewriting the file, so lease and publish
 * timeouts pass without sleeping.
 */
final class FileOffsetClock extends Clock {
    private final Path file;

    FileOffsetClock(Path file) {
        this.file = file;
    }

    /** Adds {@code d} to the offset (only the test JVM writes the file). */
    void advance(Duration d) {
        long next = offset() + d.toMillis();
        try {
            Path tmp = Files.createTempFile(file.getParent(), "clock", ".tmp");
            Files.writeString(tmp, Long.toString(next), StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long offset() {
        try {
            return Files.exists(file)
                    ? Long.parseLong(
                            Files.readString(file, StandardCharsets.US_ASCII).trim())
                    : 0L;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offset();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
