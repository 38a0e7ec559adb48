package io.pub.embedded;

import static io.pub.embedded.Families.OFFSETS;

import io.pub.TopicShard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a shard's messages are in the messages family. A shard's offsets are cut into segments of
 * {@link #SIZE}; a segment gets a store-wide number, from a counter, when its first record is
 * written, and a message's key is that number followed by its offset ({@link Keys#message}).
 *
 * <p>Why: keys then sort by when their segment began, across every shard and topic, so the table
 * files RocksDB flushes barely overlap and compaction moves them down instead of rewriting. Keyed by
 * topic, shard and offset, every flush held a stretch of every active shard and overlapped every
 * file below it; once consumers fell behind and messages reached table files, each flush rewrote the
 * whole backlog (four producers and four transacted consumers of one queue: compaction took 27% of
 * the process's CPU). A trimmed segment also goes as one range of keys.
 *
 * <p>The numbers are records of the offsets family (the shard's key, 'g', the segment's index), with
 * the counter; they are written with the first batch that writes into the segment, and again with
 * each later one until such a batch is written. A shard's segments are read into memory the first
 * time it is used after open; changes happen under the shard's lock ({@link ShardRecords}).
 */
final class Segments {
    static final int BITS = 12;
    static final long SIZE = 1L << BITS;
    private static final Logger log = LoggerFactory.getLogger(Segments.class);

    /** One segment: its number, and whether a write carrying its record is in the database. */
    static final class Segment {
        final long index;
        final long id;
        private volatile boolean recorded;

        Segment(long index, long id, boolean recorded) {
            this.index = index;
            this.id = id;
            this.recorded = recorded;
        }

        long start() {
            return index << BITS;
        }

        long end() {
            return (index + 1) << BITS;
        }
    }

    private final Committer committer;
    private final ConcurrentHashMap<TopicShard, NavigableMap<Long, Segment>> shards = new ConcurrentHashMap<>();
    private final AtomicLong next;

    Segments(Committer committer, long next) {
        this.committer = committer;
        this.next = new AtomicLong(next);
    }

    /** The next segment number after what is stored: past the counter and past every message key. */
    static long storedNext(RocksDB db, ColumnFamilyHandle[] families) throws RocksDBException {
        byte[] stored = db.get(families[OFFSETS], Keys.NEXT_SEGMENT);
        long next = stored == null ? 0 : Records.longValue(stored);
        try (RocksIterator it = db.newIterator(families[Families.MESSAGES])) {
            it.seekForPrev(Keys.FIRST_UNSEGMENTED);
            if (it.isValid() && Keys.before(it.key(), Keys.FIRST_UNSEGMENTED)) {
                next = Math.max(next, Keys.segmentOf(it.key()) + 1);
            }
            it.status();
        }
        return next;
    }

    /** Whether the store holds messages in the layout before segments (keyed by topic, shard and offset). */
    static boolean unconverted(RocksDB db, ColumnFamilyHandle[] families) throws RocksDBException {
        try (RocksIterator it = db.newIterator(families[Families.MESSAGES])) {
            it.seek(Keys.FIRST_UNSEGMENTED);
            boolean found = it.isValid();
            it.status();
            return found;
        }
    }

    /**
     * Moves the messages of a store written before segments into segments. Each batch moves some
     * messages (new key written, old one deleted) with the records of their segments and the counter,
     * fsynced, so a crash part way leaves a store whose next open goes on from there.
     */
    static void convert(RocksDB db, ColumnFamilyHandle[] families, Path directory) throws RocksDBException {
        if (!unconverted(db, families)) {
            return;
        }
        log.info("embedded store {}: moving messages into segments (a store written by an earlier version)", directory);
        Map<TopicShard, NavigableMap<Long, Long>> known = new HashMap<>();
        long next = storedNext(db, families);
        long moved = 0;
        try (RocksIterator it = db.newIterator(families[Families.MESSAGES]);
                WriteOptions sync = new WriteOptions().setSync(true)) {
            it.seek(Keys.FIRST_UNSEGMENTED);
            while (it.isValid()) {
                try (WriteBatch wb = new WriteBatch()) {
                    for (int n = 0; n < 1024 && it.isValid(); n++, it.next()) {
                        byte[] key = it.key();
                        TopicShard shard = Keys.unsegmentedShard(key);
                        long offset = Keys.offsetOf(key);
                        NavigableMap<Long, Long> segments = known.get(shard);
                        if (segments == null) {
                            segments = stored(db, families, shard);
                            known.put(shard, segments);
                        }
                        Long id = segments.get(offset >> BITS);
                        if (id == null) {
                            id = next++;
                            segments.put(offset >> BITS, id);
                            wb.put(families[OFFSETS], Keys.segment(shard, offset >> BITS), Records.longValue(id));
                        }
                        wb.put(families[Families.MESSAGES], Keys.message(id, offset), it.value());
                        wb.delete(families[Families.MESSAGES], key);
                        moved++;
                    }
                    wb.put(families[OFFSETS], Keys.NEXT_SEGMENT, Records.longValue(next));
                    db.write(sync, wb);
                }
            }
            it.status();
        }
        log.info("embedded store {}: moved {} messages into segments", directory, moved);
    }

    /** A shard's segments as stored: index to number. */
    static NavigableMap<Long, Long> stored(RocksDB db, ColumnFamilyHandle[] families, TopicShard shard)
            throws RocksDBException {
        NavigableMap<Long, Long> out = new TreeMap<>();
        byte[] to = Keys.segmentsEnd(shard);
        try (RocksIterator it = db.newIterator(families[OFFSETS])) {
            for (it.seek(Keys.segment(shard, 0)); it.isValid() && Keys.before(it.key(), to); it.next()) {
                out.put(Keys.offsetOf(it.key()), Records.longValue(it.value()));
            }
            it.status();
        }
        return out;
    }

    private NavigableMap<Long, Segment> of(TopicShard shard) {
        return shards.computeIfAbsent(shard, s -> {
            NavigableMap<Long, Segment> m = new ConcurrentSkipListMap<>();
            committer.scan(
                    OFFSETS,
                    Keys.segment(s, 0),
                    Keys.segmentsEnd(s),
                    (k, v) -> m.put(Keys.offsetOf(k), new Segment(Keys.offsetOf(k), Records.longValue(v), true)));
            return m;
        });
    }

    /** The segments holding offsets in {@code [from, to)}, in order; offsets of no segment hold nothing. */
    Collection<Segment> covering(TopicShard shard, long from, long to) {
        if (from >= to) {
            return List.of();
        }
        return of(shard).subMap(from >> BITS, true, (to - 1) >> BITS, true).values();
    }

    /** The shard's segments from the last down (to find its last message). */
    Collection<Segment> descending(TopicShard shard) {
        return of(shard).descendingMap().values();
    }

    /** The key of a message at {@code offset}, if its segment exists (null: nothing is stored there). */
    byte[] existingKey(TopicShard shard, long offset) {
        Segment s = of(shard).get(offset >> BITS);
        return s == null ? null : Keys.message(s.id, offset);
    }

    /** Writes into one or more segments of a shard in one batch; use under the shard's lock. */
    Writer writer(TopicShard shard, Committer.Batch batch) {
        return new Writer(shard, batch);
    }

    final class Writer {
        private final TopicShard shard;
        private final Committer.Batch batch;
        private final List<Segment> recording = new ArrayList<>(1);
        private Segment last;

        private Writer(TopicShard shard, Committer.Batch batch) {
            this.shard = shard;
            this.batch = batch;
        }

        /** The key for a record at {@code offset}: its segment is created, and recorded in the batch, if need be. */
        byte[] key(long offset) {
            long index = offset >> BITS;
            Segment s = last != null && last.index == index ? last : of(shard).get(index);
            if (s == null) {
                s = new Segment(index, next.getAndIncrement(), false);
                of(shard).put(index, s);
            }
            if (!s.recorded && !recording.contains(s)) {
                recording.add(s);
                batch.putBlind(OFFSETS, Keys.segment(shard, index), Records.longValue(s.id))
                        .putBlind(OFFSETS, Keys.NEXT_SEGMENT, Records.longValue(next.get()));
            }
            last = s;
            return Keys.message(s.id, offset);
        }

        /** The batch was submitted: once it is written, its segments need no record again. */
        CompletableFuture<Void> submitted(CompletableFuture<Void> written) {
            if (written != null && !recording.isEmpty()) {
                List<Segment> done = List.copyOf(recording);
                written.thenRun(() -> done.forEach(s -> s.recorded = true));
            }
            return written;
        }
    }

    /**
     * Removes every message of {@code shard} below {@code offset} in {@code batch}: whole segments
     * with their records, and the part below {@code offset} of the segment it falls in. Returns the
     * ranges removed. Use under the shard's lock.
     */
    List<byte[][]> trim(TopicShard shard, long offset, Committer.Batch batch) {
        List<byte[][]> ranges = new ArrayList<>();
        NavigableMap<Long, Segment> segments = of(shard);
        for (Segment s : List.copyOf(segments.headMap(offset >> BITS, true).values())) {
            // from offset 0, not the segment's first: removed ranges of consecutive numbers touch
            byte[] from = Keys.message(s.id, 0);
            if (s.end() <= offset) {
                byte[] to = Keys.message(s.id + 1, 0);
                batch.deleteRange(Families.MESSAGES, from, to).delete(OFFSETS, Keys.segment(shard, s.index));
                segments.remove(s.index);
                ranges.add(new byte[][] {from, to});
            } else if (offset > s.start()) {
                byte[] to = Keys.message(s.id, offset);
                batch.deleteRange(Families.MESSAGES, from, to);
                ranges.add(new byte[][] {from, to});
            }
        }
        return ranges;
    }

    /** Removes every message and segment of the shards of a deleted topic in {@code batch}. */
    List<byte[][]> drop(String topic, int shardCount, Committer.Batch batch) {
        List<byte[][]> ranges = new ArrayList<>();
        for (int i = 0; i < shardCount; i++) {
            TopicShard shard = new TopicShard(topic, i);
            for (Segment s : of(shard).values()) {
                byte[] from = Keys.message(s.id, 0);
                byte[] to = Keys.message(s.id + 1, 0);
                batch.deleteRange(Families.MESSAGES, from, to);
                ranges.add(new byte[][] {from, to});
            }
            batch.deleteRange(OFFSETS, Keys.segment(shard, 0), Keys.segmentsEnd(shard));
            shards.remove(shard);
        }
        return ranges;
    }
}
