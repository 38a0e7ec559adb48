package io.pub.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The disk's physical limit for durable writes: 1 KiB writes, each durable before the call returns
 * (a FileChannel opened with DSYNC, i.e. O_DSYNC), one after another per thread. On a preallocated
 * file (every block written and fsynced beforehand, so a write changes no metadata) that is the most
 * any durable store can do per writer on this disk; on a new file that grows with each write the
 * file system also commits its metadata, as a log that is not preallocated must.
 */
final class DiskSync {
    static final int WRITE_BYTES = 1024;
    /** Each thread writes its own region of the preallocated file, wrapping around at its end. */
    private static final long REGION_BYTES = 16L << 20;

    /** Writes per second for each case; 0 where a case was not measured. */
    record Result(double preallocated1, double preallocated4, double newFile1, double seconds) {
        String describe() {
            return String.format(
                    Locale.ROOT,
                    "1 KiB O_DSYNC writes/s, preallocated file: %,.0f (1 thread), %,.0f (4 threads);"
                            + " new file, appending: %,.0f (1 thread); %.1f s each",
                    preallocated1,
                    preallocated4,
                    newFile1,
                    seconds);
        }
    }

    private DiskSync() {}

    /** Measures the three cases in a temporary directory under {@code parent}, {@code time} each. */
    static Result measure(Path parent, Duration time) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(parent, "bench-disk-");
        try {
            double one = preallocated(dir.resolve("pre-1"), 1, time);
            double four = preallocated(dir.resolve("pre-4"), 4, time);
            double fresh = newFile(dir.resolve("new"), time);
            return new Result(one, four, fresh, time.toMillis() / 1000.0);
        } finally {
            Targets.deleteTree(dir);
        }
    }

    /** {@code threads} threads, each writing 1 KiB durably in turn into its region of a preallocated file. */
    static double preallocated(Path file, int threads, Duration time) throws IOException, InterruptedException {
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
            for (long at = 0; at < REGION_BYTES * threads; at += zeros.capacity()) {
                zeros.clear();
                while (zeros.hasRemaining()) {
                    ch.write(zeros, at + zeros.position());
                }
            }
            ch.force(true);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.DSYNC)) {
            return run(threads, time, (thread, n) -> {
                long at = thread * REGION_BYTES + (n * WRITE_BYTES) % REGION_BYTES;
                ByteBuffer b = block(n);
                while (b.hasRemaining()) {
                    ch.write(b, at + b.position());
                }
            });
        }
    }

    /** One thread appending 1 KiB durably to a file that grows with every write. */
    static double newFile(Path file, Duration time) throws IOException, InterruptedException {
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.DSYNC)) {
            return run(1, time, (thread, n) -> {
                ByteBuffer b = block(n);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            });
        }
    }

    private interface Write {
        void write(int thread, long n) throws IOException;
    }

    private static ByteBuffer block(long n) {
        ByteBuffer b = ByteBuffer.allocate(WRITE_BYTES);
        b.putLong(0, n);
        return b;
    }

    private static double run(int threads, Duration time, Write write) throws InterruptedException, IOException {
        AtomicLong writes = new AtomicLong();
        Workers workers = new Workers();
        long start = System.nanoTime();
        long end = start + time.toNanos();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.start("disk-" + t, () -> {
                for (long n = 0; System.nanoTime() < end; n++) {
                    write.write(thread, n);
                    writes.incrementAndGet();
                }
            });
        }
        workers.join(time.plusSeconds(30));
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (workers.error() != null) {
            throw new IOException("measuring the disk failed: " + workers.error());
        }
        return writes.get() / elapsed;
    }
}
