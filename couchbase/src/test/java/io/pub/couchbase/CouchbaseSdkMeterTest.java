package io.pub.couchbase;

import static org.assertj.core.api.Assertions.assertThat;

import com.couchbase.client.core.cnc.metrics.LoggingMeter;
import java.net.URI;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SDK's logging meter is off unless the URL turns it on: its latency statistics start a pause
 * detector of three threads that wake every millisecond for the rest of the JVM's life, closed store
 * or not, which on a small machine costs the store's own threads their cores.
 */
@Timeout(60)
class CouchbaseSdkMeterTest {
    private CouchbaseMockServer mock;

    @BeforeEach
    void start() {
        mock = CouchbaseMockServer.start();
    }

    @AfterEach
    void stop() {
        mock.close();
    }

    private CouchbaseController connect(String extra) {
        CouchbaseConfig config = CouchbaseConfig.from(URI.create(mock.storeUrl() + extra), mock.settings());
        return Connector.connect(config, Clock.systemUTC());
    }

    @Test
    void theSdksLoggingMeterIsOffByDefault() {
        CouchbaseController store = connect("");
        try {
            assertThat(store.sdkMeter()).isNotInstanceOf(LoggingMeter.class);
        } finally {
            store.close();
        }
    }

    @Test
    void theUrlCanTurnItBackOn() {
        CouchbaseController store = connect("&loggingMeter.enabled=true");
        try {
            assertThat(store.sdkMeter()).isInstanceOf(LoggingMeter.class);
        } finally {
            store.close();
        }
    }
}
