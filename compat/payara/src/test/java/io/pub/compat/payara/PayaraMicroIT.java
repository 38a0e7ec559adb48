package io.pub.compat.payara;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploys the WAR, with Pub's jars in WEB-INF/lib, to a real Payara Micro 7 (Jakarta EE 11, Weld)
 * started as a child process. Payara needs Java 21+: the test looks for such a JDK (PUB_JAVA21_HOME,
 * else /usr/lib/jvm) and is skipped, saying so, where there is none.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PayaraMicroIT {
    private final List<String> log = new CopyOnWriteArrayList<>();
    private Process payara;

    @TempDir
    Path work;

    @AfterEach
    void stop() throws Exception {
        if (payara != null) {
            payara.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anApplicationInjectingJmsDeploysBesideThePlatformsJMSContextAndUsesPub() throws Exception {
        Path java = java21().orElse(null);
        Assumptions.assumeTrue(java != null, "no Java 21+ found (set PUB_JAVA21_HOME); Payara Micro 7 needs it");
        int port = freePort();
        payara = new ProcessBuilder(
                        java.toString(),
                        "-Xmx768m",
                        "-DPUB_STORE_URL=embedded:" + work.resolve("store"),
                        "-jar",
                        System.getProperty("payara.jar"),
                        "--nocluster",
                        "--port",
                        String.valueOf(port),
                        "--rootdir",
                        work.resolve("payara").toString(),
                        "--deploy",
                        System.getProperty("war.file"))
                .redirectErrorStream(true)
                .start();
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(this::readUntilReady);
        boolean started;
        try {
            started = ready.get(4, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            started = false;
        }
        assertThat(started)
                .as("Payara Micro ready within 4 minutes; the end of its log:%n%s", tail(80))
                .isTrue();

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/pub-compat-payara/roundtrip?n=1"))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("%s%nserver log:%n%s", response.body(), severe())
                .isEqualTo(200);
        assertThat(response.body()).contains("received=hello 1");
        // the platform's JMSContext was injected, not a second one of Pub's
        assertThat(response.body()).doesNotContain("injectedContext=io.pub");
        assertThat(String.join("\n", log)).doesNotContain("WELD-001409").contains("Pub's JMSContext bean steps aside");
    }

    private String tail(int lines) {
        List<String> copy = new ArrayList<>(log);
        return String.join("\n", copy.subList(Math.max(0, copy.size() - lines), copy.size()));
    }

    /** The server's SEVERE entries and exceptions, for failure messages. */
    private String severe() {
        StringBuilder out = new StringBuilder();
        boolean in = false;
        for (String line : log) {
            if (line.contains("SEVERE") || line.contains("Exception")) {
                in = true;
            } else if (line.startsWith("[")) {
                in = false;
            }
            if (in && out.length() < 20_000) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private boolean readUntilReady() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(payara.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean ready = false;
            while ((line = r.readLine()) != null) {
                log.add(line);
                if (!ready && line.contains("Payara Micro") && line.contains("ready")) {
                    ready = true;
                    // keep draining the log on this thread so the server never blocks on a full pipe
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

    static Optional<Path> java21() throws IOException {
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
