package io.pub.cli;

import io.pub.Pub;
import io.pub.Settings;
import io.pub.couchbase.CouchbaseMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The stores the tool's tests run on: a fresh embedded store in a test's directory, and one
 * CouchbaseMock per test JVM, emptied for each test. {@link #pub} opens the engine on it as an
 * application would; on the embedded store it must be closed before the tool runs (one process at a
 * time may write), which {@link #with} does.
 */
enum TestStore {
    EMBEDDED,
    COUCHBASE;

    /**
     * For the tests' applications and for the tool alike; a JMS connection's engine closes with the
     * connection (PUB_STORE_LINGER=0), so the tool can open the embedded store right after.
     */
    static final Settings SETTINGS = Settings.only(Map.of(
            "PUB_HOUSEKEEPING_INTERVAL",
            "0",
            "PUB_SHARDS",
            "2",
            "PUB_STORE_LINGER",
            "0",
            "PUB_RESCAN_INTERVAL",
            "100ms"));

    private static CouchbaseMockServer mock;

    /** A store URL for this test: an empty store. */
    String url(Path tmp) {
        return switch (this) {
            case EMBEDDED -> "embedded:" + tmp.resolve("store");
            case COUCHBASE -> {
                CouchbaseMockServer m = mock();
                m.flush();
                // the tests count heads exactly: no offsets reserved ahead of a producer, which
                // would count in heads (README: "pub topics")
                yield m.storeUrl() + "&reserveLinger=0ms";
            }
        };
    }

    static synchronized CouchbaseMockServer mock() {
        if (mock == null) {
            mock = CouchbaseMockServer.start();
            Runtime.getRuntime().addShutdownHook(new Thread(mock::close));
        }
        return mock;
    }

    static Pub pub(String url) {
        return Pub.builder()
                .url(url)
                .settings(SETTINGS)
                .config(Pub.Config.from(SETTINGS).withHousekeepingInterval(Duration.ZERO))
                .build();
    }

    interface Work {
        void run(Pub pub) throws Exception;
    }

    /** Opens the engine on the store, does the work, closes it. */
    static void with(String url, Work work) throws Exception {
        try (Pub pub = pub(url)) {
            work.run(pub);
        }
    }
}
