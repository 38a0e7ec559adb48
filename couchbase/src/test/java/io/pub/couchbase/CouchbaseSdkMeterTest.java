package io.pub.couchbase;

import static org.assertj.core.api.Assertions.assertThat;

import com.couchbase.client.core.cnc.Meter;
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

    /** The SDK's meter of a store opened with {@code extra} appended to the mock's URL. */
    private Meter meterWith(String extra) {
        CouchbaseConfig config = CouchbaseConfig.from(URI.create(mock.storeUrl() + extra), mock.settings());
        CouchbaseController store = Connector.connect(config, Clock.systemUTC());
        try {
            return store.sdkMeter();
        } finally {
            store.close();
        }
    }

    @Test
    void theSdksLoggingMeterIsOffByDefault() {
        assertThat(meterWith("")).isNotInstanceOf(LoggingMeter.class);
    }

    @Test
    void theUrlCanTurnItBackOn() {
        assertThat(meterWith("&loggingMeter.enabled=true")).isInstanceOf(LoggingMeter.class);
    }
}
