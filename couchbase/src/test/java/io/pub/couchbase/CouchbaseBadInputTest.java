package io.pub.couchbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.Settings;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.StoreException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every way of pointing the store at the wrong place fails fast, says what to fix, hides the password. */
@Timeout(30)
class CouchbaseBadInputTest {
    static CouchbaseMockServer mock;
    /** Generous: connecting to the mock takes seconds on a busy machine; refusals must not wait for it. */
    static final Settings SLOW = Settings.only(Map.of("COUCHBASE_CONNECT_TIMEOUT", "20s"));

    @BeforeAll
    static void start() {
        mock = CouchbaseMockServer.start();
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    private static Controller open(String url) {
        return Stores.open(url, SLOW, Clock.systemUTC());
    }

    @Test
    void goodUrlOpens() {
        try (Controller c = open(mock.storeUrl())) {
            assertThat(c.kind()).isEqualTo("couchbase");
            assertThat(c.reserve(new TopicShard("t", 0), 3)).isEqualTo(0);
        }
    }

    @Test
    void wrongPassword() {
        String url = mock.storeUrl().replace(CouchbaseMockServer.PASSWORD, "not-the-password");
        long start = System.nanoTime();
        assertThatThrownBy(() -> open(url))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("COUCHBASE_PASSWORD")
                .hasMessageNotContaining("not-the-password");
        // refused at once, not after the 20 s connect timeout
        assertThat(System.nanoTime() - start).isLessThan(15_000_000_000L);
    }

    @Test
    void unknownBucket() {
        String url = mock.storeUrl().replace("/pubsub?", "/nosuchbucket?");
        assertThatThrownBy(() -> open(url))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("nosuchbucket")
                .hasMessageContaining("COUCHBASE_BUCKET_NAME")
                .hasMessageNotContaining(CouchbaseMockServer.PASSWORD);
    }

    @Test
    void credentialsFromSettings() {
        try (Controller c = Stores.open(mock.storeUrlWithoutCredentials(), mock.settings(), Clock.systemUTC())) {
            assertThat(c.head(new TopicShard("t", 0))).isZero();
        }
        assertThatThrownBy(() ->
                        Stores.open(mock.storeUrlWithoutCredentials(), Settings.only(Map.of()), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("COUCHBASE_USERNAME");
    }

    @Test
    void missingCollections() {
        String url = mock.storeUrl().replace("layout=prefix", "layout=collections");
        assertThatThrownBy(() -> open(url))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("messages")
                .hasMessageContaining("layout=prefix")
                .hasMessageNotContaining(CouchbaseMockServer.PASSWORD);
    }

    @Test
    void malformedConnectionString() {
        assertThatThrownBy(() -> open("couchbase://user:secret@host:notaport/pubsub"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> open("couchbase:///pubsub"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no host");
        assertThatThrownBy(() -> open("couchbase://u:secret@h/pubsub?layout=sideways"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layout");
    }

    @Test
    void unreachableHost() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        long start = System.nanoTime();
        Settings fast = Settings.only(Map.of("COUCHBASE_CONNECT_TIMEOUT", "2s"));
        assertThatThrownBy(() -> Stores.open(
                        "couchbase://u:secret@127.0.0.1:" + port + "=kv/pubsub?layout=prefix", fast, Clock.systemUTC()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("COUCHBASE_CONNECT_TIMEOUT")
                .hasMessageNotContaining("secret");
        assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
    }
}
