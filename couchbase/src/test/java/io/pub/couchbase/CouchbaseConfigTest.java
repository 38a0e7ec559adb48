package io.pub.couchbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.couchbase.client.core.msg.kv.DurabilityLevel;
import io.pub.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a store URL and the settings combine; no server needed. */
class CouchbaseConfigTest {
    private static final Settings CREDENTIALS =
            Settings.only(Map.of("COUCHBASE_USERNAME", "app", "COUCHBASE_PASSWORD", "s3cret"));

    @Test
    void defaultsComeFromTheSettings() {
        CouchbaseConfig c = CouchbaseConfig.from(URI.create("couchbase://db1,db2"), CREDENTIALS);
        assertThat(c.connectionString()).isEqualTo("couchbase://db1,db2");
        assertThat(c.bucket()).isEqualTo("pubsub");
        assertThat(c.scope()).isEqualTo("default");
        assertThat(c.layout()).isEqualTo(CouchbaseConfig.Layout.COLLECTIONS);
        assertThat(c.username()).isEqualTo("app");
        assertThat(c.password()).isEqualTo("s3cret");
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.kvTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.durability()).isEqualTo(DurabilityLevel.NONE);
        assertThat(c.ackLinger()).isEqualTo(Duration.ofMillis(20));
        assertThat(c.reserveLinger()).isEqualTo(Duration.ofMillis(20));

        Settings named = Settings.only(Map.of(
                "COUCHBASE_USERNAME", "app",
                "COUCHBASE_BUCKET_NAME", "events",
                "COUCHBASE_SCOPE_NAME", "prod",
                "COUCHBASE_LAYOUT", "prefix",
                "COUCHBASE_KV_TIMEOUT", "5s",
                "COUCHBASE_DURABILITY", "persistToMajority",
                "COUCHBASE_ACK_LINGER", "0ms",
                "COUCHBASE_RESERVE_LINGER", "0ms"));
        CouchbaseConfig n = CouchbaseConfig.from(URI.create("couchbase://db1"), named);
        assertThat(n.bucket()).isEqualTo("events");
        assertThat(n.scope()).isEqualTo("prod");
        assertThat(n.layout()).isEqualTo(CouchbaseConfig.Layout.PREFIX);
        assertThat(n.kvTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(n.durability()).isEqualTo(DurabilityLevel.PERSIST_TO_MAJORITY);
        assertThat(n.ackLinger()).isZero();
        assertThat(n.reserveLinger()).isZero();
    }

    @Test
    void theUrlOverridesTheSettings() {
        CouchbaseConfig c = CouchbaseConfig.from(
                URI.create("couchbases://ops:p%40ss%3Aword@db1:11207,db2/orders?scope=s1&layout=prefix"
                        + "&durability=majority&kvTimeout=7s&connectTimeout=1m&timeout.kvTimeout=3s&ackLinger=25ms"
                        + "&reserveLinger=3ms"),
                CREDENTIALS);
        assertThat(c.connectionString()).isEqualTo("couchbases://db1:11207,db2?timeout.kvTimeout=3s");
        assertThat(c.username()).isEqualTo("ops");
        assertThat(c.password()).isEqualTo("p@ss:word");
        assertThat(c.bucket()).isEqualTo("orders");
        assertThat(c.scope()).isEqualTo("s1");
        assertThat(c.layout()).isEqualTo(CouchbaseConfig.Layout.PREFIX);
        assertThat(c.durability()).isEqualTo(DurabilityLevel.MAJORITY);
        assertThat(c.kvTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.ackLinger()).isEqualTo(Duration.ofMillis(25));
        assertThat(c.reserveLinger()).isEqualTo(Duration.ofMillis(3));
        assertThat(c.toString()).doesNotContain("p@ss", "p%40ss", "word");
        assertThat(c.redactedUrl()).doesNotContain("p%40ss");
    }

    @Test
    void noUrlMeansTheConnectionStringSetting() {
        Settings s = Settings.only(
                Map.of("COUCHBASE_CONNECTION_STRING", "couchbase://cb.example.com", "COUCHBASE_USERNAME", "app"));
        assertThat(CouchbaseConfig.from(null, s).connectionString()).isEqualTo("couchbase://cb.example.com");
    }

    @Test
    void badValuesNameTheirSetting() {
        assertThatThrownBy(() -> CouchbaseConfig.from(URI.create("http://db1/pubsub"), CREDENTIALS))
                .hasMessageContaining("couchbase://");
        assertThatThrownBy(() -> CouchbaseConfig.from(URI.create("couchbase://db1/a/b"), CREDENTIALS))
                .hasMessageContaining("single bucket name");
        assertThatThrownBy(() -> CouchbaseConfig.from(URI.create("couchbase://db1?scope="), CREDENTIALS))
                .hasMessageContaining("COUCHBASE_SCOPE_NAME");
        assertThatThrownBy(() -> CouchbaseConfig.from(
                        URI.create("couchbase://db1"),
                        Settings.only(Map.of("COUCHBASE_USERNAME", "a", "COUCHBASE_CONNECT_TIMEOUT", "soon"))))
                .hasMessageContaining("COUCHBASE_CONNECT_TIMEOUT");
        assertThatThrownBy(() -> CouchbaseConfig.from(
                        URI.create("couchbase://db1"),
                        Settings.only(Map.of("COUCHBASE_USERNAME", "a", "COUCHBASE_LAYOUT", "flat"))))
                .hasMessageContaining("COUCHBASE_LAYOUT");
        assertThatThrownBy(() -> CouchbaseConfig.from(URI.create("couchbase://db1?kvTimeout=fast"), CREDENTIALS))
                .hasMessageContaining("kvTimeout");
        assertThatThrownBy(() -> CouchbaseConfig.from(URI.create("couchbase://db1?durability=always"), CREDENTIALS))
                .hasMessageContaining("durability")
                .hasMessageContaining("majority");
        assertThatThrownBy(() -> CouchbaseConfig.from(URI.create("couchbase://db1?ackLinger=5s"), CREDENTIALS))
                .hasMessageContaining("ackLinger")
                .hasMessageContaining("between 0ms and 1s");
        assertThatThrownBy(() -> CouchbaseConfig.from(
                        URI.create("couchbase://db1"),
                        Settings.only(Map.of("COUCHBASE_USERNAME", "a", "COUCHBASE_ACK_LINGER", "-1ms"))))
                .hasMessageContaining("COUCHBASE_ACK_LINGER");
        assertThatThrownBy(() -> CouchbaseConfig.from(URI.create("couchbase://db1?reserveLinger=2s"), CREDENTIALS))
                .hasMessageContaining("the URL option reserveLinger")
                .hasMessageContaining("between 0ms (off) and 1s");
        assertThatThrownBy(() -> CouchbaseConfig.from(
                        URI.create("couchbase://db1"),
                        Settings.only(Map.of("COUCHBASE_USERNAME", "a", "COUCHBASE_RESERVE_LINGER", "-1ms"))))
                .hasMessageContaining("COUCHBASE_RESERVE_LINGER");
        assertThatThrownBy(() -> CouchbaseConfig.from(URI.create("couchbase://db1"), Settings.only(Map.of())))
                .hasMessageContaining("COUCHBASE_USERNAME");
    }
}
