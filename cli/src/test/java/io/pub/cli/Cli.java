package io.pub.cli;

import io.pub.Settings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** Runs the tool in the test's JVM, as `pub ARGS` would run, and keeps what it printed. */
final class Cli {
    /** Only the test's settings: nothing from the machine's environment leaks into a test. */
    static final Settings SETTINGS = TestStore.SETTINGS;

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {}

    static Result run(String... args) {
        return run("", d -> {}, args);
    }

    static Result withInput(String stdin, String... args) {
        return run(stdin, d -> {}, args);
    }

    static Result run(String stdin, Env.Pause pause, String... args) {
        return run(Clock.systemUTC(), stdin, pause, args);
    }

    static Result run(Clock clock, String stdin, Env.Pause pause, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Env env = new Env(
                SETTINGS,
                clock,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                pause);
        int code = PubCli.run(env, args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
