package io.pub.compat.payara;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Payara Micro 7 server in a child process on a Java 21+ JDK, its log kept for failure messages.
 * Shared with the resource adapter's tests (compat/payara-ra) through this module's test jar.
 */
public final class PayaraProcess implements AutoCloseable {
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Process process;
    public final int port;

    private PayaraProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the server with {@code deployments} (in order) and waits until it says it is ready. A server
     * that exits before that (for instance because another process took the free port it was given in the
     * meantime) is started again, up to three times in all, on a new port and root directory; one that is
     * still starting after 4 minutes is not.
     */
    public static PayaraProcess start(Path java, Path rootDir, List<String> systemProperties, List<Path> deployments)
            throws Exception {
        StringBuilder exits = new StringBuilder();
        for (int attempt = 1; attempt <= 3; attempt++) {
            Path root = attempt == 1 ? rootDir : rootDir.resolveSibling(rootDir.getFileName() + "-" + attempt);
            PayaraProcess p = launch(java, root, systemProperties, deployments);
            CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(p::readUntilReady);
            boolean started;
            try {
                started = ready.get(4, TimeUnit.MINUTES);
            } catch (java.util.concurrent.TimeoutException e) {
                String tail = p.tail(120);
                p.close();
                throw new AssertionError("Payara Micro was not ready within 4 minutes; the end of its log:\n" + tail);
            }
            if (started) {
                return p;
            }
            // the log ended without the ready line: the server exited
            p.process.waitFor(60, TimeUnit.SECONDS);
            String exit = p.process.isAlive() ? "closed its output" : "exited with code " + p.process.exitValue();
            exits.append(String.format(
                    "%nattempt %d (port %d) %s before it was ready; the end of its log:%n%s%n",
                    attempt, p.port, exit, p.tail(60)));
            p.close();
        }
        throw new AssertionError("Payara Micro did not start in 3 attempts:" + exits);
    }

    private static PayaraProcess launch(Path java, Path rootDir, List<String> systemProperties, List<Path> deployments)
            throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx768m"));
        systemProperties.forEach(p -> command.add("-D" + p));
        command.addAll(List.of(
                "-jar",
                System.getProperty("payara.jar"),
                "--nocluster",
                "--port",
                String.valueOf(port),
                "--rootdir",
                rootDir.toString()));
        for (Path d : deployments) {
            command.add("--deploy");
            command.add(d.toString());
        }
        return new PayaraProcess(
                new ProcessBuilder(command).redirectErrorStream(true).start(), port);
    }

    /** Kills the server at once (SIGKILL): nothing it had not committed survives. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    }

    /** The whole log so far. */
    public String log() {
        return String.join("\n", log);
    }

    /** The log lines containing {@code text}. */
    public List<String> grep(String text) {
        return log.stream().filter(l -> l.contains(text)).toList();
    }

    public String tail(int lines) {
        List<String> copy = new ArrayList<>(log);
        return String.join("\n", copy.subList(Math.max(0, copy.size() - lines), copy.size()));
    }

    /** The server's SEVERE and WARNING entries and exceptions, for failure messages. */
    public String problems() {
        StringBuilder out = new StringBuilder();
        boolean in = false;
        for (String line : log) {
            if (line.contains("SEVERE") || line.contains("WARNING") || line.contains("Exception")) {
                in = true;
            } else if (line.startsWith("[")) {
                in = false;
            }
            if (in && out.length() < 30_000) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private boolean readUntilReady() {
        try {
            BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                log.add(line);
                if (line.contains("Payara Micro") && line.contains("ready")) {
                    // keep draining the log so that the server never blocks on a full pipe
                    CompletableFuture.runAsync(() -> drain(r));
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private void drain(BufferedReader r) {
        try {
            String line;
            while ((line = r.readLine()) != null) {
                log.add(line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** A Java 21+ JDK: PUB_JAVA21_HOME, else the first under /usr/lib/jvm. */
    public static Optional<Path> java21() throws IOException {
        List<Path> homes = new ArrayList<>();
        String env = System.getenv("PUB_JAVA21_HOME");
        if (env != null && !env.isBlank()) {
            homes.add(Path.of(env));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> s = Files.list(jvms)) {
                s.sorted().forEach(homes::add);
            }
        }
        for (Path home : homes) {
            Path java = home.resolve("bin/java");
            if (Files.isExecutable(java) && major(home) >= 21) {
                return Optional.of(java);
            }
        }
        return Optional.empty();
    }

    private static int major(Path home) throws IOException {
        Path release = home.resolve("release");
        if (!Files.exists(release)) {
            return 0;
        }
        for (String line : Files.readAllLines(release)) {
            if (line.startsWith("JAVA_VERSION=")) {
                String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                try {
                    return Integer.parseInt(v.split("[.\\-+]")[0]);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
