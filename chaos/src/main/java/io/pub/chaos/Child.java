package io.pub.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One incarnation of a child JVM: a {@link Worker} started with this JVM's class path, killed with
 * SIGKILL ({@link Process#destroyForcibly()}), paused and resumed with SIGSTOP and SIGCONT.
 */
final class Child {
    final String name;
    final Path journal;
    private final Process process;
    private boolean paused;

    private Child(String name, Path journal, Process process) {
        this.name = name;
        this.journal = journal;
        this.process = process;
    }

    static Child start(String name, Path dir, List<String> workerArgs, String heap) {
        Path journal = dir.resolve(name + ".journal");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+UseSerialGC"); // small, predictable JVMs: many of them share two cores
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(Worker.class.getName());
        cmd.add("name=" + name);
        cmd.add("journal=" + journal);
        cmd.addAll(workerArgs);
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve(name + ".log").toFile()))
                    .start();
            return new Child(name, journal, p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start child JVM " + name, e);
        }
    }

    /**
     * This JVM's class path: {@code java.class.path}, or, when run inside Maven ({@code exec:java}, where
     * that is Maven's own), the URLs of the class loader that loaded this class.
     */
    static String classPath() {
        if (Child.class.getClassLoader() instanceof URLClassLoader l && l != ClassLoader.getSystemClassLoader()) {
            List<String> parts = new ArrayList<>();
            for (URL u : l.getURLs()) {
                try {
                    parts.add(Path.of(u.toURI()).toString());
                } catch (Exception e) {
                    throw new IllegalStateException("class path entry is not a file: " + u, e);
                }
            }
            return String.join(java.io.File.pathSeparator, parts);
        }
        return System.getProperty("java.class.path");
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    boolean isPaused() {
        return paused;
    }

    /** SIGKILL, without waiting. */
    void killNow() {
        process.destroyForcibly();
    }

    /** SIGKILL; returns once the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("child " + name + " (pid " + pid() + ") survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        paused = false;
    }

    void pause() {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT; false if the process is gone (it died while paused). */
    boolean resume() {
        paused = false;
        if (!process.isAlive()) {
            return false;
        }
        signal("CONT");
        return true;
    }

    private void signal(String sig) {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid()))
                    .redirectErrorStream(true)
                    .start();
            if ((!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) && process.isAlive()) {
                throw new IllegalStateException("kill -" + sig + " " + pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + sig, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the child to exit by itself; returns its exit code, or -1 if it did not exit in time. */
    int awaitExit(long seconds) {
        try {
            if (process.waitFor(seconds, TimeUnit.SECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }
}
