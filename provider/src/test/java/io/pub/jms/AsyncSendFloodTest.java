package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session that sends asynchronously in a loop, faster than the store writes, in a JVM with a
 * 64 MiB heap: the send window holds the sender back, so the heap does not run out, every send's
 * CompletionListener is called, and close returns. Without the window the sends piled up until an
 * OutOfMemoryError, the listeners of the sends in flight were never called and close waited for ever.
 */
@Timeout(180)
class AsyncSendFloodTest {
    private static final int COUNT = 100_000;
    private static final int SIZE = 2048;

    @Test
    void aFloodOfAsyncSendsInASmallHeapIsHeldBackAndEverySendIsAnswered(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("store");
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx64m",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-cp",
                        System.getProperty("java.class.path"),
                        FloodChild.class.getName(),
                        "embedded:" + store,
                        Integer.toString(COUNT),
                        Integer.toString(SIZE))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        boolean exited = p.waitFor(150, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        String errors = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(exited)
                .as("the child finished (close returned); stdout %s, stderr %s", lines, errors)
                .isTrue();
        assertThat(errors).doesNotContain("OutOfMemoryError");
        assertThat(p.exitValue()).as("exit code; stderr %s", errors).isZero();
        assertThat(lines).contains("DONE sent=" + COUNT + " completed=" + COUNT + " failed=0");
        deleteTree(store);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
