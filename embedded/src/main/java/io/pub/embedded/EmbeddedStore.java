package io.pub.embedded;

import java.nio.file.Path;
import java.util.List;

/**
 * What the embedded store reports beyond the Controller SPI: a Controller opened from an
 * {@code embedded:} URL implements this, so benchmarks and tests can report fsyncs per message and
 * tools can check the store's files.
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

    /** True when opened with {@code ?readOnly=true}: every write fails, and no lock is taken. */
    default boolean readOnly() {
        return false;
    }

    /**
     * A read-only store shows what the store held when it was opened, or last refreshed: this
     * catches up with what the process that has the store open wrote since. Nothing for a store
     * opened for writing, which always sees its own writes.
     */
    default void refresh() {}

    /**
     * Reads every table file of the store and checks its checksums, and (read-only) that the
     * write-ahead log still holds every update recorded as acknowledged. Returns the problems found,
     * each as a sentence; empty when there are none. Changes nothing.
     */
    List<String> verify();
}
