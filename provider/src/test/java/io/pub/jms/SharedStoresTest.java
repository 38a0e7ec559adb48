package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Settings;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection per operation, as JmsTemplate and camel-jms do on a plain factory: opening and closing
 * connections from several threads never fails because of another connection, with or without the
 * idle linger, and nothing sent is lost.
 */
@Timeout(120)
class SharedStoresTest {
    private static final int THREADS = 4;
    private static final int SENDS = 100;

    @TempDir
    Path dir;

    @Test
    void connectionPerSendFromFourThreadsWithLinger() throws Exception {
        connectionPerSend("10s");
    }

    @Test
    void connectionPerSendFromFourThreadsClosingWithTheLastConnection() throws Exception {
        // every close of the last connection closes RocksDB; the next open must wait for it, not fail
        connectionPerSend("0");
    }

    @Test
    void aLingeringStoreClosesWhenIdleAndReopensOnDemand() throws Exception {
        String url = "embedded:" + dir;
        PubConnectionFactory cf = factory(url, "100ms");
        try (Connection c = cf.createConnection()) {
            assertThat(SharedStores.isOpen(url)).isTrue();
        }
        assertThat(SharedStores.isOpen(url))
                .as("lingers after its last connection")
                .isTrue();
        SharedStores.pendingClose(url).get(30, TimeUnit.SECONDS); // the linger's close has run
        assertThat(SharedStores.isOpen(url))
                .as("closed once idle for the linger")
                .isFalse();
        try (Connection c = cf.createConnection()) {
            assertThat(SharedStores.isOpen(url)).isTrue();
        }
    }

    @Test
    void theNativeApiOpensADirectoryALingeringConnectionLeftIdle() throws Exception {
        String url = "embedded:" + dir;
        try (Connection c = factory(url, "10s").createConnection()) {
            Session s = c.createSession();
            s.createProducer(s.createQueue("mixed")).send(s.createTextMessage("from jms"));
        }
        assertThat(SharedStores.isOpen(url)).as("lingering").isTrue();
        // the embedded store opens once per process: the idle JMS engine lets go instead of failing this
        try (io.pub.Pub pub = io.pub.Pub.builder()
                .url(url)
                .settings(Settings.only(Map.of("PUB_HOUSEKEEPING_INTERVAL", "0")))
                .build()) {
            assertThat(SharedStores.isOpen(url)).isFalse();
            assertThat(pub.controller().topics()).isNotEmpty();
        }
    }

    @Test
    void aNegativeLingerIsRefusedNamingTheSetting() {
        PubConnectionFactory cf = factory("embedded:" + dir, "-1s");
        org.assertj.core.api.Assertions.assertThatThrownBy(cf::createConnection)
                .isInstanceOf(JMSException.class)
                .hasMessageContaining(SharedStores.LINGER);
    }

    private void connectionPerSend(String linger) throws Exception {
        String url = "embedded:" + dir;
        PubConnectionFactory cf = factory(url, linger);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                int failed = 0;
                for (int i = 0; i < SENDS; i++) {
                    try (Connection c = cf.createConnection()) {
                        Session s = c.createSession();
                        MessageProducer p = s.createProducer(s.createQueue("per-send"));
                        p.send(s.createTextMessage(thread + ":" + i));
                    } catch (JMSException e) {
                        failed++;
                    }
                }
                return failed;
            }));
        }
        int failed = 0;
        for (Future<Integer> f : results) {
            failed += f.get();
        }
        pool.shutdown();
        assertThat(failed).as("failed sends").isZero();

        Set<String> got = new HashSet<>();
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession();
            Queue q = s.createQueue("per-send");
            MessageConsumer consumer = s.createConsumer(q);
            Message m;
            while ((m = consumer.receive(2000)) != null) {
                assertThat(got.add(m.getBody(String.class))).isTrue();
            }
        }
        assertThat(got).hasSize(THREADS * SENDS);
    }

    private static PubConnectionFactory factory(String url, String linger) {
        return new PubConnectionFactory(url, Settings.of(Map.of(SharedStores.LINGER, linger)), Clock.systemUTC());
    }
}
