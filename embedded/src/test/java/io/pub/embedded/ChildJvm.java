package io.pub.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Starts a main class of the test class path in a separate JVM, as crash tests need. */
final class ChildJvm {
    private ChildJvm() {}

    static Process start(Class<?> main, Path stderr, String... args) throws IOException {
        return builder(main, stderr, args).start();
    }

    private static ProcessBuilder builder(Class<?> main, Path stderr, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.to(stderr.toFile()));
    }

    static BufferedReader stdout(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * A child's standard output, read as it comes, so a test waits for the lines it needs instead of
     * polling a file. What the child wrote before it was killed stays in the pipe and is still read;
     * the last line may be cut short by the kill.
     */
    static final class Output {
        private final List<String> lines = new ArrayList<>();
        private boolean ended;

        Output(Process child) {
            Thread reader = new Thread(() -> read(stdout(child)), "child-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        private void read(BufferedReader in) {
            try (in) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (this) {
                        lines.add(line);
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // the pipe broke with the child: what was read stands
            } finally {
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
            }
        }

        /** Waits until the lines so far satisfy {@code condition}, the output ends, or {@code timeout}; true if satisfied. */
        synchronized boolean await(Predicate<List<String>> condition, Duration timeout) throws InterruptedException {
            Monitors.await(this, () -> ended || condition.test(lines), timeout.toMillis());
            return condition.test(lines);
        }

        /** Every line, once the output ended (the child exited or was killed), or those read within {@code timeout}. */
        synchronized List<String> all(Duration timeout) throws InterruptedException {
            await(l -> false, timeout);
            return List.copyOf(lines);
        }
    }
}
