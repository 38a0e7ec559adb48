package io.pub.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.Message;
import io.pub.Settings;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Claim;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.MutableClock;
import io.pub.spi.StoreException;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the embedded store adds to the contract: persistence, URLs, locking, group commit. */
@Timeout(60)
class EmbeddedStoreTest {
    private static final TopicShard S0 = new TopicShard("orders", 0);
    private static final TopicShard S1 = new TopicShard("orders", 1);

    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock();

    private Controller open(String url) {
        return Stores.open(url, Settings.only(Map.of()), clock);
    }

    private static final int BIG_BODY = 64 << 10;
    private static final int BIG_BATCH = 16;
    /** Batches of {@link #bigBatch} that fill four write buffers: past several log switches. */
    private static final long BIG_BATCHES = 4 * EmbeddedController.WRITE_BUFFER / ((long) BIG_BATCH * BIG_BODY);

    /** Batch {@code i} of 16 messages of 64 KiB, with ids {@code i-0} to {@code i-15}. */
    private static List<Message> bigBatch(long i) {
        byte[] body = new byte[BIG_BODY];
        List<Message> messages = new ArrayList<>();
        for (int m = 0; m < BIG_BATCH; m++) {
            messages.add(Message.builder().id(i + "-" + m).body(body).build());
        }
        return messages;
    }

    private Controller open(Path dir) {
        return open("embedded:" + dir);
    }

    private static Message msg(String text) {
        return Message.builder()
                .id(text)
                .property("n", 7L)
                .body(text.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    @Test
    void reopenKeepsEveryRecord() {
        Path dir = tmp.resolve("store");
        long t = clock.millis();
        Subscription sub = new Subscription("orders", "billing", Subscription.Kind.QUEUE, "x = 1", false, null, t);
        Cursor cursor;
        Lease lease;
        Claim claim;
        try (Controller store = open(dir)) {
            store.createTopic(new TopicInfo("orders", 2, false, null));
            store.createTopic(new TopicInfo("tmp", 1, true, "conn-1"));
            store.createSubscription(sub, false);
            store.append(S0, List.of(msg("a"), msg("b"), msg("c")));
            store.reserve(S0, 2); // offsets 3 and 4: 3 stays a hole, 4 is sealed
            store.seal(S0, 4);
            store.reserve(S1, 5); // nothing written on shard 1: only its head says these were handed out
            cursor = store.markDone("billing", S0, List.of(0L, 2L));
            lease = store.acquire("billing", S0, List.of(1L), "c1", t + 30_000, t)
                    .get(0);
            claim = store.claim("client:app", "conn-1", t + 10_000, t).orElseThrow();
            store.createSubscription(
                    new Subscription("orders", "late", Subscription.Kind.DURABLE, null, false, null, t), true);
        }
        try (Controller store = open(dir)) {
            assertThat(store.topics()).extracting(TopicInfo::name).containsExactly("orders", "tmp");
            assertThat(store.topic("tmp").orElseThrow().owner()).isEqualTo("conn-1");
            assertThat(store.subscription("orders", "billing")).contains(sub);
            assertThat(store.subscriptions("orders")).hasSize(2);
            assertThat(store.head(S0)).isEqualTo(5);
            assertThat(store.head(S1)).isEqualTo(5);
            List<Entry> entries = store.read(S0, 0, 10).entries();
            assertThat(entries).extracting(Entry::offset).containsExactly(0L, 1L, 2L, 4L);
            assertThat(entries.get(1).message()).isEqualTo(msg("b"));
            assertThat(entries.get(3).isTombstone()).isTrue();
            assertThat(store.cursor("billing", S0)).isEqualTo(cursor);
            assertThat(store.cursor("late", S0).committed()).isEqualTo(5);
            assertThat(store.cursor("late", S1).committed()).isEqualTo(5);
            assertThat(store.leases("billing", S0, 0, 10)).containsExactly(lease);
            assertThat(store.readClaim("client:app")).contains(claim);
            // tokens taken before the reopen still work for the records they came from
            assertThat(store.compareAndSetCursor("billing", S0, cursor, Cursor.initial(3)))
                    .isPresent();
            assertThat(store.renew(List.of(lease), t + 60_000)).hasSize(1);
            // and offsets continue after the head
            assertThat(store.append(S0, List.of(msg("d")))).isEqualTo(5);
            assertThat(store.append(S1, List.of(msg("e")))).isEqualTo(5);
        }
    }

    @Test
    void namesThatArePrefixesOfOthersKeepTheirRecordsApart() {
        try (Controller store = open(tmp.resolve("store"))) {
            long t = clock.millis();
            for (String topic : List.of("a", "ab", "a.b")) {
                store.createTopic(new TopicInfo(topic, 2, false, null));
                for (String sub : List.of("s", "s2")) {
                    store.createSubscription(
                            new Subscription(topic, sub, Subscription.Kind.SHARED_DURABLE, null, false, null, t),
                            false);
                    store.acquire(sub, new TopicShard(topic, 1), List.of(0L), "c", t + 1000, t);
                    store.markDone(sub, new TopicShard(topic, 1), List.of(1L));
                }
                store.append(new TopicShard(topic, 1), List.of(msg(topic)));
            }
            TopicShard ab = new TopicShard("ab", 1);
            assertThat(store.subscriptions("a")).extracting(Subscription::id).containsExactly("s", "s2");

            assertThat(store.deleteSubscription("a", "s")).isTrue();
            assertThat(store.cursor("s2", new TopicShard("a", 1)).done()).containsExactly(1L);
            assertThat(store.leases("s2", new TopicShard("a", 1), 0, 10)).hasSize(1);

            assertThat(store.deleteTopic("a")).isTrue();
            for (String topic : List.of("ab", "a.b")) {
                TopicShard shard = new TopicShard(topic, 1);
                assertThat(store.subscriptions(topic)).hasSize(2);
                assertThat(store.read(shard, 0, 10).entries())
                        .extracting(e -> e.message().id())
                        .containsExactly(topic);
                assertThat(store.cursor("s", shard).done()).containsExactly(1L);
                assertThat(store.leases("s", shard, 0, 10)).hasSize(1);
            }
            assertThat(store.read(new TopicShard("a", 1), 0, 10).entries()).isEmpty();
            assertThat(store.head(ab)).isEqualTo(1);
        }
    }

    @Test
    void headSurvivesTrimmingEveryMessage() {
        Path dir = tmp.resolve("store");
        try (Controller store = open(dir)) {
            store.createTopic(new TopicInfo("orders", 1, false, null));
            store.append(S0, List.of(msg("a"), msg("b")));
            store.trim(S0, 2);
            assertThat(store.read(S0, 0, 10).entries()).isEmpty();
        }
        try (Controller store = open(dir)) {
            assertThat(store.head(S0)).isEqualTo(2);
            assertThat(store.append(S0, List.of(msg("c")))).isEqualTo(2);
        }
    }

    @Test
    void aLateInsertBehindATrimmedTombstoneStillLoses() {
        Path dir = tmp.resolve("store");
        try (Controller store = open(dir)) {
            store.createTopic(new TopicInfo("orders", 1, false, null));
            long late = store.reserve(S0, 1); // a producer stalls between reserve and insert
            store.append(S0, List.of(msg("a")));
            assertThat(store.seal(S0, late)).isTrue();
            store.trim(S0, 2); // every subscription passed both: the tombstone goes too
            assertThatThrownBy(() -> store.insert(S0, late, List.of(msg("late"))))
                    .isInstanceOf(io.pub.spi.OffsetSealedException.class);
            assertThat(store.seal(S0, late)).isTrue();
        }
        try (Controller store = open(dir)) {
            assertThatThrownBy(() -> store.insert(S0, 0, List.of(msg("late"))))
                    .isInstanceOf(io.pub.spi.OffsetSealedException.class);
            assertThat(store.read(S0, 0, 10).entries()).isEmpty();
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsFailClearly() {
        Path dir = tmp.resolve("store");
        Controller store = open(dir);
        store.createTopic(new TopicInfo("orders", 1, false, null));
        store.close();
        store.close();
        assertThatThrownBy(() -> store.head(S0))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("closed")
                .hasMessageContaining(dir.toString());
    }

    @Test
    void secondOpenInTheSameProcessFailsNamingTheDirectory() {
        Path dir = tmp.resolve("store");
        try (Controller store = open(dir)) {
            assertThatThrownBy(() -> open(dir))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("already open");
            // the failed open did not disturb the open store
            store.createTopic(new TopicInfo("orders", 1, false, null));
            assertThat(store.append(S0, List.of(msg("a")))).isZero();
        }
    }

    @Test
    void urlFormsAllOpenTheSameDirectory() {
        Path dir = tmp.resolve("store");
        try (Controller store = open("embedded:" + dir + "?sync=true")) {
            store.createTopic(new TopicInfo("orders", 1, false, null));
            assertThat(((EmbeddedStore) store).directory()).isEqualTo(dir);
            assertThat(((EmbeddedStore) store).durable()).isTrue();
        }
        try (Controller store = open("embedded://" + dir + "?recover=skip-corrupted")) {
            assertThat(store.topic("orders")).isPresent();
            assertThat(store).hasToString("embedded:" + dir + "?recover=skip-corrupted");
        }
        Path relative = Path.of("").toAbsolutePath().relativize(dir);
        try (Controller store = open("embedded:./" + relative + "?sync=false")) {
            assertThat(store.topic("orders")).isPresent();
            assertThat(((EmbeddedStore) store).durable()).isFalse();
            assertThat(((EmbeddedStore) store).directory()).isEqualTo(dir);
        }
    }

    @Test
    void acknowledgementLingerIsTwoMillisecondsUnlessTheUrlSaysOtherwise() {
        try (Controller store = open(tmp.resolve("a"))) {
            assertThat(store.acknowledgementLinger()).isEqualTo(Duration.ofMillis(2));
        }
        try (Controller store = open("embedded:" + tmp.resolve("b") + "?ackLinger=0ms")) {
            assertThat(store.acknowledgementLinger()).isZero();
        }
        try (Controller store = open("embedded:" + tmp.resolve("c") + "?sync=false&ackLinger=50ms")) {
            assertThat(store.acknowledgementLinger()).isEqualTo(Duration.ofMillis(50));
        }
        for (String bad : List.of("-1ms", "2s", "soon")) {
            assertThatThrownBy(() -> open("embedded:" + tmp.resolve("d") + "?ackLinger=" + bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Stores.URL_SETTING)
                    .hasMessageContaining("ackLinger")
                    .hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> open("embedded:" + tmp.resolve("d") + "?ackLinger="))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ackLinger needs a duration");
        assertThat(tmp.resolve("d")).doesNotExist();
        try (Controller store = open("embedded:" + tmp.resolve("e") + "?SYNC=false&AckLinger=7MS")) {
            assertThat(store.acknowledgementLinger()).isEqualTo(Duration.ofMillis(7));
            assertThat(((EmbeddedStore) store).durable()).isFalse();
        }
    }

    /**
     * The table files RocksDB writes follow the URL's compression (none unless it says otherwise), and
     * a store written under one setting reads whole under another: each file records its own.
     */
    @Test
    void tableFilesFollowTheCompressionOptionAndReadUnderAnother() throws Exception {
        long written = 4L * BIG_BATCH * BIG_BODY; // 4 MiB of zero bodies, very compressible
        Map<String, Long> tableBytes = new java.util.LinkedHashMap<>();
        for (String compression : List.of("", "none", "lz4", "zstd", "snappy")) {
            Path dir = tmp.resolve("c-" + compression);
            String url = "embedded:" + dir + "?sync=false&primeLog=false"
                    + (compression.isEmpty() ? "" : "&compression=" + compression.toUpperCase(java.util.Locale.ROOT));
            try (Controller store = open(url)) {
                store.createTopic(new TopicInfo("orders", 1, false, null));
                for (long i = 0; i < 4; i++) {
                    store.append(S0, bigBatch(i));
                }
            }
            // reopening writes the log's records into a table file, compressed as this URL says
            try (Controller store = open(url)) {
                assertThat(store.head(S0)).isEqualTo(4 * BIG_BATCH);
            }
            tableBytes.put(compression, tableFileBytes(dir));
            try (Controller store =
                    open("embedded:" + dir + "?compression=" + (compression.equals("zstd") ? "none" : "zstd"))) {
                List<Entry> entries = store.read(S0, 0, 4 * BIG_BATCH).entries();
                assertThat(entries).hasSize(4 * BIG_BATCH);
                assertThat(entries.get(4 * BIG_BATCH - 1).message())
                        .isEqualTo(bigBatch(3).get(BIG_BATCH - 1));
            }
        }
        assertThat(tableBytes.get("")).as("the default, none: %s", tableBytes).isGreaterThanOrEqualTo(written);
        assertThat(tableBytes.get("none")).as("%s", tableBytes).isGreaterThanOrEqualTo(written);
        for (String compressed : List.of("lz4", "zstd", "snappy")) {
            assertThat(tableBytes.get(compressed))
                    .as("%s: %s", compressed, tableBytes)
                    .isLessThan(written / 8);
        }
    }

    private static long tableFileBytes(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".sst"))
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
    }

    @Test
    void badUrlsFailNamingTheSetting() {
        assertThatThrownBy(() -> open("embedded:" + tmp + "?fsync=no"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Stores.URL_SETTING)
                .hasMessageContaining("fsync")
                .hasMessageContaining("sync=true|false")
                .hasMessageContaining("recover=none|point-in-time|skip-corrupted");
        assertThatThrownBy(() -> open("embedded:" + tmp + "?recover=maybe"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Stores.URL_SETTING)
                .hasMessageContaining("recover")
                .hasMessageContaining("'maybe'")
                .hasMessageContaining("none, point-in-time, skip-corrupted");
        assertThatThrownBy(() -> open("embedded:" + tmp + "?sync=maybe"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Stores.URL_SETTING)
                .hasMessageContaining("maybe");
        assertThatThrownBy(() -> open("embedded:" + tmp + "?primeLog=maybe"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Stores.URL_SETTING)
                .hasMessageContaining("primeLog must be true or false, was 'maybe'");
        assertThatThrownBy(() -> open("embedded:" + tmp + "?compression=gzip"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Stores.URL_SETTING)
                .hasMessageContaining("compression must be one of none|snappy|lz4|zstd, was 'gzip'");
        assertThatThrownBy(() -> open("embedded://somehost/data"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Stores.URL_SETTING)
                .hasMessageContaining("not a host");
        assertThatThrownBy(() -> open("embedded:"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Stores.URL_SETTING);
    }

    @Test
    void unusableDirectoryFailsNamingTheSettingAndThePath() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        assertThatThrownBy(() -> open(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Stores.URL_SETTING)
                .hasMessageContaining(file.toString());
        Path below = file.resolve("store");
        assertThatThrownBy(() -> open(below))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Stores.URL_SETTING)
                .hasMessageContaining(below.toString());
        assertThat(Files.readString(file)).isEqualTo("not a directory");
    }

    @Test
    void concurrentAppendsShareFsyncs() throws Exception {
        int threads = 8;
        int perThread = 150;
        try (Controller store = open(tmp.resolve("store"))) {
            store.createTopic(new TopicInfo("orders", 1, false, null));
            EmbeddedStore stats = (EmbeddedStore) store;
            long syncsBefore = stats.syncs();
            Set<Long> offsets = new ConcurrentSkipListSet<>();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            offsets.add(store.append(S0, List.of(msg(thread + "-" + i))));
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) {
                    f.get(50, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            int messages = threads * perThread;
            assertThat(offsets).hasSize(messages);
            assertThat(new TreeSet<>(offsets).last()).isEqualTo(messages - 1L);
            long syncs = stats.syncs() - syncsBefore;
            assertThat(syncs).isPositive();
            // one fsync per append would be `messages`; waiting writers share one
            assertThat(syncs).isLessThan(messages);
            assertThat(store.read(S0, 0, messages).entries()).hasSize(messages);
        }
    }

    /**
     * Listeners of onReadable hear of each write of messages once it can be read, before the call
     * that made it returns (and before its fsync: this JVM's consumers start on a message meanwhile).
     * A seal writes no message and is not told.
     */
    @Test
    void writtenMessagesAreToldOnceReadableBeforeTheirCallReturns() {
        try (Controller store = open(tmp.resolve("store"))) {
            store.createTopic(new TopicInfo("orders", 2, false, null));
            List<String> told = new CopyOnWriteArrayList<>();
            // reads in the listener only to see what is readable then: a real listener must not call the store
            assertThat(store.onReadable(shard -> told.add(shard.shard() + ":"
                            + store.read(shard, 0, 10).entries().stream()
                                    .map(e -> e.message().id())
                                    .toList())))
                    .isTrue();

            store.append(S0, List.of(msg("a")));
            assertThat(told).containsExactly("0:[a]");
            store.appendAsync(S1, List.of(msg("b"))).join();
            assertThat(told).containsExactly("0:[a]", "1:[b]");
            long first = store.reserve(S0, 2);
            store.insert(S0, first, List.of(msg("c")));
            store.seal(S0, first + 1);
            assertThat(told).containsExactly("0:[a]", "1:[b]", "0:[a, c]");
        }
    }

    /**
     * Completions run on whichever thread settled the write: a caller that wrote and fsynced it, or
     * a background thread, inside the sync turn. What runs there may make writes that need no fsync
     * (a wake-up taking a lease) without waiting for a turn it holds itself.
     */
    @Test
    void aCompletionMayTakeLeasesWhileSynchronousAppendsRun() throws Exception {
        // closed only after a pass: after a deadlock, close would wait for ever for the calls stuck
        // in it, and the appending thread is a daemon, so a failure fails instead of hanging the build
        Controller store = open(tmp.resolve("store"));
        store.createTopic(new TopicInfo("orders", 1, false, null));
        long t = clock.millis();
        List<java.util.concurrent.CompletableFuture<List<Lease>>> leased = new ArrayList<>();
        ExecutorService sync = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "sync-appends");
            thread.setDaemon(true);
            return thread;
        });
        Future<?> appends = sync.submit(() -> {
            for (int i = 0; i < 500; i++) {
                store.append(S0, List.of(msg("sync-" + i)));
            }
            return null;
        });
        for (int i = 0; i < 500; i++) {
            leased.add(store.appendAsync(S0, List.of(msg("async-" + i)))
                    .thenApply(offset -> store.acquire("sub", S0, List.of(offset), "c1", t + 60_000, t)));
        }
        appends.get(20, TimeUnit.SECONDS);
        for (var l : leased) {
            assertThat(l.get(20, TimeUnit.SECONDS)).hasSize(1);
        }
        sync.shutdown();
        assertThat(store.read(S0, 0, 1000).entries()).hasSize(1000);
        store.close();
    }

    @Test
    void lessDurableModeNeverSyncs() {
        try (Controller store = open("embedded:" + tmp.resolve("store") + "?sync=false")) {
            store.createTopic(new TopicInfo("orders", 1, false, null));
            store.append(S0, List.of(msg("a")));
            store.markDone("sub", S0, List.of(0L));
            EmbeddedStore stats = (EmbeddedStore) store;
            assertThat(stats.syncs()).isZero();
            assertThat(stats.writes()).isGreaterThanOrEqualTo(3);
            assertThat(store.read(S0, 0, 1).entries()).hasSize(1);
        }
    }

    @Test
    void durableModeSyncsPublishesButNotLeases() {
        try (Controller store = open(tmp.resolve("store"))) {
            store.createTopic(new TopicInfo("orders", 1, false, null));
            EmbeddedStore stats = (EmbeddedStore) store;
            long before = stats.syncs();
            store.append(S0, List.of(msg("a")));
            assertThat(stats.syncs()).isEqualTo(before + 1);
            long t = clock.millis();
            List<Lease> leases = store.acquire("sub", S0, List.of(0L), "c1", t + 1000, t);
            store.renew(leases, t + 2000);
            assertThat(stats.syncs()).isEqualTo(before + 1);
        }
    }

    @Test
    void aLazyAcknowledgementIsVisibleAtOnceAndDurableWithTheNextFsync() {
        Path dir = tmp.resolve("store");
        try (Controller store = open(dir)) {
            store.createTopic(new TopicInfo("orders", 1, false, null));
            store.append(S0, List.of(msg("a"), msg("b")));
            EmbeddedStore stats = (EmbeddedStore) store;
            long before = stats.syncs();
            assertThat(store.markDoneLazily("sub", S0, List.of(0L)).isDone(0)).isTrue();
            assertThat(store.cursor("sub", S0).isDone(0)).isTrue();
            assertThat(stats.syncs()).as("no fsync of its own").isEqualTo(before);
            store.markDone("sub", S0, List.of(1L));
            assertThat(stats.syncs()).isEqualTo(before + 1);
        }
        try (Controller store = open(dir)) {
            assertThat(store.cursor("sub", S0).committed()).isEqualTo(2);
        }
    }

    /**
     * Past the log limit RocksDB moves to a new log file; the one it gave up is kept and written
     * over as a later log (RECYCLED_LOGS), so the store must still open strictly and whole after it.
     */
    @Test
    void aStoreWhoseLogFilesWereWrittenOverReopensWithEveryMessage() throws Exception {
        Path dir = tmp.resolve("store");
        int batch = BIG_BATCH;
        long batches = BIG_BATCHES;
        Set<String> seen = new TreeSet<>();
        Set<String> reused = new TreeSet<>();
        try (Controller store = open(dir)) {
            store.createTopic(new TopicInfo("orders", 1, false, null));
            for (long i = 0; i < batches; i++) {
                store.append(S0, bigBatch(i));
                // a new log file starts empty; one written over keeps its old size from the start
                try (var files = Files.list(dir)) {
                    for (Path log :
                            files.filter(f -> f.toString().endsWith(".log")).toList()) {
                        if (seen.add(log.getFileName().toString()) && Files.size(log) > 4L * batch * BIG_BODY) {
                            reused.add(log.getFileName().toString());
                        }
                    }
                } catch (java.nio.file.NoSuchFileException e) {
                    // a log renamed or deleted while listed: the next batch looks again
                }
            }
            // a read-only view (the CLI's) replays the live log, written over or not
            try (Controller reader = open("embedded:" + dir + "?readOnly=true")) {
                assertThat(reader.head(S0)).isEqualTo(batches * batch);
                assertThat(reader.read(S0, batches * batch - 1, 1)
                                .entries()
                                .get(0)
                                .message()
                                .id())
                        .isEqualTo((batches - 1) + "-" + (batch - 1));
            }
        }
        assertThat(reused).as("log files written over under a new number").isNotEmpty();
        long head = batches * batch;
        try (Controller store = open(dir)) {
            assertThat(store.head(S0)).isEqualTo(head);
            assertThat(store.read(S0, head - 1, 1).entries().get(0).message().id())
                    .isEqualTo((batches - 1) + "-" + (batch - 1));
            store.append(S0, List.of(msg("after")));
        }
        try (Controller store = open(dir)) {
            assertThat(store.read(S0, head, 1).entries().get(0).message().id()).isEqualTo("after");
            assertThat(store.read(S0, 0, 1).entries().get(0).message().id()).isEqualTo("0-0");
        }
    }

    /**
     * Consumers write leases and cursors into every log file. When the messages' write buffer is
     * switched, those record kinds' buffers go with it: a log file left holding their records would
     * stay in use until the log limit, and the next switch would find no file to write over and start
     * a new one, which grows with every write (each fsync then also updates the file's size). Past its
     * first switch, every log file a store takes must be one written over.
     */
    @Test
    void aStoreWritingLeasesAndCursorsAlsoMovesOnlyToLogFilesWrittenOver() throws Exception {
        Path dir = tmp.resolve("store");
        Map<String, Long> firstSeen = new java.util.LinkedHashMap<>();
        long t = clock.millis();
        // lz4: the zero bodies then flush in a moment. What this checks is whether leases and cursors
        // keep log files in use, not whether a flush of a whole uncompressed write buffer ends before
        // this loop has filled the next one (on two busy cores it sometimes did not)
        try (Controller store = open("embedded:" + dir + "?primeLog=false&compression=lz4")) {
            store.createTopic(new TopicInfo("orders", 1, false, null));
            for (long i = 0; i < BIG_BATCHES; i++) {
                long first = store.append(S0, bigBatch(i));
                assertThat(store.acquire("sub", S0, List.of(first), "c1", t + 60_000, t))
                        .hasSize(1);
                store.markDone("sub", S0, List.of(first));
                StoreCopies.logs(dir).forEach(firstSeen::putIfAbsent);
            }
        }
        List<String> names = new ArrayList<>(firstSeen.keySet());
        // the first log file starts empty and the first switch finds none given up yet: the logs
        // taken after those two must each come at the size of one written before
        assertThat(names).as("log files seen: %s", firstSeen).hasSizeGreaterThan(3);
        for (String name : names.subList(2, names.size())) {
            assertThat(firstSeen.get(name))
                    .as("first size of %s, a log file after the first switch (all: %s)", name, firstSeen)
                    .isGreaterThan(EmbeddedController.WRITE_BUFFER / 2);
        }
    }

    /**
     * A store taking durable writes moves to a recycled log file after LogPrimer.AFTER_SYNCS fsyncs
     * (a new name at a filled file's size), not after its first 128 MiB; one taking fewer is left
     * alone. It reopens whole after it.
     */
    @Test
    void aStoreTakingDurableWritesSoonWritesOverARecycledLogFile() throws Exception {
        Path dir = tmp.resolve("store");
        long filled = (long) LogPrimer.FILLER_MIB << 20;
        long n = LogPrimer.AFTER_SYNCS;
        try (Controller store = open(dir)) {
            store.createTopic(new TopicInfo("orders", 1, false, null));
            Set<String> before = StoreCopies.logs(dir).keySet();
            for (long i = 0; i < n - 10; i++) {
                store.append(S0, List.of(msg("m" + i)));
            }
            assertThat(StoreCopies.logs(dir).values())
                    .as("log sizes before priming")
                    .allMatch(size -> size < filled / 4);
            for (long i = n - 10; i < n + 10; i++) {
                store.append(S0, List.of(msg("m" + i)));
            }
            assertThat(((EmbeddedController) store).awaitRecycledLog(java.time.Duration.ofSeconds(30)))
                    .as("a recycled log in use within 30 s; logs before %s, now %s", before, StoreCopies.logs(dir))
                    .isTrue();
            Path newest = StoreCopies.logInUse(dir);
            assertThat(Files.size(newest)).as("the log in use, %s", newest).isGreaterThanOrEqualTo(filled);
            assertThat(before).doesNotContain(newest.getFileName().toString());
            store.append(S0, List.of(msg("after")));
        }
        try (Controller store = open(dir)) {
            assertThat(store.head(S0)).isEqualTo(n + 11);
            assertThat(store.read(S0, 0, 1).entries().get(0).message().id()).isEqualTo("m0");
            assertThat(store.read(S0, n + 10, 1).entries().get(0).message().id())
                    .isEqualTo("after");
        }
    }

    @Test
    void primeLogFalseLeavesTheLogGrowing() throws Exception {
        Path dir = tmp.resolve("store");
        try (Controller store = open("embedded:" + dir + "?primeLog=false")) {
            store.createTopic(new TopicInfo("orders", 1, false, null));
            for (long i = 0; i < LogPrimer.AFTER_SYNCS + 200; i++) {
                store.append(S0, List.of(msg("m" + i)));
            }
            // priming starts its thread on the fsync that reaches AFTER_SYNCS, before that append returns
            assertThat(Thread.getAllStackTraces().keySet())
                    .extracting(Thread::getName)
                    .noneMatch(name -> name.startsWith("pub-embedded-log-primer") && name.contains(dir.toString()));
            assertThat(StoreCopies.logs(dir).values())
                    .as("log sizes")
                    .allMatch(size -> size < ((long) LogPrimer.FILLER_MIB << 20) / 4);
        }
    }
}
