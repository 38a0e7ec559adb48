package io.pub.couchbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.Message;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.LeaseNext;
import io.pub.spi.MutableClock;
import io.pub.spi.OffsetSealedException;
import io.pub.spi.TopicInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the block layout adds to the Controller contract: batches across blocks, partial trims, lease versions, stale memories. */
@Timeout(60)
class CouchbaseBlocksTest {
    private static final TopicShard SHARD = new TopicShard("blocks", 0);
    private static CouchbaseMockServer mock;
    private final MutableClock clock = new MutableClock();

    @BeforeAll
    static void startMock() {
        mock = CouchbaseMockServer.start();
    }

    @AfterAll
    static void stopMock() {
        mock.close();
    }

    @BeforeEach
    void flush() {
        mock.flush();
    }

    /**
     * The mock's URL with sub-document reads on (these tests keep their text ASCII, which it handles)
     * and no offsets reserved ahead (these tests place chunks at exact offsets).
     */
    private static String withLookups() {
        return mock.storeUrl().replace("subdocReads=false", "subdocReads=true") + "&reserveLinger=0ms";
    }

    private Controller open() {
        Controller store = Stores.open(withLookups(), mock.settings(), clock);
        store.createTopic(new TopicInfo(SHARD.topic(), 1, false, null));
        return store;
    }

    private static List<Message> messages(String prefix, int n) {
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Message.builder().id(prefix + i).build());
        }
        return out;
    }

    @Test
    void textBeyondAsciiRoundTripsThroughBlocks() {
        try (Controller store = Stores.open(mock.storeUrl(), mock.settings(), clock)) {
            store.createTopic(new TopicInfo(SHARD.topic(), 1, false, null));
            Message first = Message.builder()
                    .id("héllo")
                    .property("grüße", "日本語 ✓")
                    .body("ünïcödé body ✓".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .build();
            store.append(SHARD, List.of(first));
            assertThat(store.read(SHARD, 0, 10).entries()).hasSize(1);
            store.append(SHARD, List.of(first.toBuilder().id("zwéi").build()));
            List<io.pub.spi.Entry> read = store.read(SHARD, 0, 10).entries();
            assertThat(read).hasSize(2);
            assertThat(read.get(0).message()).isEqualTo(first);
            assertThat(read.get(1).message().id()).isEqualTo("zwéi");
            assertThat(read.get(1).message().properties()).containsEntry("grüße", "日本語 ✓");
        }
    }

    @Test
    void aBatchAcrossBlocksCostsAWritePerBlockAndReadsFromAnyOffset() {
        try (Controller store = open()) {
            long before = store.roundTrips();
            store.append(SHARD, messages("m", 3 * LogBlock.SIZE));
            assertThat(store.roundTrips() - before)
                    .as("increment, three block inserts, trim mark, three blocks marked checked")
                    .isEqualTo(8);
            // from the middle of the second block into the third
            long from = LogBlock.SIZE + LogBlock.SIZE / 2;
            List<Entry> mid = store.read(SHARD, from, LogBlock.SIZE).entries();
            assertThat(mid)
                    .extracting(Entry::offset)
                    .containsExactlyElementsOf(
                            LongStream.range(from, from + LogBlock.SIZE).boxed().toList());
            for (Entry e : mid) {
                assertThat(e.message().id()).isEqualTo("m" + e.offset());
            }
        }
    }

    @Test
    void trimmingBlocksThisStoreLastSawRemovesEachWithoutReadingIt() {
        try (Controller store = open()) {
            store.append(SHARD, messages("m", 3 * LogBlock.SIZE));
            long before = store.roundTrips();
            store.trim(SHARD, 2 * LogBlock.SIZE + 5);
            assertThat(store.roundTrips() - before)
                    .as("trim mark read and written, two blocks removed and the third's lo raised with no"
                            + " read first, the progress written under the mark's CAS")
                    .isEqualTo(6);
            assertThat(blockKeys()).containsExactly("m:blocks/0/b/2");
            assertThat(store.read(SHARD, 0, 4 * LogBlock.SIZE).entries())
                    .extracting(Entry::offset)
                    .containsExactlyElementsOf(LongStream.range(2 * LogBlock.SIZE + 5, 3 * LogBlock.SIZE)
                            .boxed()
                            .toList());
        }
    }

    @Test
    void trimmingABlockAnotherStoreWroteIntoSinceRemovesItsLargeMessagesToo() {
        Message large = Message.builder()
                .id("large")
                .body(new byte[LogBlock.INLINE_MAX])
                .build();
        try (Controller a = open();
                Controller b = Stores.open(withLookups(), mock.settings(), clock)) {
            a.append(SHARD, List.of(large)); // a knows block 0 and its large message
            b.append(SHARD, List.of(large, large)); // b writes two more into it: a's memory is stale
            b.append(SHARD, messages("m", LogBlock.SIZE));
            assertThat(blockKeys()).hasSize(2);
            assertThat(mock.keys())
                    .filteredOn(k -> k.startsWith("m:blocks/0/x/"))
                    .hasSize(3);

            a.trim(SHARD, LogBlock.SIZE + 1);
            assertThat(blockKeys()).containsExactly("m:blocks/0/b/1");
            assertThat(mock.keys())
                    .filteredOn(k -> k.startsWith("m:blocks/0/x/"))
                    .isEmpty();
        }
    }

    @Test
    void twoStoresTrimmingAtOnceLeaveOnlyWhatIsAboveTheHigherMark() {
        for (int round = 0; round < 5; round++) {
            mock.flush();
            try (Controller a = open();
                    Controller b = Stores.open(withLookups(), mock.settings(), clock)) {
                a.append(SHARD, messages("m", 8 * LogBlock.SIZE));
                b.read(SHARD, 0, 8 * LogBlock.SIZE); // b knows the blocks too
                CompletableFuture<Void> low = CompletableFuture.runAsync(() -> a.trim(SHARD, 3 * LogBlock.SIZE + 1));
                CompletableFuture<Void> high = CompletableFuture.runAsync(() -> b.trim(SHARD, 6 * LogBlock.SIZE + 1));
                CompletableFuture.allOf(low, high).join();
                assertThat(blockKeys()).containsExactly("m:blocks/0/b/6", "m:blocks/0/b/7");
                assertThat(a.read(SHARD, 0, 8 * LogBlock.SIZE).entries())
                        .extracting(Entry::offset)
                        .containsExactlyElementsOf(LongStream.range(6 * LogBlock.SIZE + 1, 8 * LogBlock.SIZE)
                                .boxed()
                                .toList());
                // the mark records blocks 0-5 as removed: a later trim removes nothing again (it would
                // cost a round trip or two per block)
                long before = a.roundTrips();
                a.trim(SHARD, 6 * LogBlock.SIZE + 1);
                assertThat(a.roundTrips() - before)
                        .as("trim mark read; lo of block 6 found raised, perhaps after a stale CAS and a read")
                        .isLessThanOrEqualTo(3);
            }
        }
    }

    private static List<String> blockKeys() {
        return mock.keys().stream()
                .filter(k -> k.startsWith("m:blocks/0/b/"))
                .sorted()
                .toList();
    }

    @Test
    void aLateInsertIntoAPartlyTrimmedBlockLoses() {
        try (Controller store = open()) {
            long late = store.reserve(SHARD, 1);
            store.append(SHARD, messages("m", 5));
            store.trim(SHARD, 3);
            assertThatThrownBy(() -> store.insert(SHARD, late, messages("late", 1)))
                    .isInstanceOf(OffsetSealedException.class);
            assertThat(store.seal(SHARD, 1)).isTrue();
            assertThat(store.read(SHARD, 0, 10).entries())
                    .extracting(Entry::offset)
                    .containsExactly(3L, 4L, 5L);
        }
    }

    @Test
    void aWriteIntoABlockStillNewReadsTheTrimMarkOnce() {
        // a block a sealer created may be one retention removed and a late sealer brought back: the
        // first producer to write into it reads the trim mark and marks the block checked
        try (Controller store = open()) {
            long first = store.reserve(SHARD, 4);
            assertThat(store.seal(SHARD, first)).isTrue();
            long before = store.roundTrips();
            store.insert(SHARD, first + 1, messages("m", 2));
            assertThat(store.roundTrips() - before)
                    .as("block index, chunk, trim mark, block marked checked")
                    .isEqualTo(4);
            before = store.roundTrips();
            store.insert(SHARD, first + 3, messages("n", 1));
            assertThat(store.roundTrips() - before).as("chunk only").isEqualTo(1);
            assertThat(store.read(SHARD, 0, 10).entries())
                    .extracting(Entry::offset)
                    .containsExactly(0L, 1L, 2L, 3L);
        }
    }

    @Test
    void aBlockWrittenMeanwhileByAnotherStoreIsReadAgainNotLost() {
        try (Controller a = open();
                Controller b = Stores.open(withLookups(), mock.settings(), clock)) {
            a.append(SHARD, messages("a", 2)); // a remembers block 0
            b.append(SHARD, messages("b", 2)); // b writes into it: a's memory is stale
            a.append(SHARD, messages("c", 2));
            assertThat(b.read(SHARD, 0, 10).entries())
                    .extracting(e -> e.message().id())
                    .containsExactly("a0", "a1", "b0", "b1", "c0", "c1");

            // the topic goes and comes back through b: a's memory of the old block must not make it lose
            b.deleteTopic(SHARD.topic());
            b.createTopic(new TopicInfo(SHARD.topic(), 1, false, null));
            b.append(SHARD, messages("d", 1));
            long first = a.reserve(SHARD, 2);
            a.insert(SHARD, first, messages("e", 2));
            assertThat(a.read(SHARD, 0, 10).entries())
                    .extracting(e -> e.message().id())
                    .containsExactly("d0", "e0", "e1");
        }
    }

    @Test
    void aReaderThatKnowsTheBlockLooksUpChunksAndStillSeesEverything() {
        try (Controller producer = open();
                Controller reader = Stores.open(withLookups(), mock.settings(), clock)) {
            producer.append(SHARD, messages("a", 3));
            assertThat(ids(reader.read(SHARD, 0, 10).entries())).containsExactly("a0", "a1", "a2");

            // the next chunk is where the reader guesses it: head + one lookup
            producer.append(SHARD, messages("b", 2));
            long before = reader.roundTrips();
            assertThat(ids(reader.read(SHARD, 3, 10).entries())).containsExactly("b0", "b1");
            assertThat(reader.roundTrips() - before).isEqualTo(2);

            // two chunks, one guessed: the index in the same lookup shows the other, the block is read whole
            producer.append(SHARD, messages("c", 1));
            producer.append(SHARD, messages("d", 1));
            before = reader.roundTrips();
            assertThat(ids(reader.read(SHARD, 4, 10).entries())).containsExactly("b1", "c0", "d0");
            assertThat(reader.roundTrips() - before).isEqualTo(3);

            // a tombstone and a trim seen through the lookup
            long hole = producer.reserve(SHARD, 1);
            producer.append(SHARD, messages("e", 1));
            assertThat(producer.seal(SHARD, hole)).isTrue();
            producer.trim(SHARD, 2);
            List<Entry> rest = reader.read(SHARD, 0, 20).entries();
            assertThat(rest).extracting(Entry::offset).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L);
            assertThat(rest.get(5).isTombstone()).isTrue();
            assertThat(rest.get(6).message().id()).isEqualTo("e0");

            // the topic comes back with other chunks: the reader's memory of the old block misleads
            // nothing (its offsets go on from where the old topic ended)
            long end = producer.head(SHARD);
            producer.deleteTopic(SHARD.topic());
            producer.createTopic(new TopicInfo(SHARD.topic(), 1, false, null));
            producer.append(SHARD, messages("f", 2));
            producer.append(SHARD, messages("g", 2));
            assertThat(reader.read(SHARD, 0, (int) end).entries()).isEmpty();
            assertThat(ids(reader.read(SHARD, end, 10).entries())).containsExactly("f0", "f1", "g0", "g1");
        }
    }

    @Test
    void messagesWrittenHereAreLeasedWithoutReadingTheirBlock() {
        try (Controller here = open();
                Controller elsewhere = Stores.open(withLookups(), mock.settings(), clock)) {
            here.createSubscription(queue("s"), false);
            here.append(SHARD, messages("a", 3));

            long before = here.roundTrips();
            LeaseNext local = leaseNext(here, "s", 0);
            long localTrips = here.roundTrips() - before;
            assertThat(ids(local.read().entries())).containsExactly("a0", "a1", "a2");
            assertThat(local.leases()).hasSize(3);

            here.append(SHARD, messages("b", 1));
            before = elsewhere.roundTrips();
            LeaseNext remote = leaseNext(elsewhere, "s", 3);
            long remoteTrips = elsewhere.roundTrips() - before;
            assertThat(ids(remote.read().entries())).containsExactly("b0");
            assertThat(remote.leases()).hasSize(1);
            // the same steps but the block read (and the head, which only the writer knows)
            assertThat(localTrips).as("here").isEqualTo(remoteTrips - 2);

            // written elsewhere: read from the store, also by the store that wrote the rest
            elsewhere.append(SHARD, messages("c", 1));
            here.append(SHARD, messages("d", 1));
            assertThat(ids(leaseNext(here, "s", 4).read().entries())).containsExactly("c0", "d0");
        }
    }

    @Test
    void aTopicCreatedAgainGoesOnFromItsOldOffsetsSoNoneNamesTwoMessages() {
        try (Controller here = open();
                Controller elsewhere = Stores.open(withLookups(), mock.settings(), clock)) {
            here.createSubscription(queue("s"), false);
            here.append(SHARD, messages("old", 3)); // kept here for local readers, never consumed
            long end = here.head(SHARD);

            elsewhere.deleteTopic(SHARD.topic());
            elsewhere.createTopic(new TopicInfo(SHARD.topic(), 1, false, null));
            elsewhere.createSubscription(queue("s"), false);
            assertThat(elsewhere.head(SHARD)).isEqualTo(end);
            assertThat(elsewhere.cursor("s", SHARD).committed())
                    .as("a subscription starts where the old topic ended")
                    .isEqualTo(end);
            assertThat(elsewhere.append(SHARD, messages("new", 1))).isEqualTo(end);

            LeaseNext next = leaseNext(here, "s", here.cursor("s", SHARD).committed());
            assertThat(ids(next.read().entries())).containsExactly("new0");
            assertThat(here.read(SHARD, 0, 10).entries())
                    .extracting(e -> e.message().id())
                    .containsExactly("new0");
        }
    }

    @Test
    void aTemporaryTopicGoesWithItsOffsets() {
        TopicShard temp = new TopicShard("tmp-q-blocks", 0);
        try (Controller store = Stores.open(withLookups(), mock.settings(), clock)) {
            store.createTopic(new TopicInfo(temp.topic(), 1, true, "owner"));
            store.append(temp, messages("t", 2));
            assertThat(store.deleteTopic(temp.topic())).isTrue();
            assertThat(store.head(temp)).isZero();
        }
    }

    private static io.pub.spi.Subscription queue(String id) {
        return new io.pub.spi.Subscription(SHARD.topic(), id, io.pub.spi.Subscription.Kind.QUEUE, null, false, null, 0);
    }

    private LeaseNext leaseNext(Controller store, String sub, long from) {
        long t = clock.millis();
        return store.leaseNext(sub, SHARD, from, 50, 50, e -> true, "c", t + 10_000, t);
    }

    private static List<String> ids(List<Entry> entries) {
        return entries.stream().map(e -> e.message().id()).toList();
    }

    @Test
    void renewingOneLeaseLeavesItsNeighboursInTheBlockValid() {
        try (Controller store = open()) {
            long t = clock.millis();
            List<Lease> taken = store.acquire("s", SHARD, List.of(0L, 1L), "c1", t + 1000, t);
            assertThat(store.renew(List.of(taken.get(0)), t + 5000)).hasSize(1);
            assertThat(store.release(List.of(taken.get(1)), t)).hasSize(1);
            assertThat(store.leases("s", SHARD, 0, 10))
                    .extracting(Lease::expiresAt)
                    .containsExactly(t + 5000, t);
        }
    }

    @Test
    void aLeaseDroppedAndTakenAgainRefusesTheOldVersion() {
        try (Controller store = open();
                Controller other = Stores.open(withLookups(), mock.settings(), clock)) {
            long t = clock.millis();
            Lease old =
                    store.acquire("s", SHARD, List.of(5L), "c1", t + 1000, t).get(0);
            other.dropLeases("s", SHARD, List.of(5L));
            Lease again =
                    other.acquire("s", SHARD, List.of(5L), "c2", t + 1000, t).get(0);
            assertThat(again.deliveryCount()).isEqualTo(1);
            // store remembers the block as it left it: its stale memory must not let the old lease through
            assertThat(store.renew(List.of(old), t + 9000)).isEmpty();
            assertThat(store.release(List.of(old), t)).isEmpty();
            assertThat(store.acquire("s", SHARD, List.of(5L), "c1", t + 1000, t))
                    .isEmpty();
            assertThat(store.leases("s", SHARD, 0, 10)).containsExactly(again);
        }
    }
}
