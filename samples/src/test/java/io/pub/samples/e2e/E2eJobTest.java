package io.pub.samples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Settings;
import io.pub.couchbase.CouchbaseMockServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class E2eJobTest {

    /** Small, fast, quiet settings; {@code extra} overrides. */
    static Map<String, String> settings(String storeUrl, String... extra) {
        Map<String, String> s = new HashMap<>();
        s.put("PUB_STORE_URL", storeUrl);
        s.put("EVENT_COUNT", "100");
        s.put("PUBLISH_ROUNDS", "2");
        s.put("CONSUMER_BATCH_SIZE", "20");
        s.put("CONSUMER_EMPTY_POLL_WAIT", "20ms");
        s.put("METRICS_PORT", "0");
        s.put("METRICS_TIMEOUT", "0");
        s.put("TRACING_ENABLED", "false");
        s.put("PUB_HOUSEKEEPING_INTERVAL", "0");
        for (int i = 0; i < extra.length; i += 2) {
            s.put(extra[i], extra[i + 1]);
        }
        return s;
    }

    record Run(int exitCode, String output) {}

    static Run run(Map<String, String> settings) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = new E2eJob(Settings.only(settings), out).run();
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    static String mem() {
        return "mem:e2e-" + UUID.randomUUID();
    }

    @Test
    void everyEventArrivesOverJmsOnTheMemoryStore() {
        Run r = run(settings(mem()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        // each event goes to the topic (shared durable subscription) and to the queue
        assertThat(r.output())
                .contains("JMS: topic e2e-")
                .contains("published     400 (publish errors 0)")
                .contains("delivered     400 (unique 400, duplicates 0, redeliveries 0)")
                .contains("lost          0")
                .contains("queue       published 200, arrived 200, lost 0")
                .contains("topic       published 200, arrived 200, lost 0")
                .contains("result        OK")
                .containsPattern("latency       p50 \\d+\\.\\d+ ms, p99 \\d+\\.\\d+ ms")
                .containsPattern("throughput    [1-9][0-9.]* msg/s");
    }

    @Test
    void everyEventArrivesOnTheNativeApi() {
        Run r = run(settings(mem(), "E2E_API", "native"));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("native API: topic e2e-")
                .contains("published     200 (publish errors 0)")
                .contains("delivered     200 (unique 200, duplicates 0, redeliveries 0)")
                .contains("lost          0")
                .contains("result        OK");
    }

    @Test
    void everyEventArrivesOnTheEmbeddedStoreAndRerunsStartClean(@TempDir Path dir) {
        String url = "embedded:" + dir.resolve("pub-data");
        for (String api : new String[] {"jms", "native", "jms"}) {
            Run r = run(settings(url, "E2E_API", api, "PUBLISH_MESSAGES_PER_SEC", "2000"));
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).contains("lost          0").contains("duplicates 0");
        }
    }

    @Test
    void everyEventArrivesOnCouchbaseConfiguredWithTheSeedsVariables() {
        try (CouchbaseMockServer mock = CouchbaseMockServer.start()) {
            Map<String, String> s = settings(null, "PUB_RESCAN_INTERVAL", "200ms");
            s.remove("PUB_STORE_URL");
            s.put("COUCHBASE_CONNECTION_STRING", mock.storeUrlWithoutCredentials());
            s.put("COUCHBASE_USERNAME", CouchbaseMockServer.BUCKET);
            s.put("COUCHBASE_PASSWORD", CouchbaseMockServer.PASSWORD);
            Run r = run(s);
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output())
                    .contains("on couchbase://127.0.0.1:")
                    .contains("published     400")
                    .contains("lost          0");
        }
    }

    @Test
    void lostEventsMakeTheJobFail() {
        // ids end in the sequence number 0..99, twice: 10 of every 100 are dropped
        // the dropped events leave holes; consumers wait at each (offset order) until it is sealed
        Run jms = run(settings(
                "lossy:10:e2e-" + UUID.randomUUID(), "PUB_PUBLISH_TIMEOUT", "100ms", "CONSUMER_MAX_EMPTY_COUNT", "50"));
        assertThat(jms.exitCode()).as(jms.output()).isEqualTo(1);
        assertThat(jms.output())
                .contains("published     400")
                .contains("unique 360")
                .contains("lost          40")
                .contains("queue       published 200, arrived 180, lost 20")
                .contains("FAILED: 40 published events did not arrive");

        Run nat =
                run(settings("lossy:10:e2e-" + UUID.randomUUID(), "E2E_API", "native", "PUB_PUBLISH_TIMEOUT", "100ms"));
        assertThat(nat.exitCode()).as(nat.output()).isEqualTo(1);
        assertThat(nat.output())
                .contains("published     200")
                .contains("unique 180")
                .contains("lost          20");
    }

    @Test
    void badSettingsFailFastNamingTheSetting() {
        assertThat(run(settings(mem(), "EVENT_COUNT", "-5")))
                .satisfies(r -> assertThat(r.exitCode()).isEqualTo(2))
                .satisfies(r -> assertThat(r.output()).contains("EVENT_COUNT must be >= 1, was -5"));
        assertThat(run(settings(mem(), "CONSUMER_BATCH_SIZE", "many")).output())
                .contains("CONSUMER_BATCH_SIZE must be an integer");
        assertThat(run(settings(mem(), "TRACING_SAMPLE_RATE", "2")).output()).contains("TRACING_SAMPLE_RATE");
        assertThat(run(settings(mem(), "JAEGER_ENDPOINT", "localhost:4318")).output())
                .contains("JAEGER_ENDPOINT must be an http(s) URL");
        assertThat(run(settings(mem(), "LOG_LEVEL", "loud")).output()).contains("LOG_LEVEL must be one of");
        assertThat(run(settings(mem(), "E2E_API", "soap")).output()).contains("E2E_API must be jms or native");
        assertThat(run(settings(mem(), "METRICS_TIMEOUT", "soon")).output()).contains("METRICS_TIMEOUT");
        Run store = run(settings("nosuchstore://x"));
        assertThat(store.exitCode()).isEqualTo(2);
        assertThat(store.output()).contains("PUB_STORE_URL").contains("nosuchstore");
    }

    @Test
    void profilingWritesAFlightRecordingNamedInTheSummary(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("run.jfr");
        Run r = run(settings(mem(), "ENABLE_PROFILING", "true", "PROFILE_FILE", jfr.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("profile       " + jfr);
        assertThat(Files.size(jfr)).isPositive();
        try (var recording = jdk.jfr.consumer.RecordingFile.readAllEvents(jfr).stream()) {
            assertThat(recording.map(e -> e.getEventType().getName()))
                    .contains("jdk.ExecutionSample")
                    .contains("jdk.ObjectAllocationSample");
        }
    }
}
