package io.pub.samples.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pub.Settings;
import io.pub.samples.e2e.E2eJob;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus scrapes the e2e job every second; then every PromQL expression of the Grafana
 * dashboard is evaluated through Prometheus's HTTP API and must return data. Skipped when no
 * {@code prometheus} binary is on the PATH.
 */
@Timeout(120)
class PrometheusDashboardTest {
    private static final Path DASHBOARD = Path.of("..", "observability", "grafana", "dashboards", "pub.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Path prometheusBinary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "prometheus");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * A free port below the kernel's ephemeral range: Prometheus scrapes the job's port before the job
     * listens on it, and a connection to a port in that range can be given the same port as its own
     * local end (a TCP self-connect), which then holds it ("METRICS_PORT ... is in use").
     */
    static int freePortOutsideEphemeralRange() throws IOException {
        int low = 32768;
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(range)) {
            low = Integer.parseInt(Files.readString(range).trim().split("\\s+")[0]);
        }
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100 && low > 11_000; attempt++) {
            int port = 10_000 + random.nextInt(low - 10_000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        return freePort();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void everyDashboardQueryFindsDataFromAnE2eRun(@TempDir Path dir) throws Exception {
        Path binary = prometheusBinary();
        assumeTrue(binary != null, "no prometheus binary on the PATH");
        Map<String, List<String>> panels = dashboardQueries();
        assertThat(panels).isNotEmpty();

        int metricsPort = freePortOutsideEphemeralRange();
        int prometheusPort = freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(
                config,
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                        + "scrape_configs:\n  - job_name: pub-e2e\n    metrics_path: /metrics\n"
                        + "    static_configs:\n      - targets: ['127.0.0.1:" + metricsPort + "']\n");
        Process prometheus = new ProcessBuilder(
                        binary.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        String api = "http://127.0.0.1:" + prometheusPort;
        try {
            awaitReady(api, prometheus, dir.resolve("prometheus.log"));
            // targets are applied a few seconds after start: run the job only once scraping has begun
            await("prometheus scraped")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !query(api, "up{job=\"pub-e2e\"}").isEmpty());

            Map<String, String> s = new HashMap<>();
            s.put("PUB_STORE_URL", "mem:prom-" + UUID.randomUUID());
            s.put("EVENT_COUNT", "300");
            s.put("PUBLISH_BATCH_SIZE", "5");
            s.put("PUBLISH_MESSAGES_PER_SEC", "100"); // about 3 s: several scrapes while it runs
            s.put("CONSUMER_EMPTY_POLL_WAIT", "50ms");
            s.put("METRICS_PORT", Integer.toString(metricsPort));
            s.put("METRICS_TIMEOUT", "20s"); // ends after Prometheus's first scrape after the run
            s.put("TRACING_ENABLED", "false");
            s.put("E2E_API", "native"); // the engine's Consumer records pub.processing
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            E2eJob job = new E2eJob(Settings.only(s), new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(job.run()).as(out.toString(StandardCharsets.UTF_8)).isZero();
            String topic = "e2e-" + job.runId();

            // the final scrape is in once Prometheus has every published event
            String published = "sum(pub_published_total{topic=\"" + topic + "\"})";
            await("prometheus has every published event")
                    .atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(
                            () -> assertThat(value(query(api, published))).isEqualTo(300));

            List<String> empty = new ArrayList<>();
            panels.forEach((panel, exprs) -> {
                for (String expr : exprs) {
                    String promql = substitute(expr);
                    try {
                        JsonNode result = query(api, promql);
                        if (result.isEmpty()) {
                            empty.add(panel + ": " + promql);
                        }
                    } catch (Exception e) {
                        empty.add(panel + ": " + promql + " failed: " + e);
                    }
                }
            });
            assertThat(empty).as("dashboard queries without data").isEmpty();
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    /** Panel title to its PromQL expressions, from the dashboard (rows included). */
    static Map<String, List<String>> dashboardQueries() throws IOException {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        Map<String, List<String>> out = new LinkedHashMap<>();
        collect(dashboard.path("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, Map<String, List<String>> out) {
        for (JsonNode p : panels) {
            collect(p.path("panels"), out);
            for (JsonNode t : p.path("targets")) {
                String expr = t.path("expr").asText("");
                if (!expr.isBlank()) {
                    out.computeIfAbsent(p.path("title").asText(), k -> new ArrayList<>())
                            .add(expr);
                }
            }
        }
    }

    /** Grafana's variables as Grafana would fill them with "All" selected, over a short run. */
    static String substitute(String expr) {
        return expr.replace("$__rate_interval", "1m")
                .replace("$__interval", "1m")
                .replace("$__range", "5m")
                .replaceAll("\\$\\{?[A-Za-z_][A-Za-z0-9_]*(:[a-z]+)?}?", ".*");
    }

    private JsonNode query(String api, String promql) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(
                                api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        if (!"success".equals(body.path("status").asText())) {
            throw new AssertionError("query " + promql + " failed: " + r.body());
        }
        return body.path("data").path("result");
    }

    private static double value(JsonNode result) {
        return result.isEmpty() ? -1 : result.get(0).path("value").get(1).asDouble();
    }

    private void awaitReady(String api, Process prometheus, Path log) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!prometheus.isAlive()) {
                            throw new AssertionError("prometheus exited: " + Files.readString(log));
                        }
                        try {
                            return http.send(
                                                    HttpRequest.newBuilder(URI.create(api + "/-/ready"))
                                                            .timeout(Duration.ofSeconds(2))
                                                            .build(),
                                                    HttpResponse.BodyHandlers.ofString())
                                            .statusCode()
                                    == 200;
                        } catch (IOException notYet) {
                            return false; // still starting
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("prometheus not ready after 30 s: " + Files.readString(log), e);
        }
    }
}
