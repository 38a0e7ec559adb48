package io.pub.embedded;

import io.pub.Stores;
import io.pub.spi.StoreException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's directory. It is checked before RocksDB touches it, and kept private to its owner:
 * created {@code rwx------}, so nobody else can reach the files in it whatever mode they get, and
 * its files set to {@code rw-------} at open, every second while open and at close (RocksDB creates
 * files following the umask, and its Java API cannot change that). Where the file system has no
 * POSIX permissions, only the checks apply.
 */
final class StoreDirectory {
    private static final Logger log = LoggerFactory.getLogger(StoreDirectory.class);
    static final String CURRENT = "CURRENT";
    // files that hold a store's data: with any of them and no CURRENT, RocksDB would start an
    // empty store and then delete the log holding the messages
    private static final Pattern DATA_FILE =
            Pattern.compile("MANIFEST-\\d+|\\d+\\.(log|sst|blob)|OPTIONS-\\d+|" + Pattern.quote(SyncedMark.FILE));
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path path;
    private final boolean posix;

    private StoreDirectory(Path path) {
        this.path = path;
        this.posix = path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    Path path() {
        return path;
    }

    /**
     * Creates the directory owner-only if it does not exist; fails naming the setting and the path
     * if it cannot be used. An existing directory keeps its mode (it may be shared on purpose), with
     * a warning if others can read it.
     */
    static StoreDirectory prepare(Path directory) {
        StoreDirectory dir = new StoreDirectory(directory);
        try {
            if (!Files.isDirectory(directory)) {
                Path parent = directory.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                try {
                    if (dir.posix) {
                        Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
                    } else {
                        Files.createDirectory(directory);
                    }
                } catch (FileAlreadyExistsException e) {
                    if (!Files.isDirectory(directory)) {
                        throw e;
                    } // else created by someone else just now: use it as it is
                }
            } else if (dir.posix) {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(directory);
                if (!OWNER_DIRECTORY.containsAll(mode)) {
                    log.warn(
                            "the embedded store directory {} is open to other users ({}); the store makes its files"
                                    + " owner-only, but `chmod 700` on the directory keeps them out of reach from the"
                                    + " moment they are created",
                            directory,
                            PosixFilePermissions.toString(mode));
                }
            }
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException(
                    Stores.URL_SETTING + ": cannot create the embedded store directory " + directory + " (" + e + ")",
                    e);
        }
        if (!Files.isWritable(directory)) {
            throw new IllegalArgumentException(
                    Stores.URL_SETTING + ": the embedded store directory " + directory + " is not writable");
        }
        return dir;
    }

    /**
     * True if the directory holds no store yet, so RocksDB may create one; fails if it holds a store
     * without its CURRENT file (a copy or backup that skipped it). Reads only: nothing is created or
     * deleted, so the directory stays as it was for whoever restores the missing file.
     */
    boolean isNew() {
        if (Files.exists(path.resolve(CURRENT))) {
            return false;
        }
        Set<String> data = new TreeSet<>();
        for (Path f : files()) {
            String name = f.getFileName().toString();
            if (DATA_FILE.matcher(name).matches()) {
                data.add(name);
            }
        }
        if (data.isEmpty()) {
            return true;
        }
        String manifest = data.stream()
                .filter(n -> n.startsWith("MANIFEST-"))
                .reduce((a, b) -> b)
                .orElse(null);
        throw new StoreException("the embedded store directory " + path + " holds a store (" + String.join(", ", data)
                + ") but its file " + CURRENT + " is missing, as in a copy or backup that skipped it; opening it"
                + " would start an empty store and delete the log that holds the messages, so it is left as it is."
                + " Restore " + CURRENT + " from where the directory came from"
                + (manifest == null
                        ? ""
                        : " (it is one line naming the current manifest, most likely '" + manifest + "')")
                + ", or use an empty directory for a new store");
    }

    /** Makes every file in the directory owner-only; files deleted meanwhile are skipped. */
    void restrictFiles() {
        if (!posix) {
            return;
        }
        for (Path f : files()) {
            try {
                if (Files.isRegularFile(f) && !Files.getPosixFilePermissions(f).equals(OWNER_FILE)) {
                    Files.setPosixFilePermissions(f, OWNER_FILE);
                }
            } catch (NoSuchFileException gone) {
                // an obsolete file RocksDB deleted while we looked
            } catch (IOException e) {
                log.warn("cannot make {} owner-only: {}", f, e.toString());
            }
        }
    }

    /**
     * Makes the files RocksDB creates owner-only every {@code period}, on a thread of its own, until
     * the returned handle is closed. A new file is open to others (as far as the directory lets them
     * in) only until the next pass.
     *
     * <p>Not from a RocksDB event listener: RocksJava builds a callback's argument by looking its
     * class up from RocksDB's own thread, which sees only the system class loader. Where rocksdbjni
     * is loaded by another (an application server, a web container, a Spring Boot jar), a flush's
     * lookup fails and the callback does nothing but print the error, and a compaction's crashed the
     * JVM (SIGSEGV in {@code OnCompactionCompleted}, seen in the Payara resource adapter test).
     */
    Pass keepOwnerOnly(Duration period) {
        return new Pass(posix ? period : null);
    }

    /** The periodic pass of {@link #keepOwnerOnly}; closing it stops it and waits for a pass under way. */
    final class Pass implements AutoCloseable {
        private final ScheduledExecutorService executor; // null where files have no POSIX permissions
        private long passes; // guarded by this: passes ended

        private Pass(Duration period) {
            if (period == null) {
                executor = null;
                return;
            }
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "pub-embedded-files " + path);
                t.setDaemon(true);
                return t;
            });
            long millis = period.toMillis();
            executor.scheduleWithFixedDelay(this::pass, millis, millis, TimeUnit.MILLISECONDS);
        }

        private void pass() {
            restrictFilesQuietly();
            synchronized (this) {
                passes++;
                notifyAll();
            }
        }

        /** Waits (at most {@code millis}) until a pass begun after this call has ended; for tests. */
        synchronized boolean awaitNextPass(long millis) throws InterruptedException {
            long ended = passes + 2; // the one under way, if any, may have listed the files before the call
            return Monitors.await(this, () -> passes >= ended, millis);
        }

        @Override
        public void close() {
            if (executor == null) {
                return;
            }
            executor.shutdownNow();
            boolean interrupted = false;
            while (!executor.isTerminated()) {
                try {
                    executor.awaitTermination(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // on the pass's thread, where an exception has nowhere to go
    private void restrictFilesQuietly() {
        try {
            restrictFiles();
        } catch (RuntimeException e) {
            log.warn("cannot make the files in {} owner-only: {}", path, e.toString());
        }
    }

    private List<Path> files() {
        try (Stream<Path> s = Files.list(path)) {
            return s.toList();
        } catch (IOException e) {
            throw new StoreException("cannot list the embedded store directory " + path + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
