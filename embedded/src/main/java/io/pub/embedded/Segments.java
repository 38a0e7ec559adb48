package io.pub.embedded;

import static io.pub.embedded.Families.OFFSETS;

import io.pub.TopicShard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a shard's messages are in the messages family. A shard's offsets are cut into segments; a
 * segment gets a store-wide number, from a counter, when its first record is written, and a
 * message's key is that number followed by its offset ({@link Keys#message}).
 *
 * <p>Why: keys then sort by when their segment began, across every shard and topic. Keyed by topic,
 * shard and offset, every flush of the messages' write buffer held a stretch of every active shard
 * and overlapped every table file below it, so once consumers fell behind and messages reached table
 * files, each flush rewrote the backlog (four producers and four transacted consumers of one queue:
 * compaction took 27% of the process's CPU). So that the files of two write buffers do not overlap at
 * all, every segment ends where a write buffer does: the committer starts a new generation when the
 * buffer is nearly full, each shard's next write then starts a segment, and the committer switches
 * the write buffer before it writes the first batch of the new generation ({@link Committer}).
 * Compaction then moves files down instead of rewriting them.
 *
 * <p>Trimming deletes keys only in the write buffer being filled (a range delete over older segments
 * would land in a later buffer and make its file overlap theirs): a segment wholly below the trim
 * point loses its record, so nothing reads it any more, and keys not deleted are left to the {@link
 * Reclaimer}, which drops each table file once it holds only such segments. Reads start at the
 * shard's trim floor.
 *
 * <p>The numbers are records of the offsets family (the shard's key, 'g', the segment's first
 * offset), with the counter; they are written with the first batch that writes into the segment, and
 * again with each later one until such a batch is written. A shard's segments are read into memory
 * the first time it is used after open; changes happen under the shard's lock ({@link ShardRecords}).
 */
final class Segments {
    /** Most offsets in one segment (a segment also ends with its write buffer's generation). */
    static final long SIZE = 4096;

    private static final Logger log = LoggerFactory.getLogger(Segments.class);

    /** One segment: where it starts, its number, and whether a write carrying its record is in the database. */
    static final class Segment {
        final long start;
        final long id;
        final long generation;
        private volatile boolean recorded;

        Segment(long start, long id, long generation, boolean recorded) {
            this.start = start;
            this.id = id;
            this.generation = generation;
            this.recorded = recorded;
        }
    }

    /** The offsets {@code [from, to)} of the segment numbered {@code id}. */
    record Span(long id, long from, long to) {}

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
                        long start = offset - offset % SIZE;
                        Long id = segments.get(start);
                        if (id == null) {
                            id = next++;
                            segments.put(start, id);
                            wb.put(families[OFFSETS], Keys.segment(shard, start), Records.longValue(id));
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

    /** A shard's segments as stored: first offset to number. */
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
                    (k, v) -> m.put(Keys.offsetOf(k), new Segment(Keys.offsetOf(k), Records.longValue(v), -1, true)));
            return m;
        });
    }

    /** The parts of the shard's segments holding offsets in {@code [from, to)}, in order. */
    List<Span> covering(TopicShard shard, long from, long to) {
        return spans(of(shard), s -> s.id, from, to);
    }

    /**
     * The parts of a shard's segments (first offset to segment) holding offsets in {@code [from,
     * to)}, in order: a segment holds the offsets from its first to the next one's first; offsets
     * below every segment hold nothing.
     */
    static <S> List<Span> spans(NavigableMap<Long, S> segments, ToLongFunction<S> id, long from, long to) {
        List<Span> out = new ArrayList<>(2);
        if (from >= to) {
            return out;
        }
        Long first = segments.floorKey(from);
        Map.Entry<Long, S> previous = null;
        for (Map.Entry<Long, S> e :
                segments.subMap(first == null ? from : first, true, to, false).entrySet()) {
            if (previous != null) {
                out.add(new Span(id.applyAsLong(previous.getValue()), Math.max(from, previous.getKey()), e.getKey()));
            }
            previous = e;
        }
        if (previous != null) {
            out.add(new Span(id.applyAsLong(previous.getValue()), Math.max(from, previous.getKey()), to));
        }
        return out;
    }

    /** The key of a message at {@code offset}, if its segment exists (null: nothing is stored there). */
    byte[] existingKey(TopicShard shard, long offset) {
        Map.Entry<Long, Segment> e = of(shard).floorEntry(offset);
        return e == null ? null : Keys.message(e.getValue().id, offset);
    }

    /** Writes into one or more segments of a shard in one batch; use under the shard's lock. */
    Writer writer(TopicShard shard, Committer.Batch batch) {
        return new Writer(shard, batch);
    }

    final class Writer {
        private final TopicShard shard;
        private final Committer.Batch batch;
        private final long generation = committer.generation();
        private final List<Segment> recording = new ArrayList<>(1);
        private Segment last;
        private long lastEnd; // where the segment after last starts (Long.MAX_VALUE: none)

        private Writer(TopicShard shard, Committer.Batch batch) {
            this.shard = shard;
            this.batch = batch;
        }

        /**
         * The key for a record at {@code offset}: in the segment that holds it, or, past the shard's
         * last segment, in that one while it is of this generation and not full, else in a new one
         * starting there. A new segment is recorded in the batch.
         */
        byte[] key(long offset) {
            Segment s = last;
            if (s == null
                    || offset < s.start
                    || offset >= lastEnd
                    || (lastEnd == Long.MAX_VALUE && offset - s.start >= SIZE)) {
                NavigableMap<Long, Segment> segments = of(shard);
                Map.Entry<Long, Segment> floor = segments.floorEntry(offset);
                s = floor == null ? null : floor.getValue();
                Long after = segments.higherKey(offset);
                if (s == null || (after == null && (s.generation != generation || offset - s.start >= SIZE))) {
                    s = new Segment(offset, next.getAndIncrement(), generation, false);
                    segments.put(offset, s);
                }
                lastEnd = after == null ? Long.MAX_VALUE : after;
            }
            if (!s.recorded && !recording.contains(s)) {
                recording.add(s);
                batch.putBlind(OFFSETS, Keys.segment(shard, s.start), Records.longValue(s.id))
                        .putBlind(OFFSETS, Keys.NEXT_SEGMENT, Records.longValue(next.get()));
            }
            if (s.generation == generation) {
                batch.generation(generation);
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
     * Forgets the segments of {@code shard} wholly below {@code offset}, their records removed in
     * {@code batch}; returns the key ranges they leave for the {@link Reclaimer}. Use under the
     * shard's lock.
     */
    List<byte[][]> trim(TopicShard shard, long offset, Committer.Batch batch) {
        List<byte[][]> ranges = new ArrayList<>();
        NavigableMap<Long, Segment> segments = of(shard);
        Segment previous = null;
        for (Segment s : List.copyOf(segments.headMap(offset, true).values())) {
            if (previous != null) {
                forget(shard, previous, batch, ranges); // the next one starts at or below offset
                deleteIfBuffered(previous, previous.id + 1, 0, batch);
            }
            previous = s;
        }
        if (previous != null) {
            deleteIfBuffered(previous, previous.id, offset, batch);
        }
        return ranges;
    }

    /**
     * Deletes a segment's keys below {@code (toId, toOffset)} if the segment is of the write buffer
     * being filled: the range delete then lies within that buffer's keys, and its flush drops what it
     * covers for free. Any older segment's keys are left to the reclaimer: a range delete in a later
     * buffer would make its file overlap the older files.
     */
    private void deleteIfBuffered(Segment s, long toId, long toOffset, Committer.Batch batch) {
        if (s.generation == committer.generation()) {
            batch.deleteRange(Families.MESSAGES, Keys.message(s.id, 0), Keys.message(toId, toOffset))
                    .generation(s.generation);
        }
    }

    /** Forgets every segment of the shards of a deleted topic, their records removed in {@code batch}. */
    List<byte[][]> drop(String topic, int shardCount, Committer.Batch batch) {
        List<byte[][]> ranges = new ArrayList<>();
        for (int i = 0; i < shardCount; i++) {
            TopicShard shard = new TopicShard(topic, i);
            for (Segment s : List.copyOf(of(shard).values())) {
                forget(shard, s, batch, ranges);
            }
            shards.remove(shard);
        }
        return ranges;
    }

    private void forget(TopicShard shard, Segment s, Committer.Batch batch, List<byte[][]> ranges) {
        batch.delete(OFFSETS, Keys.segment(shard, s.start));
        of(shard).remove(s.start);
        ranges.add(new byte[][] {Keys.message(s.id, 0), Keys.message(s.id + 1, 0)});
    }
}
