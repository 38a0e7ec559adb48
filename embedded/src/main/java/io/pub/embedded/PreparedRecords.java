package io.pub.embedded;

import static io.pub.embedded.Families.REGISTRY;

import io.pub.spi.PreparedRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import java.util.function.LongSupplier;

/**
 * Prepared-transaction records (XA branches), in the registry beside topics and subscriptions, each
 * stored as its version (8 bytes) and the engine's body. Every change is fsynced before it returns: a
 * branch the transaction manager was told is prepared must survive kill -9.
 */
final class PreparedRecords {
    private static final String KIND = "x";

    private final Committer committer;
    private final LongSupplier versions;
    private final Locks locks = new Locks();

    PreparedRecords(Committer committer, LongSupplier versions) {
        this.committer = committer;
        this.versions = versions;
    }

    static byte[] key(String id) {
        return Keys.registry(KIND, id);
    }

    Optional<PreparedRecord> insert(String id, byte[] body) {
        return write(id, null, body);
    }

    Optional<PreparedRecord> replace(PreparedRecord expected, byte[] body) {
        return write(expected.id(), expected.version(), body);
    }

    /** Writes if the record's version is {@code expected} (null: if there is none). */
    private Optional<PreparedRecord> write(String id, Long expected, byte[] body) {
        byte[] k = key(id);
        PreparedRecord next;
        CompletableFuture<Void> written;
        Lock lock = locks.of(k);
        lock.lock();
        try {
            Optional<PreparedRecord> current = get(id);
            boolean matches = expected == null
                    ? current.isEmpty()
                    : current.isPresent() && current.get().version() == expected;
            if (!matches) {
                return Optional.empty();
            }
            next = new PreparedRecord(id, body, versions.getAsLong());
            written = committer.batch(true).put(REGISTRY, k, encode(next)).submit();
        } finally {
            lock.unlock();
        }
        Committer.await(written);
        return Optional.of(next);
    }

    Optional<PreparedRecord> get(String id) {
        byte[] v = committer.get(REGISTRY, key(id));
        return v == null ? Optional.empty() : Optional.of(decode(id, v));
    }

    boolean delete(String id) {
        byte[] k = key(id);
        CompletableFuture<Void> written;
        Lock lock = locks.of(k);
        lock.lock();
        try {
            if (committer.get(REGISTRY, k) == null) {
                return false;
            }
            written = committer.batch(true).delete(REGISTRY, k).submit();
        } finally {
            lock.unlock();
        }
        Committer.await(written);
        return true;
    }

    List<String> ids() {
        return committer.scan(REGISTRY, Keys.prefix(KIND), Keys.prefixEnd(KIND), (k, v) -> idOf(k));
    }

    static byte[] from() {
        return Keys.prefix(KIND);
    }

    static byte[] to() {
        return Keys.prefixEnd(KIND);
    }

    static String idOf(byte[] key) {
        int skip = Keys.prefix(KIND).length;
        return new String(Arrays.copyOfRange(key, skip, key.length), StandardCharsets.UTF_8);
    }

    private static byte[] encode(PreparedRecord r) {
        byte[] body = r.body();
        return ByteBuffer.allocate(8 + body.length)
                .putLong(r.version())
                .put(body)
                .array();
    }

    static PreparedRecord decode(String id, byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value);
        long version = b.getLong();
        byte[] body = new byte[b.remaining()];
        b.get(body);
        return new PreparedRecord(id, body, version);
    }
}
