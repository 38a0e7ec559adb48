package io.pub.embedded;

import java.nio.file.Path;

/**
 * What the embedded store reports beyond the Controller SPI: a Controller opened from an
 * {@code embedded:} URL implements this, so benchmarks and tests can report fsyncs per message.
 */
public interface EmbeddedStore {
    /** The store's directory. */
    Path directory();

    /** False only when opened with {@code ?sync=false}: writes are not fsynced. */
    boolean durable();

    /** Writes to the database so far; each carries every batch that was waiting (group commit). */
    long writes();

    /** Writes that were fsynced. */
    long syncs();
}
