package io.pub.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which process holds an embedded store open: RocksDB locks the file LOCK in the store's directory
 * with a POSIX lock, which Linux lists in /proc/locks by device and inode. Only reads: trying the
 * lock instead would, for an instant, keep the application itself from opening its store.
 */
final class LockHolder {
    // "1: POSIX  ADVISORY  WRITE 12345 08:01:1234567 0 EOF"; waiters are listed with "->"
    private static final Pattern LINE =
            Pattern.compile("^\\d+:\\s+\\S+\\s+\\S+\\s+\\S+\\s+(\\d+)\\s+([0-9a-fA-F]+):([0-9a-fA-F]+):(\\d+)\\s.*");

    private LockHolder() {}

    /** The id of the process holding the store in {@code directory}; empty if none, or if it cannot be told. */
    static OptionalLong of(Path directory) {
        return of(directory, Path.of("/proc/locks"));
    }

    static OptionalLong of(Path directory, Path procLocks) {
        Path lock = directory.resolve("LOCK");
        try {
            if (!Files.exists(lock) || !Files.isReadable(procLocks)) {
                return OptionalLong.empty();
            }
            long inode = ((Number) Files.getAttribute(lock, "unix:ino")).longValue();
            long dev = ((Number) Files.getAttribute(lock, "unix:dev")).longValue();
            // glibc's encoding of st_dev
            long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
            long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
            List<String> lines = Files.readAllLines(procLocks);
            for (String l : lines) {
                Matcher m = LINE.matcher(l);
                if (m.matches()
                        && Long.parseLong(m.group(4)) == inode
                        && Long.parseLong(m.group(2), 16) == major
                        && Long.parseLong(m.group(3), 16) == minor) {
                    return OptionalLong.of(Long.parseLong(m.group(1)));
                }
            }
            return OptionalLong.empty();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return OptionalLong.empty(); // not Linux, or no unix attributes: nobody can tell
        }
    }
}
