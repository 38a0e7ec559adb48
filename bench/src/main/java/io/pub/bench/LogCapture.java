package io.pub.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sends everything the brokers, stores and drivers log on standard error (slf4j-simple, JUL) to a file,
 * so the console shows only the benchmark's progress, its JSON lines and its table, and so the log can
 * be read afterwards.
 */
final class LogCapture {
    private final Path file;
    private final PrintStream console;

    private LogCapture(Path file, PrintStream console) {
        this.file = file;
        this.console = console;
    }

    /** Redirects System.err to a new log file; call before anything logs. */
    static LogCapture install() {
        try {
            Path file = Files.createTempFile("pub-bench-", ".log");
            PrintStream console = System.err;
            System.setErr(new PrintStream(new FileOutputStream(file.toFile(), true), true, StandardCharsets.UTF_8));
            return new LogCapture(file, console);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the benchmark's log file", e);
        }
    }

    /** Where progress and problems go: the original standard error. */
    PrintStream console() {
        return console;
    }

    Path file() {
        return file;
    }
}
