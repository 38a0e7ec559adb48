package io.pub.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the write-ahead log is known to be fsynced: the last RocksDB sequence number (one per
 * record written: a message, a head, a cursor, a lease) covered by a completed fsync, kept in the
 * file {@value #FILE} beside the store. An open compares it with what the log still holds, which
 * tells a log that lost acknowledged writes (cut short, a file missing) from one whose last,
 * never acknowledged write was torn by a crash; the log alone cannot tell them apart.
 *
 * <p>Writing the mark costs an fsync of its own, so it does not hold up publishers: a thread writes
 * it after the log's fsyncs, at most every {@link #INTERVAL_MS} ms, and a clean close writes the
 * final value. The mark therefore never claims more than is durable, and may lag by that interval:
 * a loss of only the writes acknowledged in the last moments before a crash goes unnoticed.
 *
 * <p>Two slots in separate 512-byte sectors are written in turn, each with a generation and a
 * checksum: the valid slot of the later generation holds the mark, so a write torn by a crash
 * leaves the other slot and its older, still true value. (Not the larger value: after an open that
 * accepted a loss the mark goes down.)
 */
final class SyncedMark {
    static final String FILE = "PUB-SYNCED";
    static final long INTERVAL_MS = 50;
    private static final Logger log = LoggerFactory.getLogger(SyncedMark.class);
    private static final int SLOT = 512;
    private static final int RECORD = 24; // magic, generation, value, checksum
    private static final int MAGIC = 0x50554253; // "PUBS"
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final FileChannel channel;
    private final Thread thread;
    // writes to the file; apart from the monitor so that advance() never waits for an fsync
    private final Object io = new Object();
    private int nextSlot;
    private long generation;
    private volatile long written;
    // what the log's fsyncs have reached; advance() only raises it, and wakes the thread only when it
    // waits for work: an fsync costs no lock and, while the thread pauses, no wake-up
    private final AtomicLong pending = new AtomicLong(-1);
    private volatile boolean waiting;
    private volatile boolean closing;
    private boolean failed;

    private SyncedMark(Path file, FileChannel channel, Slot last) {
        this.file = file;
        this.channel = channel;
        this.nextSlot = last == null ? 0 : 1 - last.index;
        this.generation = last == null ? 0 : last.generation;
        this.written = -1;
        this.thread = new Thread(this::run, "pub-embedded-mark " + file.getParent());
        thread.setDaemon(true);
    }

    /** The mark in {@code directory}, or empty if there is none (a store from before marks) or it is unreadable. */
    static OptionalLong read(Path directory) {
        Path file = directory.resolve(FILE);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Slot last = last(ch);
            return last == null ? OptionalLong.empty() : OptionalLong.of(last.value);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            log.warn("cannot read {}: {}", file, e.toString());
            return OptionalLong.empty();
        }
    }

    /** Opens (or creates) the mark, writes {@code value} durably and starts the thread that advances it. */
    static SyncedMark open(Path directory, long value) throws IOException {
        Path file = directory.resolve(FILE);
        Set<StandardOpenOption> options =
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel ch = directory.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : FileChannel.open(file, options);
        try {
            SyncedMark mark = new SyncedMark(file, ch, last(ch));
            mark.write(value);
            mark.thread.start();
            return mark;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The log is fsynced up to {@code sequence}; the thread writes it soon. Cheap: called after every fsync. */
    void advance(long sequence) {
        if (pending.getAndAccumulate(sequence, Math::max) < sequence && waiting) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Stops the thread and writes the mark durably: {@code sequence} if the caller has just fsynced
     * everything, else (-1) what was last fsynced.
     */
    void close(long sequence) throws IOException {
        closing = true;
        LockSupport.unpark(thread);
        // an interrupted caller would make the channel close itself instead of writing
        boolean interrupted = Thread.interrupted();
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        long last = Math.max(sequence, pending.get());
        try {
            write(last);
        } finally {
            channel.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (!closing) {
            long target = pending.get();
            if (target <= written) {
                waiting = true; // before the check again: an advance after it sees the flag and unparks
                if (pending.get() <= written && !closing) {
                    LockSupport.park(this);
                }
                waiting = false;
                continue;
            }
            try {
                write(target);
            } catch (IOException e) {
                if (!failed) { // the log itself is fsynced apart from this; only the check at open is weakened
                    log.warn("cannot write {} (the open-time check for lost writes will lag): {}", file, e.toString());
                    failed = true;
                }
            }
            pause();
        }
    }

    /** Waits out the interval between writes, or until close(). */
    private void pause() {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);
        for (long left = until - System.nanoTime(); !closing && left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(this, left);
        }
    }

    private void write(long value) throws IOException {
        synchronized (io) {
            if (value <= written) {
                return;
            }
            ByteBuffer b = ByteBuffer.allocate(RECORD);
            b.putInt(MAGIC).putLong(generation + 1).putLong(value);
            CRC32C crc = new CRC32C();
            crc.update(b.array(), 0, RECORD - 4);
            b.putInt((int) crc.getValue()).flip();
            long at = (long) nextSlot * SLOT;
            while (b.hasRemaining()) {
                at += channel.write(b, at);
            }
            channel.force(false);
            written = value;
            generation++;
            nextSlot = 1 - nextSlot;
            io.notifyAll(); // awaitWritten
        }
    }

    /** Waits until the file holds {@code sequence} or more, at most {@code millis}; for tests. */
    void awaitWritten(long sequence, long millis) throws InterruptedException {
        synchronized (io) {
            Monitors.await(io, () -> written >= sequence, millis);
        }
    }

    private record Slot(int index, long generation, long value) {}

    /** The valid slot written last, or null if neither is valid. */
    private static Slot last(FileChannel ch) throws IOException {
        Slot last = null;
        for (int i = 0; i < 2; i++) {
            ByteBuffer b = ByteBuffer.allocate(RECORD);
            long at = (long) i * SLOT;
            while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
                // read on
            }
            if (b.hasRemaining()) {
                continue;
            }
            CRC32C crc = new CRC32C();
            crc.update(b.array(), 0, RECORD - 4);
            if (b.getInt(0) != MAGIC || b.getInt(RECORD - 4) != (int) crc.getValue()) {
                continue; // torn or never written
            }
            Slot slot = new Slot(i, b.getLong(4), b.getLong(12));
            if (last == null || slot.generation > last.generation) {
                last = slot;
            }
        }
        return last;
    }
}
