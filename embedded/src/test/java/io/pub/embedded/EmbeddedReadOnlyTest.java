package io.pub.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.Message;
import io.pub.Settings;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Entry;
import io.pub.spi.MutableClock;
import io.pub.spi.StoreException;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ?readOnly=true}: a look at a store that another store (an application) has open. */
@Timeout(60)
class EmbeddedReadOnlyTest {
    private static final TopicShard S0 = new TopicShard("orders", 0);

    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock();

    private Controller open(String url) {
        return Stores.open(url, Settings.only(Map.of()), clock);
    }

    private static Message msg(String text) {
        return Message.builder()
                .id(text)
                .body(text.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    @Test
    void readsWhatTheWriterHoldsWhileItIsOpenAndCatchesUpOnRefresh() throws Exception {
        Path dir = tmp.resolve("store");
        try (Controller writer = open("embedded:" + dir)) {
            writer.createTopic(new TopicInfo("orders", 2, false, null));
            writer.createSubscription(
                    new Subscription("orders", "$queue", Subscription.Kind.QUEUE, null, false, null, 1), false);
            writer.append(S0, List.of(msg("a"), msg("b"), msg("c")));
            writer.markDone("$queue", S0, List.of(0L));
            writer.acquire("$queue", S0, List.of(1L), "c1", clock.millis() + 1000, clock.millis());

            try (Controller reader = open("embedded:" + dir + "?readOnly=true")) {
                assertThat(reader.topics()).extracting(TopicInfo::name).containsExactly("orders");
                assertThat(reader.subscriptions("orders"))
                        .extracting(Subscription::id)
                        .containsExactly("$queue");
                assertThat(reader.head(S0)).isEqualTo(3);
                assertThat(reader.read(S0, 0, 10).entries())
                        .extracting(e -> new String(e.message().body(), StandardCharsets.UTF_8))
                        .containsExactly("a", "b", "c");
                assertThat(reader.cursor("$queue", S0).committed()).isEqualTo(1);
                assertThat(reader.leases("$queue", S0, 0, 3)).singleElement().satisfies(l -> assertThat(l.owner())
                        .isEqualTo("c1"));

                writer.append(S0, List.of(msg("d")));
                writer.seal(S0, writer.reserve(S0, 1));
                assertThat(reader.head(S0)).as("as of the open").isEqualTo(3);
                ((EmbeddedStore) reader).refresh();
                assertThat(reader.head(S0)).isEqualTo(5);
                assertThat(reader.read(S0, 3, 10).entries())
                        .extracting(Entry::isTombstone)
                        .containsExactly(false, true);
                assertThat(((EmbeddedStore) reader).verify()).isEmpty();
                assertThat(((EmbeddedStore) reader).readOnly()).isTrue();

                assertThatThrownBy(() -> reader.append(S0, List.of(msg("x"))))
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining("read-only")
                        .hasMessageContaining(dir.toString());
                assertThatThrownBy(() -> reader.markDone("$queue", S0, List.of(1L)))
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining("read-only");
                assertThatThrownBy(() -> reader.deleteTopic("orders")).isInstanceOf(StoreException.class);
            }
            // the writer never noticed: it still writes, and its records are as they were
            writer.append(S0, List.of(msg("e")));
            assertThat(writer.cursor("$queue", S0).committed()).isEqualTo(1);
        }
        // nothing of the reader's stays in the store's directory
        try (var files = listing(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("pub-read-only")))
                    .isEmpty();
        }
    }

    @Test
    void listsPreparedTransactionsAndDecidesNone() throws Exception {
        Path dir = tmp.resolve("store");
        try (Controller writer = open("embedded:" + dir)) {
            writer.insertPrepared("1.YQ.Yg", new byte[] {1, 2}).orElseThrow();
            try (Controller reader = open("embedded:" + dir + "?readOnly=true")) {
                assertThat(reader.preparedIds()).containsExactly("1.YQ.Yg");
                assertThat(reader.prepared("1.YQ.Yg").orElseThrow().body()).containsExactly(1, 2);
                assertThatThrownBy(() -> reader.deletePrepared("1.YQ.Yg"))
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining("read-only");
            }
            assertThat(writer.preparedIds()).containsExactly("1.YQ.Yg");
        }
    }

    @Test
    void opensAStoreNobodyHasOpenAndLeavesItAsItWas() throws Exception {
        Path dir = tmp.resolve("store");
        try (Controller writer = open("embedded:" + dir)) {
            writer.createTopic(new TopicInfo("orders", 1, false, null));
            writer.append(S0, List.of(msg("a")));
        }
        List<String> before;
        try (var files = listing(dir)) {
            before = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        try (Controller reader = open("embedded:" + dir + "?readOnly=true")) {
            assertThat(reader.read(S0, 0, 10).entries()).hasSize(1);
        }
        try (var files = listing(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .isEqualTo(before);
        }
        try (Controller writer = open("embedded:" + dir)) {
            assertThat(writer.head(S0)).isEqualTo(1);
        }
    }

    @Test
    void refusesWhatIsNotAStore() throws Exception {
        assertThatThrownBy(() -> open("embedded:" + tmp.resolve("missing") + "?readOnly=true"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PUB_STORE_URL")
                .hasMessageContaining("no embedded store directory");
        assertThat(tmp.resolve("missing")).doesNotExist();
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertThatThrownBy(() -> open("embedded:" + empty + "?readOnly=true"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no embedded store");
        assertThatThrownBy(() -> open("embedded:" + empty + "?readOnly=maybe"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("readOnly must be true or false");
        assertThatThrownBy(() -> open("embedded:" + empty + "?readOnly=true&recover=point-in-time"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be combined");
    }

    /**
     * Once the writer writes over a recycled log file (LogPrimer), the log in use holds the records
     * of the file's earlier life past what it has written. The read-only view must open, and catch
     * up, on it: its reads of the live log stop at the end of this life.
     */
    @Test
    void opensWhileTheWriterWritesOverARecycledLogFile() throws Exception {
        Path dir = tmp.resolve("store");
        try (Controller writer = open("embedded:" + dir)) {
            writer.createTopic(new TopicInfo("orders", 1, false, null));
            long n = LogPrimer.AFTER_SYNCS + 10;
            for (long i = 0; i < n; i++) {
                writer.append(S0, List.of(msg("m" + i)));
            }
            assertThat(((EmbeddedController) writer).awaitRecycledLog(java.time.Duration.ofSeconds(30)))
                    .isTrue();
            writer.append(S0, List.of(msg("after")));
            java.util.concurrent.ExecutorService opener = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "read-only-opener");
                t.setDaemon(true); // a view stuck in RocksDB's native code cannot be interrupted
                return t;
            });
            try {
                java.util.concurrent.Future<Long> head = opener.submit(() -> {
                    try (Controller reader = open("embedded:" + dir + "?readOnly=true")) {
                        writer.append(S0, List.of(msg("later")));
                        ((EmbeddedStore) reader).refresh();
                        return reader.head(S0);
                    }
                });
                assertThat(head.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(n + 2);
            } finally {
                opener.shutdownNow();
            }
        }
    }

    private static java.util.stream.Stream<Path> listing(Path dir) throws java.io.IOException {
        return Files.list(dir);
    }
}
