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
import io.pub.spi.TopicInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.LiveFileMetaData;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * The layout of the records behind delivery: messages kept in segments (their records, trimming and
 * deleting them, converting older stores), and leases taken without a look-up above the highest one.
 */
@Timeout(60)
class EmbeddedSegmentsTest {
    private static final TopicShard S0 = new TopicShard("orders", 0);
    private static final TopicShard S1 = new TopicShard("orders", 1);

    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock();

    private Controller open(Path dir) {
        return Stores.open("embedded:" + dir, Settings.only(Map.of()), clock);
    }

    private static Message msg(String text) {
        return Message.builder()
                .id(text)
                .body(text.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    private static List<Message> msgs(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> msg(prefix + i)).toList();
    }

    private static List<String> ids(List<Entry> entries) {
        return entries.stream().map(e -> e.message().id()).toList();
    }

    @Test
    void aShardReadsInOrderAcrossSegmentsAndAfterReopen() {
        Path dir = tmp.resolve("store");
        int n = (int) Segments.SIZE + 100;
        try (Controller store = open(dir)) {
            store.createTopic(new TopicInfo("orders", 2, false, null));
            for (int i = 0; i < n; i += 50) {
                // the shards take turns, so their segments' numbers interleave
                store.append(S0, msgs("a", 50).subList(0, Math.min(50, n - i)));
                store.append(S1, List.of(msg("b" + i)));
            }
            assertThat(ids(store.read(S0, Segments.SIZE - 2, 4).entries())).containsExactly("a44", "a45", "a46", "a47");
        }
        try (Controller store = open(dir)) {
            assertThat(store.head(S0)).isEqualTo(n);
            List<Entry> all = store.read(S0, 0, n + 10).entries();
            assertThat(all).hasSize(n);
            assertThat(all.stream().map(Entry::offset).toList())
                    .isEqualTo(IntStream.range(0, n).mapToObj(i -> (long) i).toList());
            assertThat(store.append(S0, List.of(msg("next")))).isEqualTo(n);
        }
    }

    @Test
    void trimRemovesWholeSegmentsWithTheirRecordsAndKeepsTheRest() throws RocksDBException {
        Path dir = tmp.resolve("store");
        int n = (int) (2 * Segments.SIZE + 10);
        try (Controller store = open(dir)) {
            store.createTopic(new TopicInfo("orders", 1, false, null));
            store.append(S0, msgs("m", n));
            store.trim(S0, Segments.SIZE + 5);
            assertThat(store.read(S0, 0, n).entries()).hasSize(n - (int) Segments.SIZE - 5);
            assertThat(store.read(S0, 0, n).entries().get(0).offset()).isEqualTo(Segments.SIZE + 5);
        }
        try (Raw raw = new Raw(dir)) {
            assertThat(Segments.stored(raw.db, raw.families, S0).keySet())
                    .containsExactly(Segments.SIZE, 2 * Segments.SIZE);
        }
        try (Controller store = open(dir)) {
            assertThat(store.read(S0, 0, n).entries()).hasSize(n - (int) Segments.SIZE - 5);
            store.trim(S0, n);
            assertThat(store.read(S0, 0, n).entries()).isEmpty();
            // a late insert below the trim point still loses
            assertThatThrownBy(() -> store.insert(S0, 3, List.of(msg("late"))))
                    .isInstanceOf(io.pub.spi.OffsetSealedException.class);
        }
        try (Raw raw = new Raw(dir)) {
            assertThat(Segments.stored(raw.db, raw.families, S0).keySet()).containsExactly(2 * Segments.SIZE);
        }
    }

    @Test
    void deletingATopicRemovesItsSegmentsAndANewOneOfTheSameNameStartsAfresh() throws RocksDBException {
        Path dir = tmp.resolve("store");
        try (Controller store = open(dir)) {
            store.createTopic(new TopicInfo("orders", 2, false, null));
            store.append(S0, msgs("old", 10));
            store.append(S1, msgs("old", 3));
            assertThat(store.deleteTopic("orders")).isTrue();
            store.createTopic(new TopicInfo("orders", 2, false, null));
            assertThat(store.read(S0, 0, 100).entries()).isEmpty();
            long first = store.append(S0, List.of(msg("new")));
            assertThat(first).isEqualTo(10); // the heads stay
            assertThat(ids(store.read(S0, 0, 100).entries())).containsExactly("new");
        }
        try (Raw raw = new Raw(dir)) {
            assertThat(Segments.stored(raw.db, raw.families, S1)).isEmpty();
            assertThat(Segments.stored(raw.db, raw.families, S0)).hasSize(1); // the new topic's
        }
    }

    @Test
    void segmentsEndWithTheWriteBufferSoTheTableFilesOfTwoBuffersNeverOverlap() throws RocksDBException {
        Path dir = tmp.resolve("store");
        byte[] body = new byte[64 * 1024];
        // two buffers' worth and a little: more would pass the log's size limit (two write buffers),
        // where RocksDB flushes on its own whatever keeps the oldest log alive, cutting a buffer short
        int perShard = (int) (2 * Committer.BUFFER_CUT / body.length / 2) + 10;
        // without the log priming (past 1,000 fsyncs): its switches come between two appends of this
        // thread, and an append that took its segment's generation while a switch held the write turn
        // puts that segment's records on both sides of it (files that overlap; nothing lost)
        try (Controller store = Stores.open("embedded:" + dir + "?primeLog=false", Settings.only(Map.of()), clock)) {
            store.createTopic(new TopicInfo("orders", 2, false, null));
            for (int i = 0; i < perShard; i++) {
                // both shards take turns, so each buffer holds segments of both
                store.append(
                        S0, List.of(Message.builder().id("a" + i).body(body).build()));
                store.append(
                        S1, List.of(Message.builder().id("b" + i).body(body).build()));
            }
            List<Entry> all = store.read(S0, 0, perShard + 1).entries();
            assertThat(ids(all))
                    .isEqualTo(
                            IntStream.range(0, perShard).mapToObj(i -> "a" + i).toList());
        }
        try (Raw raw = new Raw(dir)) {
            // a new generation started a segment before SIZE offsets
            assertThat(Segments.stored(raw.db, raw.families, S0).keySet())
                    .anyMatch(start -> start % Segments.SIZE != 0);
            List<LiveFileMetaData> files = raw.db.getLiveFilesMetaData().stream()
                    .filter(f -> new String(f.columnFamilyName(), StandardCharsets.UTF_8).equals("messages"))
                    .sorted((x, y) -> java.util.Arrays.compareUnsigned(x.smallestKey(), y.smallestKey()))
                    .toList();
            assertThat(files).hasSizeGreaterThanOrEqualTo(2);
            for (int i = 1; i < files.size(); i++) {
                assertThat(java.util.Arrays.compareUnsigned(
                                files.get(i - 1).largestKey(), files.get(i).smallestKey()))
                        .as(
                                "file %s ends before file %s starts",
                                files.get(i - 1).fileName(), files.get(i).fileName())
                        .isNegative();
            }
        }
        try (Controller store = open(dir)) {
            assertThat(store.read(S1, perShard - 2, 10).entries()).hasSize(2);
        }
    }

    @Test
    void leasesTakenBeforeAReopenStillKeepOthersOffTheirOffsets() {
        Path dir = tmp.resolve("store");
        long t = clock.millis();
        try (Controller store = open(dir)) {
            store.createTopic(new TopicInfo("orders", 1, false, null));
            store.append(S0, msgs("m", 10));
            assertThat(store.acquire("billing", S0, List.of(2L, 5L), "c1", t + 60_000, t))
                    .hasSize(2);
            // above every lease taken: a first delivery
            assertThat(store.acquire("billing", S0, List.of(7L), "c2", t + 60_000, t))
                    .singleElement()
                    .satisfies(l -> assertThat(l.deliveryCount()).isEqualTo(1));
            assertThat(store.acquire("billing", S0, List.of(5L, 7L), "c3", t + 60_000, t))
                    .isEmpty();
        }
        try (Controller store = open(dir)) {
            // the store's highest lease (7) is found again: 5 and 7 are still held, 8 is free
            assertThat(store.acquire("billing", S0, List.of(5L, 7L, 8L), "c4", t + 60_000, t))
                    .extracting(io.pub.spi.Lease::offset)
                    .containsExactly(8L);
            assertThat(store.acquire("billing", S0, List.of(2L), "c4", t + 120_000, t + 61_000))
                    .singleElement()
                    .satisfies(l -> assertThat(l.deliveryCount()).isEqualTo(2));
        }
    }

    @Test
    void messagesOfAStoreWrittenBeforeSegmentsAreConvertedWhenItOpens() throws RocksDBException {
        Path dir = tmp.resolve("store");
        int n = (int) Segments.SIZE + 20;
        try (Controller store = open(dir)) {
            store.createTopic(new TopicInfo("orders", 2, false, null));
        }
        writeUnsegmented(dir, n);

        assertThatThrownBy(() -> Stores.open("embedded:" + dir + "?readOnly=true", Settings.only(Map.of()), clock))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("earlier version of Pub")
                .hasMessageContaining("open it read-write once");

        try (Controller store = open(dir)) {
            List<Entry> s0 = store.read(S0, 0, n + 10).entries();
            assertThat(s0).hasSize(n);
            assertThat(s0.get(0).message().id()).isEqualTo("old0");
            assertThat(s0.get(n - 2).message().id()).isEqualTo("old" + (n - 2));
            assertThat(s0.get(n - 1).isTombstone()).isTrue();
            assertThat(ids(store.read(S1, 0, 10).entries())).containsExactly("s1-0", "s1-1");
            assertThat(store.head(S0)).isEqualTo(n);
            assertThat(store.append(S0, List.of(msg("after")))).isEqualTo(n);
            store.trim(S0, 5);
            assertThat(store.read(S0, 0, 1).entries()).isEmpty();
            assertThat(store.read(S0, 5, 1).entries().get(0).message().id()).isEqualTo("old5");
        }
        try (Raw raw = new Raw(dir)) {
            assertThat(Segments.unconverted(raw.db, raw.families)).isFalse();
        }
        try (Controller readOnly = Stores.open("embedded:" + dir + "?readOnly=true", Settings.only(Map.of()), clock)) {
            assertThat(readOnly.read(S0, 0, n + 10).entries()).hasSize(n + 1 - 5);
        }
    }

    /** Writes what a store before segments held: messages keyed by topic 0 shard offset, and heads. */
    private static void writeUnsegmented(Path dir, int n) throws RocksDBException {
        try (Raw raw = new Raw(dir);
                WriteOptions sync = new WriteOptions().setSync(true)) {
            for (int i = 0; i < n; i++) {
                byte[] value = i == n - 1 ? Records.TOMBSTONE : Records.message(msg("old" + i));
                raw.db.put(raw.families[Families.MESSAGES], sync, unsegmentedKey(S0, i), value);
            }
            for (int i = 0; i < 2; i++) {
                raw.db.put(
                        raw.families[Families.MESSAGES], sync, unsegmentedKey(S1, i), Records.message(msg("s1-" + i)));
            }
            raw.db.put(raw.families[Families.OFFSETS], sync, Keys.shard(S0), Records.longValue(n));
            raw.db.put(raw.families[Families.OFFSETS], sync, Keys.shard(S1), Records.longValue(2));
        }
    }

    private static byte[] unsegmentedKey(TopicShard s, long offset) {
        byte[] p = Keys.shard(s);
        return ByteBuffer.allocate(p.length + 8).put(p).putLong(offset).array();
    }

    /** The store's RocksDB opened directly, to look at or plant records. */
    private static final class Raw implements AutoCloseable {
        final DBOptions options = new DBOptions();
        final List<ColumnFamilyHandle> handles = new ArrayList<>();
        final RocksDB db;
        final ColumnFamilyHandle[] families;

        Raw(Path dir) throws RocksDBException {
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
            for (String f : Families.NAMES) {
                descriptors.add(new ColumnFamilyDescriptor(f.getBytes(StandardCharsets.UTF_8)));
            }
            db = RocksDB.open(options, dir.toString(), descriptors, handles);
            families = handles.subList(1, handles.size()).toArray(new ColumnFamilyHandle[0]);
        }

        List<byte[]> messageKeys() {
            List<byte[]> keys = new ArrayList<>();
            try (RocksIterator it = db.newIterator(families[Families.MESSAGES])) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    keys.add(it.key());
                }
            }
            return keys;
        }

        @Override
        public void close() {
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
            options.close();
        }
    }
}
