package io.pub.cli;

import io.pub.Settings;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * What a command runs with: the settings (system properties, then the environment), a clock, the
 * standard streams, and how it waits. Tests hand in their own, so the whole tool runs in their JVM.
 */
record Env(Settings settings, Clock clock, InputStream in, PrintStream out, PrintStream err, Pause pause) {

    /** Waits between the refreshes of {@code pub stat}, the polls of {@code pub receive} and the like. */
    @FunctionalInterface
    interface Pause {
        void pause(Duration d) throws InterruptedException;
    }

    static Env system() {
        return new Env(Settings.fromEnvironment(), Clock.systemUTC(), System.in, System.out, System.err, d -> {
            if (!d.isZero() && !d.isNegative()) {
                Thread.sleep(d.toMillis());
            }
        });
    }

    BufferedReader reader() {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
}
