package io.pub.couchbase;

import com.couchbase.client.core.error.CasMismatchException;
import com.couchbase.client.core.error.DocumentExistsException;
import com.couchbase.client.core.error.DocumentNotFoundException;
import com.couchbase.client.core.error.subdoc.PathExistsException;
import com.couchbase.client.java.codec.RawBinaryTranscoder;
import com.couchbase.client.java.codec.RawJsonTranscoder;
import com.couchbase.client.java.json.JsonArray;
import com.couchbase.client.java.json.JsonObject;
import com.couchbase.client.java.kv.InsertOptions;
import com.couchbase.client.java.kv.LookupInResult;
import com.couchbase.client.java.kv.LookupInSpec;
import com.couchbase.client.java.kv.MutateInSpec;
import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Entry;
import io.pub.spi.OffsetSealedException;
import io.pub.spi.ReadResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * Offsets and messages of every shard: the offset counter, the trim mark, and the log in blocks of
 * {@link LogBlock#SIZE} offsets, so that a batch costs one or two writes and a read of a window one or
 * two gets, instead of one per message.
 *
 * <p>This JVM remembers the last version of each block it wrote or read: a producer appending to the
 * block it wrote last replaces under that CAS without reading it first; a stale memory only costs the
 * failed write and a fresh read.
 */
final class MessageLog {
    private static final int MAX_REMEMBERED = 4096;

    private final Kv kv;
    private final Keyspace ks;
    /** Highest head seen per shard: lets insert check "reserved" without a read in the usual case. */
    private final ConcurrentHashMap<TopicShard, Long> knownHeads = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<String, LogBlock> blocks = new ConcurrentHashMap<>();
    /** What this JVM wrote last, for its own consumers to read without a round trip. */
    private final LocalMessages local = new LocalMessages();
    /** Offsets this JVM's appends are writing, or reserved ahead for its next ones. */
    private final OwnOffsets own;

    private final boolean subdocReads;

    MessageLog(Kv kv, Keyspace ks, boolean subdocReads, Duration reserveLinger) {
        this.kv = kv;
        this.ks = ks;
        this.subdocReads = subdocReads;
        this.own = new OwnOffsets(reserveLinger, this::sealRange);
    }

    private void remember(String key, LogBlock block) {
        if (blocks.size() > MAX_REMEMBERED) {
            blocks.clear();
        }
        blocks.put(key, block);
    }

    // ---- offsets ------------------------------------------------------------------------------

    private void sawHead(TopicShard shard, long head) {
        knownHeads.merge(shard, head, Math::max);
    }

    long reserve(TopicShard shard, int count) {
        long next = increment(shard, count);
        sawHead(shard, next);
        return next - count;
    }

    /** The counter after reserving {@code count} offsets (an absent one is created at count). */
    private long increment(TopicShard shard, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, was " + count);
        }
        return kv.run("reserve", kv.increment(ks.offsets, ks.counter(shard), count));
    }

    /**
     * Reserves and inserts. Until the insert is done its offsets are known here as being written
     * ({@link OwnOffsets}), so that a reader in this JVM does not look for them in the store before
     * they can be there: this JVM's wake-up after the append brings it back for them. A producer
     * that appends one message after another to a shard nobody else is writing takes its offsets
     * from a reservation made ahead instead of an increment each.
     */
    long append(TopicShard shard, List<Message> batch) {
        int n = batch.size();
        long first = own.take(shard, n);
        if (first >= 0) {
            try {
                return write(shard, first, batch);
            } catch (OffsetSealedException e) {
                if (n > 1) {
                    throw e; // part of the batch may be stored: the caller decides
                }
                // reserved before the topic was deleted and created again elsewhere: the message
                // was not stored, and fresh offsets take it
            }
        }
        int ahead = own.aheadWanted(shard, n);
        long next = increment(shard, n + ahead);
        first = next - n - ahead;
        own.incremented(shard, first, n, next);
        sawHead(shard, next); // after: a reader that knows the offsets knows they are being written
        write(shard, first, batch);
        own.awaitReleases(shard);
        return first;
    }

    /** Inserts at offsets registered as being written, and unregisters them. */
    private long write(TopicShard shard, long first, List<Message> batch) {
        try {
            insert(shard, first, batch);
            return first;
        } catch (RuntimeException e) {
            // an offset sealed or trimmed means its neighbours may be too: reserve afresh
            own.releaseNow(shard);
            throw e;
        } finally {
            own.written(shard, first);
        }
    }

    /** Seals the offsets reserved ahead and not used, before the store closes. */
    void close() {
        own.close();
    }

    Mono<Long> headMono(TopicShard shard) {
        return kv.get(ks.offsets, ks.counter(shard))
                .map(r -> Long.parseLong(new String(r.contentAsBytes(), StandardCharsets.US_ASCII).trim()))
                .defaultIfEmpty(0L)
                .doOnNext(head -> sawHead(shard, head));
    }

    // ---- insert -------------------------------------------------------------------------------

    /**
     * What writing one chunk came to: offsets lost to tombstones (or trimming), whether the trim mark
     * must be read (it created its block, or wrote into one still new), whether it went in at all.
     */
    private record Written(String key, long first, int n, List<Long> lost, boolean check, boolean stored) {}

    void insert(TopicShard shard, long firstOffset, List<Message> batch) {
        if (batch.isEmpty()) {
            return;
        }
        long last = firstOffset + batch.size() - 1;
        if (firstOffset < 0
                || last >= knownHeads.getOrDefault(shard, 0L) && last >= kv.run("insert", headMono(shard))) {
            throw new IllegalArgumentException("offsets " + firstOffset + ".." + last + " of " + shard
                    + " were not reserved (head is " + knownHeads.getOrDefault(shard, 0L) + ")");
        }
        // encode everything first: a message too large for a document fails the batch before any write
        List<byte[]> encoded = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            encoded.add(Documents.encode(batch.get(i), shard, firstOffset + i));
        }
        List<long[]> chunks = new ArrayList<>();
        for (long f = firstOffset; f <= last; f = LogBlock.start(LogBlock.index(f) + 1)) {
            chunks.add(new long[] {f, Math.min(last + 1, LogBlock.start(LogBlock.index(f) + 1)) - f});
        }
        List<Written> written = kv.run(
                "insert",
                Kv.parallel(chunks, c -> {
                            int from = (int) (c[0] - firstOffset);
                            return writeChunk(shard, c[0], encoded.subList(from, from + (int) c[1]));
                        })
                        .collectList());
        TreeSet<Long> lost = new TreeSet<>();
        written.forEach(w -> lost.addAll(w.lost));
        if (written.stream().anyMatch(Written::check)) {
            // A producer that stalled past the publish timeout may find its offset sealed, passed by
            // every cursor and trimmed away with its whole block: its write then creates the block
            // afresh (or lands in one another late writer created). Trim raises the mark before
            // removing, so reading the mark after writing into a new block catches every such
            // offset; the block then gets the mark as its own and stops being new.
            long low = kv.run("insert", lowMono(shard)).value;
            for (Written w : written) {
                if (w.check) {
                    for (long o = w.first; o < Math.min(low, w.first + w.n); o++) {
                        lost.add(o);
                    }
                    kv.run("insert", verify(w.key, low, blocks.get(w.key)));
                }
            }
        }
        if (!lost.isEmpty()) {
            throw new OffsetSealedException(shard, lost.first());
        }
        local.wrote(shard, firstOffset, encoded);
    }

    private Mono<Written> writeChunk(TopicShard shard, long first, List<byte[]> encoded) {
        String key = ks.block(shard, LogBlock.index(first));
        List<Long> external = new ArrayList<>();
        for (int i = 0; i < encoded.size(); i++) {
            if (encoded.get(i).length > LogBlock.INLINE_MAX) {
                external.add(first + i);
            }
        }
        byte[] chunk = LogBlock.chunk(encoded);
        InsertOptions json = kv.insertOptions().transcoder(RawJsonTranscoder.INSTANCE);
        InsertOptions binary = kv.insertOptions().transcoder(RawBinaryTranscoder.INSTANCE);
        // large messages first, then the chunk that points at them: a chunk never points at nothing
        return Kv.parallel(external, o -> {
                    byte[] doc = encoded.get((int) (o - first));
                    return kv.insert(ks.messages, ks.external(shard, o), doc, doc[0] == '{' ? json : binary)
                            .map(cas -> o)
                            .onErrorResume(DocumentExistsException.class, e -> Mono.just(-1L - o));
                })
                .collectList()
                .flatMap(results -> {
                    List<Long> ours = results.stream().filter(o -> o >= 0).toList();
                    Mono<Written> put = ours.size() == external.size()
                            ? putChunk(key, first, encoded.size(), chunk, external, rememberedOrGuessed(key, first))
                            : Mono.just(new Written(key, first, encoded.size(), List.of(first), false, false));
                    // a chunk that did not go in leaves no large message of ours behind
                    return put.flatMap(w -> w.stored || ours.isEmpty()
                            ? Mono.just(w)
                            : Kv.parallel(ours, o -> kv.remove(ks.messages, ks.external(shard, o)))
                                    .then(Mono.just(w)));
                });
    }

    /**
     * The block as last seen here; else, for a chunk that starts a block, a guess that it is absent
     * (the usual case for a batch that starts a block: the insert that creates it needs no read first).
     */
    private LogBlock rememberedOrGuessed(String key, long first) {
        LogBlock b = blocks.get(key);
        return b == null && first % LogBlock.SIZE == 0 ? LogBlock.ABSENT : b;
    }

    /** Writes the chunk under the block's CAS (or creates the block); retries when another writer got there first. */
    private Mono<Written> putChunk(String key, long first, int n, byte[] chunk, List<Long> external, LogBlock known) {
        Mono<LogBlock> state = rememberedOrIndex(key, known);
        return state.flatMap(b -> {
            if (b.absent()) {
                return kv.insert(
                                ks.messages,
                                key,
                                LogBlock.newDocument(first, n, chunk, List.of()),
                                kv.insertOptions().transcoder(RawJsonTranscoder.INSTANCE))
                        .map(cas -> {
                            remember(key, LogBlock.created(cas, first, n, external));
                            return new Written(key, first, n, List.of(), true, true);
                        })
                        .onErrorResume(
                                DocumentExistsException.class, e -> putChunk(key, first, n, chunk, external, null));
            }
            List<Long> tombstoned = new ArrayList<>();
            for (long o = first; o < first + n; o++) {
                if (o < b.lo() || b.chunkOf(o) != null) {
                    // written before (a second insert of the same offsets) or trimmed: nothing of ours
                    // goes in. A remembered block may be stale (removed with its topic since): read it.
                    return known != null
                            ? putChunk(key, first, n, chunk, external, null)
                            : Mono.just(new Written(key, first, n, List.of(o), false, false));
                }
                if (b.tombstones().contains(o)) {
                    tombstoned.add(o);
                }
            }
            List<MutateInSpec> specs = List.of(
                    MutateInSpec.insert("b" + first, chunk),
                    MutateInSpec.arrayAppend("r", List.of(LogBlock.range(first, n))));
            return kv.mutateIn(ks.messages, key, specs, b.cas())
                    .map(cas -> {
                        remember(key, b.withChunk(cas, first, n, external));
                        return new Written(key, first, n, tombstoned, b.unverified(), true);
                    })
                    .onErrorResume(
                            e -> e instanceof CasMismatchException
                                    || e instanceof DocumentNotFoundException
                                    || e instanceof PathExistsException,
                            e -> putChunk(key, first, n, chunk, external, null));
        });
    }

    /** The block's current state (messages not decoded), or {@link LogBlock#ABSENT}. */
    private Mono<LogBlock> fetch(String key) {
        return kv.get(ks.messages, key)
                .map(r -> LogBlock.parse(r.contentAsBytes(), r.cas()))
                .doOnNext(b -> remember(key, b))
                .defaultIfEmpty(LogBlock.ABSENT);
    }

    /**
     * What the block holds without its messages (a sub-document lookup of its small fields), or
     * {@link LogBlock#ABSENT}. Large-message pointers are not part of it: who needs them reads the
     * whole block.
     */
    private static final LookupInSpec[] INDEX = {
        LookupInSpec.get("lo"),
        LookupInSpec.get("t"),
        LookupInSpec.get("d"),
        LookupInSpec.get("r"),
        LookupInSpec.get("new")
    };

    private Mono<LogBlock> fetchIndex(String key) {
        List<LookupInSpec> specs = List.of(INDEX);
        return kv.lookupIn(ks.messages, key, specs)
                .map(r -> indexFrom(r).knowing(blocks.get(key), List.of(), List.of()))
                .doOnNext(b -> remember(key, b))
                .defaultIfEmpty(LogBlock.ABSENT);
    }

    /** {@code known} (the block as this JVM last saw it) if there is one, else the block's index read now. */
    private Mono<LogBlock> rememberedOrIndex(String key, LogBlock known) {
        return known != null ? Mono.just(known) : fetchIndex(key);
    }

    /** A block from a lookup whose first paths are {@link #INDEX} (its large-message pointers not known). */
    private static LogBlock indexFrom(LookupInResult r) {
        TreeMap<Long, Integer> chunks = new TreeMap<>();
        JsonArray index = r.contentAsArray(3);
        for (int i = 0; i < index.size(); i++) {
            JsonArray c = index.getArray(i);
            chunks.put(c.getLong(0), c.getInt(1));
        }
        return new LogBlock(
                r.cas(),
                r.contentAs(0, Long.class),
                chunks,
                longs(r.contentAsArray(1)),
                longs(r.contentAsArray(2)),
                null,
                r.contentAs(4, Boolean.class));
    }

    private static TreeSet<Long> longs(JsonArray a) {
        TreeSet<Long> out = new TreeSet<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(a.getLong(i));
        }
        return out;
    }

    /** Records that the trim mark was {@code low} after the block was created: it stops being new. */
    private Mono<Void> verify(String key, long low, LogBlock known) {
        Mono<LogBlock> state = known != null && known.unverified() ? Mono.just(known) : fetchIndex(key);
        return state.flatMap(b -> {
            if (b.absent() || !b.unverified()) {
                return Mono.<Void>empty();
            }
            List<MutateInSpec> specs = new ArrayList<>(List.of(MutateInSpec.upsert("new", false)));
            if (low > b.lo()) {
                specs.add(MutateInSpec.upsert("lo", low));
            }
            return kv.mutateIn(ks.messages, key, specs, b.cas())
                    .doOnNext(cas -> remember(key, b.verified(cas, low)))
                    .then()
                    .onErrorResume(
                            e -> e instanceof CasMismatchException || e instanceof DocumentNotFoundException,
                            e -> verify(key, low, null));
        });
    }

    /**
     * Marks offsets below {@code lo} of a block trimmed (readers skip them, inserts and seals find them
     * done). The block is usually the one producers are writing: its state as last seen here saves a
     * read, and remembering the new version saves their next write a mismatch.
     */
    private Mono<Void> raiseLo(String key, long lo, LogBlock known) {
        Mono<LogBlock> state = rememberedOrIndex(key, known);
        return state.flatMap(b -> b.absent() || b.lo() >= lo
                ? Mono.<Void>empty()
                : kv.mutateIn(ks.messages, key, List.of(MutateInSpec.upsert("lo", lo)), b.cas())
                        .doOnNext(cas -> remember(key, b.withLo(cas, lo)))
                        .then()
                        .onErrorResume(
                                e -> e instanceof CasMismatchException || e instanceof DocumentNotFoundException,
                                e -> raiseLo(key, lo, null)));
    }

    // ---- read ---------------------------------------------------------------------------------

    ReadResult read(TopicShard shard, long from, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0, was " + max);
        }
        long head = kv.run("read", headMono(shard));
        long start = Math.max(0, from);
        long end = Math.min(head, from + max);
        if (start >= end) {
            return new ReadResult(List.of(), head);
        }
        // offsets an append of this JVM is still writing are not looked for: the range stops before
        // them, reported as read up to there (a head no further than the stored one, as readKnown
        // does), and the append's wake-up brings the reader back for them
        long to = own.firstWriting(shard, start, end);
        if (to == start) {
            return new ReadResult(List.of(), start);
        }
        List<Entry> entries = readRange(shard, start, to);
        return new ReadResult(entries, to < end && entries.size() == to - start ? to : head);
    }

    /**
     * {@link #read} without asking for the head when this JVM already knows that offsets from
     * {@code from} on were reserved (it reserved them or saw a head beyond them): reads the blocks of
     * {@code [from, min(from + max, known head))} and, if every offset there holds an entry, reports
     * the end of that range as the head, a lower bound of the true one below which everything was
     * read. A range with a gap (a hole, a write in progress, offsets reserved ahead in another JVM)
     * is completed as {@link #read} would read it ({@link #gapRead}), so gaps are only ever judged
     * against the stored head. Saves the head's round trip on every read that finds what it expected.
     *
     * <p>Two cases need no round trip at all: offsets an append of this JVM is still writing are not
     * looked for (the range stops before them, and one that starts there reports nothing new: the
     * append's wake-up brings the reader back), and a range this JVM wrote all of is taken from
     * {@link LocalMessages} (one with an offset it did not write is read from the store, which shows
     * the reader what lies beyond a hole).
     */
    ReadResult readKnown(TopicShard shard, long from, int max) {
        long known = knownHeads.getOrDefault(shard, 0L);
        long start = Math.max(0, from);
        long end = Math.min(known, from + max);
        if (max <= 0 || start >= end) {
            return read(shard, from, max);
        }
        long to = own.firstWriting(shard, start, end);
        if (to == start) {
            return new ReadResult(List.of(), start); // this JVM is writing it: its append wakes the reader
        }
        List<Entry> mine = local.prefix(shard, start, to);
        if (mine.size() == to - start) {
            return new ReadResult(mine, to); // all written here: nothing to fetch
        }
        List<Entry> entries = readRange(shard, start, to);
        if (entries.size() != to - start) {
            return gapRead(shard, from, max, to, entries);
        }
        return new ReadResult(entries, to);
    }

    /**
     * A {@link #readKnown} that found a gap below {@code to}: the gap is judged against the stored
     * head, as {@link #read} does, but what was read stays read: the head, and the blocks of offsets
     * reserved beyond {@code to} since, if any. A consumer behind a producer that reserves offsets
     * ahead in another JVM finds such a gap on almost every read.
     */
    private ReadResult gapRead(TopicShard shard, long from, int max, long to, List<Entry> entries) {
        long head = kv.run("read", headMono(shard));
        long end = Math.min(head, from + max);
        if (head < to) {
            return read(shard, from, max); // a counter behind what was seen here: the topic is gone
        }
        if (end <= to) {
            return new ReadResult(entries, head);
        }
        long more = own.firstWriting(shard, to, end); // as in read: not this JVM's writes in flight
        List<Entry> all = new ArrayList<>(entries);
        all.addAll(readRange(shard, to, more));
        return new ReadResult(all, head);
    }

    /** The entries of {@code [from, to)}, a block per get or lookup, in parallel. */
    private List<Entry> readRange(TopicShard shard, long from, long to) {
        if (from >= to) {
            return List.of();
        }
        List<Long> indexes = Kv.range(LogBlock.index(from), LogBlock.index(to - 1) + 1);
        return kv.run(
                "read",
                Kv.parallel(indexes, i -> readBlock(shard, i, from, to))
                        .concatMapIterable(l -> l)
                        .collectList());
    }

    /** A block as read: its state and the messages of the range asked for (external ones as null). */
    private record Snapshot(LogBlock block, Map<Long, Message> messages) {}

    /** Most chunks a read fetches by sub-document lookup (16 paths at most, 5 taken by the index). */
    private static final int MAX_CHUNK_LOOKUPS = 11;

    private Mono<List<Entry>> readBlock(TopicShard shard, long index, long from, long to) {
        String key = ks.block(shard, index);
        long start = Math.max(from, LogBlock.start(index));
        long end = Math.min(to, LogBlock.start(index + 1));
        List<Long> wanted = subdocReads ? chunksToFetch(blocks.get(key), index, start, end) : null;
        Mono<Snapshot> snapshot = wanted == null ? whole(key, from, to) : chunks(key, wanted, from, to, start, end);
        return snapshot.flatMap(s -> entries(shard, s, start, end));
    }

    /**
     * The chunks a read of {@code [start, end)} needs, as far as this JVM knows the block: those it
     * saw there, and the one that would follow the last (a consumer reading behind a producer finds
     * the next batch there). Null when the block is unknown or too many chunks: fetch it whole.
     */
    private static List<Long> chunksToFetch(LogBlock known, long index, long start, long end) {
        if (known == null) {
            return null;
        }
        List<Long> out = new ArrayList<>();
        long next = LogBlock.start(index);
        for (Map.Entry<Long, Integer> c : known.chunks().entrySet()) {
            long chunkEnd = c.getKey() + c.getValue();
            if (c.getKey() < end && chunkEnd > start) {
                out.add(c.getKey());
            }
            next = Math.max(next, chunkEnd);
        }
        if (next < end) {
            out.add(next);
        }
        return out.size() > MAX_CHUNK_LOOKUPS ? null : out;
    }

    private Mono<Snapshot> whole(String key, long from, long to) {
        return kv.get(ks.messages, key).map(r -> {
            Map<Long, Message> messages = new HashMap<>();
            LogBlock b = LogBlock.parse(r.contentAsBytes(), r.cas(), from, to, messages);
            remember(key, b);
            return new Snapshot(b, messages);
        });
    }

    /**
     * The block's small fields and the chunks guessed, in one lookup; if its index shows a chunk in
     * the range that was not guessed, the whole block after all.
     */
    private Mono<Snapshot> chunks(String key, List<Long> wanted, long from, long to, long start, long end) {
        List<LookupInSpec> specs = new ArrayList<>(List.of(INDEX));
        wanted.forEach(first -> specs.add(LookupInSpec.get("b" + first)));
        return kv.lookupIn(ks.messages, key, specs).flatMap(r -> {
            LogBlock index = indexFrom(r);
            Map<Long, Message> messages = new HashMap<>();
            List<Long> parsed = new ArrayList<>();
            List<Long> externals = new ArrayList<>();
            for (Map.Entry<Long, Integer> c : index.chunks().entrySet()) {
                if (c.getKey() >= end || c.getKey() + c.getValue() <= start) {
                    continue;
                }
                int i = wanted.indexOf(c.getKey());
                if (i < 0 || !r.exists(INDEX.length + i)) {
                    return whole(key, from, to);
                }
                LogBlock.parseChunk(r.contentAsBytes(INDEX.length + i), c.getKey(), from, to, messages, externals);
                parsed.add(c.getKey());
            }
            LogBlock b = index.knowing(blocks.get(key), parsed, externals);
            remember(key, b);
            return Mono.just(new Snapshot(b, messages));
        });
    }

    private Mono<List<Entry>> entries(TopicShard shard, Snapshot s, long start, long end) {
        LogBlock b = s.block();
        TreeMap<Long, Entry> out = new TreeMap<>();
        List<Long> external = new ArrayList<>();
        for (long o = start; o < end; o++) {
            if (o < b.lo()) {
                continue;
            }
            // a deleted message reads as a tombstone, not a gap: a gap reads as a hole, which a
            // consumer waits the publish timeout for before sealing it
            if (b.tombstones().contains(o) || b.deleted().contains(o)) {
                out.put(o, Entry.tombstone(o));
            } else if (s.messages().get(o) != null) {
                out.put(o, new Entry(o, s.messages().get(o)));
            } else if (s.messages().containsKey(o)) {
                external.add(o);
            }
        }
        return Kv.parallel(external, o -> kv.get(ks.messages, ks.external(shard, o))
                        .map(x -> Documents.entryFrom(o, x)))
                .doOnNext(e -> out.put(e.offset(), e))
                .then(Mono.fromSupplier(() -> List.copyOf(out.values())));
    }

    // ---- seal, trim, delete -------------------------------------------------------------------

    boolean seal(TopicShard shard, long offset) {
        if (offset < kv.run("seal", lowMono(shard)).value) {
            return true; // trimmed: sealed or done for every subscription, and no insert can win it
        }
        return kv.run("seal", seal(shard, ks.block(shard, LogBlock.index(offset)), offset));
    }

    private Mono<Boolean> seal(TopicShard shard, String key, long offset) {
        // a producer that died after writing a large message but before its chunk leaves it behind
        Mono<Boolean> sealed =
                kv.remove(ks.messages, ks.external(shard, offset)).thenReturn(true);
        return fetchIndex(key).flatMap(b -> {
            if (b.absent()) {
                return kv.insert(
                                ks.messages,
                                key,
                                LogBlock.newDocument(null, 0, null, List.of(offset)),
                                kv.insertOptions().transcoder(RawJsonTranscoder.INSTANCE))
                        .then(sealed)
                        .onErrorResume(DocumentExistsException.class, e -> seal(shard, key, offset));
            }
            if (b.settled(offset)) {
                return Mono.just(true);
            }
            if (b.chunkOf(offset) != null) {
                return Mono.just(false);
            }
            return kv.mutateIn(ks.messages, key, List.of(MutateInSpec.arrayAppend("t", List.of(offset))), b.cas())
                    .then(sealed)
                    .onErrorResume(
                            e -> e instanceof CasMismatchException || e instanceof DocumentNotFoundException,
                            e -> seal(shard, key, offset));
        });
    }

    /**
     * Tombstones the offsets of {@code [from, to)} that hold nothing, one write per block: a
     * producer's reserved offsets it will not use. Offsets below the trim mark are done already.
     */
    private Mono<Void> sealRange(TopicShard shard, long from, long to) {
        return Kv.parallel(Kv.range(LogBlock.index(from), LogBlock.index(to - 1) + 1), i -> {
                    String key = ks.block(shard, i);
                    List<Long> offsets =
                            Kv.range(Math.max(from, LogBlock.start(i)), Math.min(to, LogBlock.start(i + 1)));
                    return tombstone(shard, key, offsets, blocks.get(key));
                })
                .then();
    }

    private Mono<Void> tombstone(TopicShard shard, String key, List<Long> offsets, LogBlock known) {
        Mono<LogBlock> state = rememberedOrIndex(key, known);
        return state.flatMap(b -> {
            if (b.absent()) {
                // the block may be one trim removed (the topic deleted elsewhere meanwhile): what lies
                // below the mark is done, and creating the block again would leave it behind
                return lowMono(shard).flatMap(low -> {
                    List<Long> open =
                            offsets.stream().filter(o -> o >= low.value).toList();
                    return open.isEmpty()
                            ? Mono.<Void>empty()
                            : kv.insert(
                                            ks.messages,
                                            key,
                                            LogBlock.newDocument(null, 0, null, open),
                                            kv.insertOptions().transcoder(RawJsonTranscoder.INSTANCE))
                                    .doOnNext(cas -> remember(key, LogBlock.sealed(cas, open)))
                                    .then()
                                    .onErrorResume(
                                            DocumentExistsException.class, e -> tombstone(shard, key, open, null));
                });
            }
            List<Long> open = offsets.stream()
                    .filter(o -> !b.settled(o) && b.chunkOf(o) == null)
                    .toList();
            if (open.isEmpty()) {
                return Mono.<Void>empty();
            }
            return kv.mutateIn(ks.messages, key, List.of(MutateInSpec.arrayAppend("t", open)), b.cas())
                    .doOnNext(cas -> remember(key, b.withTombstones(cas, open)))
                    .then()
                    .onErrorResume(
                            e -> e instanceof CasMismatchException || e instanceof DocumentNotFoundException,
                            e -> tombstone(shard, key, offsets, null));
        });
    }

    /**
     * The trim mark of a shard: every offset below {@code value} is trimmed (reads and inserts there
     * are refused); blocks below {@code removed} (a block boundary) are gone.
     */
    record Low(long value, long removed, long cas) {}

    Low low(TopicShard shard) {
        return kv.run("trim", lowMono(shard));
    }

    Mono<Low> lowMono(TopicShard shard) {
        return kv.get(ks.offsets, ks.low(shard))
                .map(r -> {
                    JsonObject o = r.contentAsObject();
                    return new Low(o.getLong("low"), o.getLong("removed"), r.cas());
                })
                .defaultIfEmpty(new Low(0, 0, 0));
    }

    /** Compare-and-swap of the trim mark: the mark as written, or null if another writer changed it first. */
    private Low writeLow(TopicShard shard, Low expected, long value, long removed) {
        JsonObject doc = JsonObject.create().put("low", value).put("removed", removed);
        Mono<Long> write = expected.cas == 0
                ? kv.insert(ks.offsets, ks.low(shard), doc, kv.insertOptions())
                        .onErrorResume(DocumentExistsException.class, e -> Mono.empty())
                : kv.replace(ks.offsets, ks.low(shard), doc, kv.replaceOptions().cas(expected.cas));
        Long cas = kv.run("trim", write);
        return cas == null ? null : new Low(value, removed, cas);
    }

    void trim(TopicShard shard, long offset) {
        Low low = low(shard);
        // first the mark, then the blocks: see insert
        while (offset > low.value) {
            Low written = writeLow(shard, low, offset, low.removed);
            if (written != null) {
                low = written;
                break;
            }
            low = low(shard);
        }
        long to = low.value;
        long whole = LogBlock.index(to); // blocks entirely below the mark
        if (LogBlock.start(whole) > low.removed) {
            kv.run("trim", removeBlocks(shard, LogBlock.index(low.removed), whole));
            // record the progress, under the mark's CAS as this trim left it (a read only if another
            // trim changed it since); if that one moved the mark on, a later trim finishes the job
            Low now = low;
            while (now.removed < LogBlock.start(whole)
                    && writeLow(shard, now, now.value, LogBlock.start(whole)) == null) {
                now = low(shard);
            }
        }
        if (to % LogBlock.SIZE != 0) {
            String key = ks.block(shard, whole);
            kv.run("trim", raiseLo(key, to, blocks.get(key)));
        }
    }

    /** Removes blocks {@code [from, to)} with the large messages they point at. */
    private Mono<Void> removeBlocks(TopicShard shard, long from, long to) {
        return Kv.parallel(Kv.range(from, to), i -> {
                    String key = ks.block(shard, i);
                    return removeBlock(shard, key, blocks.remove(key));
                })
                .then();
    }

    /**
     * Removes a block and the large messages it points at. A block known here with its pointers (the
     * usual case: this JVM wrote or read it last) is removed under its CAS without a read first; if it
     * changed since, or it is not known, it is read.
     */
    private Mono<Void> removeBlock(TopicShard shard, String key, LogBlock known) {
        boolean guess = known != null && known.externals() != null;
        Mono<LogBlock> state = guess ? Mono.just(known) : fetch(key);
        return state.flatMap(b -> b.absent()
                        ? Mono.<Void>empty()
                        : Kv.parallel(b.externals(), o -> kv.remove(ks.messages, ks.external(shard, o)))
                                .then(kv.remove(ks.messages, key, guess ? b.cas() : 0))
                                .flatMap(removed ->
                                        removed || !guess ? Mono.<Void>empty() : removeBlock(shard, key, null)))
                .doFinally(s -> blocks.remove(key));
    }

    void delete(TopicShard shard, Collection<Long> offsets) {
        Map<Long, List<Long>> byBlock = new TreeMap<>();
        for (long o : new TreeSet<>(offsets)) {
            byBlock.computeIfAbsent(LogBlock.index(o), i -> new ArrayList<>()).add(o);
        }
        kv.run(
                "delete",
                Kv.parallel(byBlock.entrySet(), e -> delete(shard, ks.block(shard, e.getKey()), e.getValue()))
                        .then());
    }

    private Mono<Void> delete(TopicShard shard, String key, List<Long> offsets) {
        return fetch(key).flatMap(b -> {
            List<Long> fresh = offsets.stream()
                    .filter(o -> b.chunkOf(o) != null && !b.settled(o))
                    .toList();
            if (fresh.isEmpty()) {
                return Mono.<Void>empty();
            }
            return kv.mutateIn(ks.messages, key, List.of(MutateInSpec.arrayAppend("d", fresh)), b.cas())
                    .thenMany(Kv.parallel(
                            fresh.stream().filter(b.externals()::contains).toList(),
                            o -> kv.remove(ks.messages, ks.external(shard, o))))
                    .then()
                    .onErrorResume(
                            e -> e instanceof CasMismatchException || e instanceof DocumentNotFoundException,
                            e -> delete(shard, key, offsets));
        });
    }

    /** Drops what this JVM remembers of a shard being removed; its reserved offsets go with it. */
    private void forget(TopicShard shard) {
        local.forget(shard);
        own.forget(shard);
    }

    /**
     * An ordinary topic's shard, for the deletion of its topic: trimmed to its head, keeping the
     * counter and the trim mark, so that a topic created again under its name goes on from there and
     * no offset ever names two messages (see {@link LocalMessages}).
     */
    void retire(TopicShard shard) {
        forget(shard);
        trim(shard, kv.run("deleteTopic", headMono(shard)));
    }

    /**
     * Everything of a temporary topic's shard (its name is never used again): blocks, large messages,
     * counter and trim mark.
     */
    Mono<Void> removeShard(TopicShard shard) {
        forget(shard);
        return Mono.zip(lowMono(shard), headMono(shard))
                .flatMap(lh -> removeBlocks(
                        shard, LogBlock.index(lh.getT1().removed), LogBlock.index(Math.max(0, lh.getT2() - 1)) + 1))
                .then(kv.remove(ks.offsets, ks.counter(shard)))
                .then(kv.remove(ks.offsets, ks.low(shard)))
                .then(Mono.fromRunnable(() -> knownHeads.remove(shard)));
    }
}
