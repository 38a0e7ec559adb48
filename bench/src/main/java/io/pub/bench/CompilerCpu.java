package io.pub.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of this JVM's JIT compiler threads, read from Linux's {@code /proc/self/task}: while a
 * target's code is still being compiled (its first scenarios in a fresh JVM, on two cores) the
 * compilers can take a third of the process's CPU or more, so the report shows how much of a target's
 * CPU per message is its code being compiled rather than run. Per thread, since HotSpot starts and stops
 * compiler threads as it needs them: a thread that ended during a run takes its time with it, so
 * the figure is a lower bound. Ticks are the kernel's USER_HZ (100 a second, 10 ms each).
 */
final class CompilerCpu {
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final long NANOS_PER_TICK = 10_000_000L;

    private CompilerCpu() {}

    /** Ticks of user and system time by compiler thread id; null where {@code /proc} cannot be read. */
    static Map<String, Long> byThread() {
        if (!Files.isDirectory(TASKS)) {
            return null;
        }
        Map<String, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                Long t = compilerTicks(task);
                if (t != null) {
                    ticks.put(task.getFileName().toString(), t);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return ticks;
    }

    /** Compiler CPU since {@code before} (from {@link #byThread}), in nanoseconds; null if unknown. */
    static Long since(Map<String, Long> before) {
        Map<String, Long> now = byThread();
        if (before == null || now == null) {
            return null;
        }
        long ticks = 0;
        for (Map.Entry<String, Long> e : now.entrySet()) {
            ticks += e.getValue() - before.getOrDefault(e.getKey(), 0L); // a new thread: all of its time
        }
        return ticks * NANOS_PER_TICK;
    }

    /** A task's utime + stime if it is a compiler thread ("C1 CompilerThre", "C2 CompilerThre"), else null. */
    private static Long compilerTicks(Path task) {
        try {
            String name = Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII)
                    .strip();
            if (!name.startsWith("C1 Compiler") && !name.startsWith("C2 Compiler")) {
                return null;
            }
            String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
            // the name in parentheses may hold spaces: the fields after it are counted from its end
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15: utime, stime
        } catch (IOException | RuntimeException e) {
            return null; // the thread ended meanwhile
        }
    }
}
