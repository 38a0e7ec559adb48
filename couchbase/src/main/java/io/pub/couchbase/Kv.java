package io.pub.couchbase;

import com.couchbase.client.core.error.CasMismatchException;
import com.couchbase.client.core.error.CouchbaseException;
import com.couchbase.client.core.error.DocumentNotFoundException;
import com.couchbase.client.core.msg.kv.DurabilityLevel;
import com.couchbase.client.java.ReactiveCollection;
import com.couchbase.client.java.codec.DefaultJsonSerializer;
import com.couchbase.client.java.codec.JsonSerializer;
import com.couchbase.client.java.kv.GetResult;
import com.couchbase.client.java.kv.IncrementOptions;
import com.couchbase.client.java.kv.InsertOptions;
import com.couchbase.client.java.kv.LookupInResult;
import com.couchbase.client.java.kv.LookupInSpec;
import com.couchbase.client.java.kv.MutateInOptions;
import com.couchbase.client.java.kv.MutateInSpec;
import com.couchbase.client.java.kv.MutationResult;
import com.couchbase.client.java.kv.RemoveOptions;
import com.couchbase.client.java.kv.ReplaceOptions;
import com.couchbase.client.java.kv.UpsertOptions;
import io.pub.spi.StoreException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The key-value operations the store is built from, each counted as one round trip, each write
 * carrying the configured durability (COUCHBASE_DURABILITY) so that what a call reported as written
 * survives a node failover when the level asks for it. Missing documents and lost CAS races are
 * answers here (empty, false), not errors; every other failure becomes a StoreException in
 * {@link #run}.
 */
final class Kv {
    /** Most operations one call keeps in flight. */
    static final int PARALLELISM = 128;

    /** Passes byte arrays through as JSON already encoded (messages embedded in a block). */
    private static final JsonSerializer RAW = new JsonSerializer() {
        private final JsonSerializer json = DefaultJsonSerializer.create();

        @Override
        public byte[] serialize(Object input) {
            return input instanceof byte[] b ? b : json.serialize(input);
        }

        @Override
        public <T> T deserialize(Class<T> target, byte[] input) {
            return json.deserialize(target, input);
        }
    };

    private final String description;
    private final DurabilityLevel durability;
    private final LongAdder roundTrips = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();

    Kv(String description, DurabilityLevel durability) {
        this.description = description;
        this.durability = durability;
    }

    InsertOptions insertOptions() {
        return InsertOptions.insertOptions().durability(durability);
    }

    ReplaceOptions replaceOptions() {
        return ReplaceOptions.replaceOptions().durability(durability);
    }

    private <T> Mono<T> counted(Supplier<Mono<T>> op) {
        return Mono.defer(() -> {
            roundTrips.increment();
            return op.get();
        });
    }

    /** The document, or empty if there is none. */
    Mono<GetResult> get(ReactiveCollection c, String key) {
        return counted(() -> c.get(key)).onErrorResume(DocumentNotFoundException.class, e -> Mono.empty());
    }

    /** Parts of a document (sub-document lookup), or empty if there is none. */
    Mono<LookupInResult> lookupIn(ReactiveCollection c, String key, List<LookupInSpec> specs) {
        return counted(() -> c.lookupIn(key, specs)).onErrorResume(DocumentNotFoundException.class, e -> Mono.empty());
    }

    /** Insert-if-absent; fails with DocumentExistsException if the id is taken. Returns the CAS. */
    Mono<Long> insert(ReactiveCollection c, String key, Object content, InsertOptions options) {
        return counted(() -> c.insert(key, content, options)).map(MutationResult::cas);
    }

    /** Replaces if the CAS in {@code options} still matches; empty if it changed or the document is gone. */
    Mono<Long> replace(ReactiveCollection c, String key, Object content, ReplaceOptions options) {
        return counted(() -> c.replace(key, content, options))
                .map(MutationResult::cas)
                .onErrorResume(CasMismatchException.class, e -> Mono.empty())
                .onErrorResume(DocumentNotFoundException.class, e -> Mono.empty());
    }

    /**
     * Sub-document mutation, under compare-and-swap unless {@code cas} is 0; byte[] values are JSON
     * as is. Fails with CasMismatchException, DocumentNotFoundException or a path error.
     */
    Mono<Long> mutateIn(ReactiveCollection c, String key, List<MutateInSpec> specs, long cas) {
        MutateInOptions options =
                MutateInOptions.mutateInOptions().durability(durability).serializer(RAW);
        if (cas != 0) {
            options.cas(cas);
        }
        return counted(() -> c.mutateIn(key, specs, options)).map(MutationResult::cas);
    }

    Mono<Long> upsert(ReactiveCollection c, String key, Object content) {
        return counted(() ->
                        c.upsert(key, content, UpsertOptions.upsertOptions().durability(durability)))
                .map(MutationResult::cas);
    }

    /** Removes if the CAS matches ({@code cas} 0: any); true if this call removed it. */
    Mono<Boolean> remove(ReactiveCollection c, String key, long cas) {
        return counted(() -> c.remove(
                        key,
                        RemoveOptions.removeOptions().durability(durability).cas(cas)))
                .map(r -> true)
                .onErrorResume(DocumentNotFoundException.class, e -> Mono.just(false))
                .onErrorResume(CasMismatchException.class, e -> Mono.just(false));
    }

    Mono<Boolean> remove(ReactiveCollection c, String key) {
        return remove(c, key, 0);
    }

    /** Adds {@code delta} to a counter, creating it at {@code delta} if absent; returns the new value. */
    Mono<Long> increment(ReactiveCollection c, String key, long delta) {
        return counted(() -> c.binary()
                        .increment(
                                key,
                                IncrementOptions.incrementOptions()
                                        .durability(durability)
                                        .delta(delta)
                                        .initial(delta)))
                .map(r -> r.content());
    }

    /** Runs {@code mono} to completion on the caller's thread. */
    <T> T run(String op, Mono<T> mono) {
        if (closed.get()) {
            throw new StoreException("the Couchbase store " + description + " is closed");
        }
        try {
            return mono.block();
        } catch (CouchbaseException e) {
            throw new StoreException("Couchbase " + op + " failed on " + description + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new StoreException(
                    "Couchbase " + op + " on " + description + " found a document it cannot read: " + e.getMessage(),
                    e);
        }
    }

    /** {@code fn} over {@code items} with up to {@link #PARALLELISM} in flight, results in item order. */
    static <T, R> Flux<R> parallel(Collection<T> items, Function<T, Mono<R>> fn) {
        return Flux.fromIterable(items).flatMapSequential(fn, PARALLELISM);
    }

    static List<Long> range(long from, long to) {
        return from >= to ? List.of() : LongStream.range(from, to).boxed().toList();
    }

    long roundTrips() {
        return roundTrips.sum();
    }

    /** True the first time: the caller disconnects. */
    boolean close() {
        return closed.compareAndSet(false, true);
    }
}
