package io.pub.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a main class of the test class path in a separate JVM, as crash tests need. */
final class ChildJvm {
    private ChildJvm() {}

    static Process start(Class<?> main, Path stderr, String... args) throws IOException {
        return builder(main, stderr, args).start();
    }

    /** Standard output goes to {@code stdout}, where it survives the child being killed. */
    static Process startToFile(Class<?> main, Path stdout, Path stderr, String... args) throws IOException {
        return builder(main, stderr, args)
                .redirectOutput(ProcessBuilder.Redirect.to(stdout.toFile()))
                .start();
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
}
