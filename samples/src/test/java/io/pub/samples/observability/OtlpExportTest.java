package io.pub.samples.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.pub.Settings;
import io.pub.samples.e2e.E2eJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The e2e job's spans really leave over OTLP/HTTP, and a collector that is down costs one warning. */
@Timeout(60)
class OtlpExportTest {

    static Map<String, String> settings(String endpoint, String... extra) {
        Map<String, String> s = new HashMap<>();
        s.put("PUB_STORE_URL", "mem:otlp-" + UUID.randomUUID());
        s.put("EVENT_COUNT", "20");
        s.put("CONSUMER_EMPTY_POLL_WAIT", "20ms");
        s.put("METRICS_ENABLED", "false");
        s.put("TRACING_ENABLED", "true");
        s.put("E2E_API", "native"); // the JMS provider does not take an OpenTelemetry yet
        s.put("TRACING_SERVICE_NAME", "otlp-test-service");
        s.put("JAEGER_ENDPOINT", endpoint);
        for (int i = 0; i < extra.length; i += 2) {
            s.put(extra[i], extra[i + 1]);
        }
        return s;
    }

    static int run(Map<String, String> settings, ByteArrayOutputStream out) {
        return new E2eJob(Settings.only(settings), new PrintStream(out, true, StandardCharsets.UTF_8)).run();
    }

    record Post(String path, String contentType, byte[] body) {
        boolean contains(String text) {
            return new String(body, StandardCharsets.ISO_8859_1).contains(text);
        }
    }

    @Test
    void spansArePostedAsOtlpProtobufToTheEndpoint() throws Exception {
        List<Post> posts = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        collector.createContext("/", exchange -> {
            try (exchange) {
                posts.add(new Post(
                        exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        exchange.getRequestBody().readAllBytes()));
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
            }
        });
        collector.start();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = run(settings("http://127.0.0.1:" + collector.getAddress().getPort()), out);
            assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
        } finally {
            collector.stop(0);
        }
        assertThat(posts).isNotEmpty();
        assertThat(posts).allSatisfy(p -> {
            assertThat(p.path()).isEqualTo("/v1/traces");
            assertThat(p.contentType()).isEqualTo("application/x-protobuf");
        });
        // protobuf keeps strings as UTF-8 bytes: the resource and span names are readable in the body
        assertThat(posts)
                .anySatisfy(p -> assertThat(p.contains("otlp-test-service")).isTrue());
        assertThat(posts).anySatisfy(p -> assertThat(p.contains("publish e2e-")).isTrue());
        assertThat(posts).anySatisfy(p -> assertThat(p.contains("process e2e-")).isTrue());
        assertThat(posts)
                .anySatisfy(p -> assertThat(p.contains("pub.store append")).isTrue());
    }

    @Test
    void aDeadEndpointDoesNotDisturbDeliveryAndWarnsOnce() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        long started = System.nanoTime();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            // about 3 s of publishing: several export rounds, each of which fails
            code = run(
                    settings(
                            "http://127.0.0.1:" + dead,
                            "EVENT_COUNT",
                            "150",
                            "PUBLISH_BATCH_SIZE",
                            "5",
                            "PUBLISH_MESSAGES_PER_SEC",
                            "50"),
                    out);
        } finally {
            System.setErr(stderr);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out + log).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("published     150")
                .contains("lost          0");
        assertThat(log.split("cannot export traces", -1)).as(log).hasSize(2);
        assertThat(log).doesNotContain("Failed to export");
        assertThat(seconds).as("shutdown must not hang on the dead endpoint").isLessThan(20);
    }
}
