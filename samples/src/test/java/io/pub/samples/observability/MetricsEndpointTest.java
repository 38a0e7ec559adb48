package io.pub.samples.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pub.Settings;
import io.pub.samples.e2e.E2eJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scrapes the e2e job's /metrics after a run (while it waits for its final scrape). */
@Timeout(60)
class MetricsEndpointTest {

    @Test
    void theJobServesEveryDocumentedSeriesWithTheRunsFigures() throws Exception {
        Map<String, String> s = new HashMap<>();
        s.put("PUB_STORE_URL", "mem:metrics-" + UUID.randomUUID());
        s.put("EVENT_COUNT", "100");
        s.put("PUBLISH_ROUNDS", "2");
        s.put("PUBLISH_BATCH_SIZE", "10");
        s.put("CONSUMER_EMPTY_POLL_WAIT", "20ms");
        s.put("METRICS_PORT", "0");
        s.put("METRICS_TIMEOUT", "30s");
        s.put("TRACING_ENABLED", "false");
        s.put("E2E_API", "native"); // the engine's Consumer records pub.processing
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        E2eJob job = new E2eJob(Settings.only(s), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(job::run);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() ->
                        exit.isDone() || bytes.toString(StandardCharsets.UTF_8).contains("waiting up to"));
        assertThat(exit).as(bytes.toString(StandardCharsets.UTF_8)).isNotDone();
        System.gc(); // the engine is closed by now: its gauges must still read, not NaN
        String body = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                        + job.observability().metricsPort() + "/metrics"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        // the scrape after the run lets the job end at once rather than after METRICS_TIMEOUT
        assertThat(exit.get(10, TimeUnit.SECONDS))
                .as(bytes.toString(StandardCharsets.UTF_8))
                .isZero();

        PrometheusText m = PrometheusText.parse(body);
        String topic = "e2e-" + job.runId();
        String[] t = {"topic", topic};
        String[] sub = {"topic", topic, "subscription", "e2e"};
        assertThat(m.sum("pub_published_total", t)).isEqualTo(200);
        assertThat(m.sum("pub_publish_errors_total", t)).isZero();
        assertThat(m.sum("pub_publish_batch_size_count", t)).isEqualTo(20);
        assertThat(m.sum("pub_publish_batch_size_sum", t)).isEqualTo(200);
        assertThat(m.sum("pub_publish_batch_size_max", t)).isEqualTo(10);
        assertThat(m.sum("pub_publish_latency_seconds_count", t)).isEqualTo(20);
        assertThat(m.sum("pub_delivered_total", sub)).isEqualTo(200);
        assertThat(m.sum("pub_acked_total", sub)).isEqualTo(200);
        assertThat(m.sum("pub_redelivered_total", sub)).isZero();
        assertThat(m.sum("pub_dead_lettered_total", sub)).isZero();
        assertThat(m.sum("pub_processing_seconds_count", "topic", topic, "outcome", "success"))
                .isEqualTo(200);
        assertThat(m.find("pub_processing_seconds_bucket", sub)).isNotEmpty();
        assertThat(m.find("pub_consumer_lag", sub))
                .extracting(x -> x.labels().get("shard"))
                .containsExactlyInAnyOrder("0", "1", "2", "3");
        assertThat(m.sum("pub_consumer_lag", sub)).isZero(); // everything acked
        assertThat(m.sum("pub_leases_live", sub)).isZero(); // and no lease left
        assertThat(m.sum("pub_store_op_seconds_count", "op", "append", "store", "mem"))
                .isEqualTo(20);
        for (String op : new String[] {"leaseNext", "markDone", "cursor", "createTopic", "deleteTopic"}) {
            assertThat(m.sum("pub_store_op_seconds_count", "op", op)).as(op).isPositive();
        }
        assertThat(m.find("pub_store_op_seconds_bucket", "op", "leaseNext")).isNotEmpty();
        assertThat(m.find("pub_published_total", t).get(0).labels()).containsEntry("application", "pub-e2e");
        // JVM and process binders
        assertThat(m.sum("jvm_memory_used_bytes")).isPositive();
        assertThat(m.find("jvm_gc_memory_allocated_bytes_total")).isNotEmpty();
        assertThat(m.sum("jvm_threads_live_threads")).isPositive();
        assertThat(m.sum("system_cpu_count")).isPositive();
        assertThat(m.find("process_cpu_usage")).isNotEmpty();
        assertThat(m.sum("process_uptime_seconds")).isPositive();
    }
}
