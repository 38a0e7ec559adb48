package io.pub.couchbase;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.pub.Message;
import io.pub.internal.MessageCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One document of a shard's log: what {@link #SIZE} consecutive offsets hold, starting at a multiple
 * of SIZE. As JSON:
 *
 * <pre>{"new": false, "lo": 0, "t": [5], "d": [9], "r": [[3, 3], [6, 2]], "b3": [msg, msg, "x"], "b6": [...]}</pre>
 *
 * <ul>
 *   <li>{@code b<first>}: a chunk, the messages one insert wrote at {@code first, first + 1, ...}; an
 *       element {@code "x"} is a message too large to embed, kept in a document of its own;
 *   <li>{@code t}: tombstones (sealed holes). A tombstone written before the chunk that covers its
 *       offset wins over it: the producer saw it, under the same CAS, and was told it lost;
 *   <li>{@code d}: offsets deleted one by one (expired messages);
 *   <li>{@code lo}: offsets below it were trimmed;
 *   <li>{@code r}: the chunks as {@code [first, count]}, so writers and sealers learn what the block
 *       holds with a sub-document lookup instead of fetching its messages;
 *   <li>{@code new}: true until a writer read the shard's trim mark after the block was created. The
 *       block may be one that retention removed (every offset in it done) and a stalled producer
 *       or sealer created again: whoever writes into it while it is new reads the trim mark
 *       afterwards, loses what lies below it and sets {@code lo} to it.
 * </ul>
 *
 * Every writer of a block changes it under compare-and-swap of the whole document (or creates it with
 * insert-if-absent), so each offset has exactly one winner among the producer and the sealers.
 *
 * <p>{@code externals} are the offsets whose message is kept apart, or null where they are not known:
 * a block learned from its index alone ({@code r} says where chunks are, not what they hold).
 */
record LogBlock(
        long cas,
        long lo,
        TreeMap<Long, Integer> chunks,
        TreeSet<Long> tombstones,
        TreeSet<Long> deleted,
        TreeSet<Long> externals,
        boolean unverified) {
    /**
     * Offsets per block: a batch of 100 costs two or three block writes and a read of a window one
     * or two gets, while a consumer that reads a few messages at a time fetches at most SIZE.
     */
    static final int SIZE = 64;
    /**
     * Messages whose JSON is larger go to a document of their own, so a full block stays under the
     * 20 MiB document limit (SIZE * INLINE_MAX = 16 MiB).
     */
    static final int INLINE_MAX = 256 * 1024;

    static final byte[] EXTERNAL = "\"x\"".getBytes(StandardCharsets.US_ASCII);
    static final LogBlock ABSENT =
            new LogBlock(0, 0, new TreeMap<>(), new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), false);

    private static final JsonFactory FACTORY = new JsonFactory();

    static long index(long offset) {
        return offset / SIZE;
    }

    static long start(long index) {
        return index * SIZE;
    }

    boolean absent() {
        return cas == 0;
    }

    /** The start of the chunk that covers {@code offset}, or null. */
    Long chunkOf(long offset) {
        Map.Entry<Long, Integer> e = chunks.floorEntry(offset);
        return e != null && offset < e.getKey() + e.getValue() ? e.getKey() : null;
    }

    /** True if a seal of {@code offset} finds it done already (trimmed, tombstone or deleted). */
    boolean settled(long offset) {
        return offset < lo || tombstones.contains(offset) || deleted.contains(offset);
    }

    /** The chunk's value: a JSON array of the encoded messages, or "x" for those kept apart. */
    static byte[] chunk(List<byte[]> encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('[');
        for (int i = 0; i < encoded.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            byte[] m = encoded.get(i);
            out.writeBytes(m.length > INLINE_MAX ? EXTERNAL : m);
        }
        out.write(']');
        return out.toByteArray();
    }

    /** The entry of the chunk index {@code r} for a chunk of {@code n} at {@code first}. */
    static byte[] range(long first, int n) {
        return ("[" + first + "," + n + "]").getBytes(StandardCharsets.US_ASCII);
    }

    /** A new block holding one chunk of {@code n} and/or tombstones. */
    static byte[] newDocument(Long chunkStart, int n, byte[] chunk, Collection<Long> tombstones) {
        StringBuilder head = new StringBuilder("{\"new\":true,\"lo\":0,\"d\":[],\"t\":[");
        head.append(String.join(",", tombstones.stream().map(String::valueOf).toList()));
        head.append("],\"r\":[");
        if (chunkStart != null) {
            head.append('[').append(chunkStart).append(',').append(n).append(']');
        }
        head.append(']');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
        if (chunkStart != null) {
            out.writeBytes((",\"b" + chunkStart + "\":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(chunk);
        }
        out.write('}');
        return out.toByteArray();
    }

    /**
     * Reads a block. Messages at offsets in {@code [from, to)} are decoded into {@code messages} (an
     * external one as null, to be fetched); the others are skipped.
     */
    static LogBlock parse(byte[] json, long cas, long from, long to, Map<Long, Message> messages) {
        TreeMap<Long, Integer> chunks = new TreeMap<>();
        TreeSet<Long> tombstones = new TreeSet<>();
        TreeSet<Long> deleted = new TreeSet<>();
        TreeSet<Long> externals = new TreeSet<>();
        long lo = 0;
        boolean unverified = false;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("expected a log block object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("lo")) {
                    lo = p.getLongValue();
                } else if (field.equals("new")) {
                    unverified = p.getBooleanValue();
                } else if (field.equals("t") || field.equals("d")) {
                    Collection<Long> into = field.equals("t") ? tombstones : deleted;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        into.add(p.getLongValue());
                    }
                } else if (field.startsWith("b") && value == JsonToken.START_ARRAY) {
                    long first = Long.parseLong(field.substring(1));
                    int n = readChunk(p, first, from, to, messages, externals);
                    chunks.put(first, n);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt log block", e);
        }
        return new LogBlock(cas, lo, chunks, tombstones, deleted, externals, unverified);
    }

    /**
     * Reads a chunk's array (the parser on its START_ARRAY, left on its END_ARRAY): messages at offsets
     * in {@code [from, to)} go to {@code messages} (an external one as null), the others are skipped;
     * offsets of external ones go to {@code externals}. Returns the chunk's length.
     */
    private static int readChunk(
            JsonParser p, long first, long from, long to, Map<Long, Message> messages, Collection<Long> externals)
            throws IOException {
        int n = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), n++) {
            long offset = first + n;
            boolean wanted = offset >= from && offset < to;
            if (t == JsonToken.START_OBJECT) {
                if (wanted) {
                    messages.put(offset, MessageCodec.read(p));
                } else {
                    p.skipChildren();
                }
            } else {
                externals.add(offset);
                if (wanted) {
                    messages.put(offset, null);
                }
            }
        }
        return n;
    }

    /**
     * Reads one chunk fetched on its own (a sub-document lookup of {@code b<first>}); the offsets of
     * its large messages go to {@code externals}.
     */
    static void parseChunk(
            byte[] json, long first, long from, long to, Map<Long, Message> messages, Collection<Long> externals) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("expected a chunk array");
            }
            readChunk(p, first, from, to, messages, externals);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt log block chunk", e);
        }
    }

    static LogBlock parse(byte[] json, long cas) {
        return parse(json, cas, 0, -1, new HashMap<>());
    }

    /** A block just created with one chunk (new until a writer reads the trim mark). */
    static LogBlock created(long cas, long first, int n, Collection<Long> external) {
        TreeMap<Long, Integer> c = new TreeMap<>();
        c.put(first, n);
        return new LogBlock(cas, 0, c, new TreeSet<>(), new TreeSet<>(), new TreeSet<>(external), true);
    }

    /** A block just created holding only tombstones (new until a writer reads the trim mark). */
    static LogBlock sealed(long cas, Collection<Long> tombstones) {
        return new LogBlock(cas, 0, new TreeMap<>(), new TreeSet<>(tombstones), new TreeSet<>(), new TreeSet<>(), true);
    }

    /** This block after {@code sealed} were tombstoned, now at version {@code newCas}. */
    LogBlock withTombstones(long newCas, Collection<Long> sealed) {
        TreeSet<Long> t = new TreeSet<>(tombstones);
        t.addAll(sealed);
        return new LogBlock(newCas, lo, chunks, t, deleted, externals, unverified);
    }

    /** This block once the trim mark {@code low} was read after its creation, now at version {@code newCas}. */
    LogBlock verified(long newCas, long low) {
        return new LogBlock(newCas, Math.max(lo, low), chunks, tombstones, deleted, externals, false);
    }

    /** This block after a chunk of {@code n} was written at {@code first}, now at version {@code newCas}. */
    LogBlock withChunk(long newCas, long first, int n, Collection<Long> external) {
        TreeMap<Long, Integer> c = new TreeMap<>(chunks);
        c.put(first, n);
        TreeSet<Long> x = null;
        if (externals != null) {
            x = new TreeSet<>(externals);
            x.addAll(external);
        }
        return new LogBlock(newCas, lo, c, tombstones, deleted, x, unverified);
    }

    /** This block once offsets below {@code low} were marked trimmed, now at version {@code newCas}. */
    LogBlock withLo(long newCas, long low) {
        return new LogBlock(newCas, Math.max(lo, low), chunks, tombstones, deleted, externals, unverified);
    }

    /**
     * This block, learned from its index, with its large-message pointers where each chunk's are known:
     * parsed with it ({@code parsed} chunks, their pointers {@code parsedExternals}), or known from
     * {@code earlier}, a state of the block seen before (a chunk never changes once written).
     * Unchanged (pointers not known) if any chunk is in neither.
     */
    LogBlock knowing(LogBlock earlier, Collection<Long> parsed, Collection<Long> parsedExternals) {
        boolean earlierKnown = earlier != null && earlier.externals != null;
        for (Map.Entry<Long, Integer> c : chunks.entrySet()) {
            boolean known =
                    parsed.contains(c.getKey()) || earlierKnown && c.getValue().equals(earlier.chunks.get(c.getKey()));
            if (!known) {
                return this;
            }
        }
        TreeSet<Long> x = new TreeSet<>(parsedExternals);
        if (earlierKnown) {
            earlier.externals.stream().filter(o -> chunkOf(o) != null).forEach(x::add);
        }
        return new LogBlock(cas, lo, chunks, tombstones, deleted, x, unverified);
    }
}
