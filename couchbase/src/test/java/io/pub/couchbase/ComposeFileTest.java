package io.pub.couchbase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml and the observability provisioning agree with the code's defaults: bucket,
 * scope and collections of the Couchbase store, the metrics port the e2e job serves on, the OTLP
 * port traces go to, and the metric names the dashboard queries.
 */
class ComposeFileTest {
    /** The README's defaults of the e2e job (samples): METRICS_PORT and JAEGER_ENDPOINT's port. */
    static final int METRICS_PORT = 9090;

    static final int OTLP_HTTP_PORT = 4318;
    static final List<String> METRICS = List.of(
            "pub_published_total",
            "pub_publish_errors_total",
            "pub_publish_batch_size",
            "pub_delivered_total",
            "pub_acked_total",
            "pub_redelivered_total",
            "pub_dead_lettered_total",
            "pub_consumer_lag",
            "pub_leases_live",
            "pub_processing_seconds",
            "pub_store_op_seconds");

    static Path root;
    static JsonNode compose;
    static final YAMLMapper YAML = new YAMLMapper();

    @BeforeAll
    static void read() throws IOException {
        root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("docker-compose.yml"))) {
            root = root.getParent();
            assertThat(root)
                    .as("docker-compose.yml above the working directory")
                    .isNotNull();
        }
        compose = YAML.readTree(root.resolve("docker-compose.yml").toFile());
    }

    private static JsonNode service(String name) {
        JsonNode s = compose.path("services").path(name);
        assertThat(s.isObject()).as("service %s", name).isTrue();
        return s;
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void couchbaseInitCreatesWhatTheStoreExpects() {
        JsonNode init = service("couchbase-init");
        JsonNode env = init.path("environment");
        assertThat(env.path("COUCHBASE_BUCKET_NAME").asText()).isEqualTo(CouchbaseConfig.DEFAULT_BUCKET);
        assertThat(env.path("COUCHBASE_SCOPE_NAME").asText()).isEqualTo(CouchbaseConfig.DEFAULT_SCOPE);
        assertThat(List.of(env.path("PUB_COLLECTIONS").asText().split(" ")))
                .containsExactlyElementsOf(Keyspace.COLLECTIONS);
        String script = String.join("\n", strings(init.path("command")));
        assertThat(script).contains("bucket-create", "--create-scope", "--create-collection", "$$PUB_COLLECTIONS");
        assertThat(init.path("depends_on").path("couchbase").path("condition").asText())
                .isEqualTo("service_healthy");
        // the same server the Testcontainers tests run against
        assertThat(service("couchbase").path("image").asText()).isEqualTo(RealCouchbase.IMAGE);
        assertThat(init.path("image").asText()).isEqualTo(RealCouchbase.IMAGE);
        assertThat(CouchbaseConfig.DEFAULT_SCOPE).isEqualTo(RealCouchbase.SCOPE);
        assertThat(strings(service("couchbase").path("ports"))).contains("11210:11210");
    }

    @Test
    void prometheusScrapesTheMetricsPortOfTheHost() throws IOException {
        JsonNode prometheus = service("prometheus");
        assertThat(strings(prometheus.path("ports"))).containsExactly("9091:9090");
        assertThat(strings(prometheus.path("extra_hosts"))).contains("host.docker.internal:host-gateway");
        assertThat(strings(prometheus.path("volumes")))
                .contains("./observability/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");

        JsonNode config = YAML.readTree(
                root.resolve("observability/prometheus/prometheus.yml").toFile());
        JsonNode pub = null;
        for (JsonNode job : config.path("scrape_configs")) {
            if (job.path("job_name").asText().equals("pub")) {
                pub = job;
            }
        }
        assertThat(pub).as("scrape job 'pub'").isNotNull();
        assertThat(pub.path("metrics_path").asText()).isEqualTo("/metrics");
        assertThat(strings(pub.path("static_configs").path(0).path("targets")))
                .containsExactly("host.docker.internal:" + METRICS_PORT);
    }

    @Test
    void grafanaIsProvisionedWithPrometheusAndThePubDashboard() throws IOException {
        JsonNode grafana = service("grafana");
        assertThat(strings(grafana.path("ports"))).containsExactly("3000:3000");
        assertThat(grafana.path("environment").path("GF_SECURITY_ADMIN_USER").asText())
                .isEqualTo("admin");
        assertThat(grafana.path("environment")
                        .path("GF_SECURITY_ADMIN_PASSWORD")
                        .asText())
                .isEqualTo("admin");
        assertThat(strings(grafana.path("volumes")))
                .contains(
                        "./observability/grafana/provisioning:/etc/grafana/provisioning:ro",
                        "./observability/grafana/dashboards:/var/lib/grafana/dashboards:ro");

        JsonNode datasources =
                YAML.readTree(root.resolve("observability/grafana/provisioning/datasources/datasources.yml")
                        .toFile());
        JsonNode prom = datasources.path("datasources").path(0);
        assertThat(prom.path("type").asText()).isEqualTo("prometheus");
        // Grafana reaches Prometheus inside the compose network on its container port
        assertThat(prom.path("url").asText()).isEqualTo("http://prometheus:9090");
        String uid = prom.path("uid").asText();

        JsonNode providers = YAML.readTree(root.resolve("observability/grafana/provisioning/dashboards/dashboards.yml")
                .toFile());
        assertThat(providers
                        .path("providers")
                        .path(0)
                        .path("options")
                        .path("path")
                        .asText())
                .isEqualTo("/var/lib/grafana/dashboards");

        JsonNode dashboard = new ObjectMapper()
                .readTree(root.resolve("observability/grafana/dashboards/pub.json")
                        .toFile());
        assertThat(dashboard.path("uid").asText()).isEqualTo("pub");
        List<String> exprs = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            titles.add(panel.path("title").asText());
            assertThat(panel.path("datasource").path("uid").asText())
                    .as("datasource of %s", panel.path("title").asText())
                    .isEqualTo(uid);
            panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
        }
        for (String metric : METRICS) {
            assertThat(exprs).as("a panel queries %s", metric).anyMatch(e -> e.contains(metric));
        }
        assertThat(String.join("\n", exprs)).contains("histogram_quantile(0.99", "pub_processing_seconds_bucket");
        assertThat(titles)
                .contains(
                        "Publish rate",
                        "Deliveries",
                        "Acks",
                        "Redeliveries",
                        "Dead letters",
                        "Consumer lag",
                        "Live leases",
                        "Processing latency percentiles",
                        "Store operation latency");
    }

    @Test
    void jaegerTakesOtlpOverHttp() {
        JsonNode jaeger = service("jaeger");
        assertThat(jaeger.path("image").asText()).startsWith("jaegertracing/all-in-one");
        assertThat(strings(jaeger.path("ports"))).contains("16686:16686", OTLP_HTTP_PORT + ":" + OTLP_HTTP_PORT);
        assertThat(jaeger.path("environment").path("COLLECTOR_OTLP_ENABLED").asText())
                .isEqualTo("true");
    }
}
