package io.pub.spi;

import io.pub.Message;
import io.pub.TopicShard;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The store SPI: the four records (offsets, messages, cursors, leases) and the registry, with only
 * the atomic operations a shared key-value store offers (increment, insert-if-absent,
 * compare-and-swap, expiry). Every operation that can touch many records takes them in one call so a
 * store can batch its round trips; none forces a store to keep one record per message.
 *
 * <p>Times passed in are epoch milliseconds from the engine's injected clock; a store never reads a
 * wall clock to decide whether a lease or claim is live.
 *
 * <p>Implementations are thread-safe. Failures are {@link StoreException}s (unchecked).
 */
public interface Controller extends AutoCloseable {

    // ---- registry: topics -------------------------------------------------------------------

    /**
     * Registers a topic, or returns the existing registration. Fails with IllegalArgumentException if
     * the topic exists with another shard count.
     */
    TopicInfo createTopic(TopicInfo topic);

    Optional<TopicInfo> topic(String name);

    List<TopicInfo> topics();

    /** Removes a topic with its subscriptions, cursors, leases and messages. */
    boolean deleteTopic(String name);

    // ---- registry: subscriptions ------------------------------------------------------------

    /**
     * Registers a subscription if no subscription with its id exists on its topic, placing its
     * cursor on every shard at {@code startAtHead ? head : 0}. Returns the subscription now
     * registered (the existing one if there was one: compare to see who won).
     */
    Subscription createSubscription(Subscription subscription, boolean startAtHead);

    Optional<Subscription> subscription(String topic, String id);

    List<Subscription> subscriptions(String topic);

    /** Removes a subscription with its cursors and leases. */
    boolean deleteSubscription(String topic, String id);

    // ---- registry: claims -------------------------------------------------------------------

    /**
     * Takes the claim {@code key} for {@code owner} until {@code expiresAt}: succeeds if the claim is
     * absent, expired at {@code now}, or already held by {@code owner} (then it is renewed).
     */
    Optional<Claim> claim(String key, String owner, long expiresAt, long now);

    Optional<Claim> readClaim(String key);

    /** Removes the claim if {@code owner} holds it. */
    boolean releaseClaim(String key, String owner);

    // ---- offsets and messages ---------------------------------------------------------------

    /** Reserves {@code count} consecutive offsets with one atomic increment; returns the first. */
    long reserve(TopicShard shard, int count);

    /**
     * Writes {@code messages} at {@code firstOffset, firstOffset + 1, ...} with insert-if-absent.
     * Throws {@link OffsetSealedException} if any of those offsets was sealed; the others are written.
     */
    void insert(TopicShard shard, long firstOffset, List<Message> messages);

    /** Reserves and inserts; stores that can do both in one round trip override it. */
    default long append(TopicShard shard, List<Message> messages) {
        long first = reserve(shard, messages.size());
        insert(shard, first, messages);
        return first;
    }

    /**
     * Starts an {@link #append}: its offsets are reserved and its write is queued before this returns,
     * so appends started one after another from one thread get increasing offsets; the future
     * completes with the first offset once the messages are stored (durable where the store promises
     * it), or exceptionally. A sender keeps several batches in flight with it instead of waiting for
     * each one's write. The default appends before returning.
     */
    default CompletableFuture<Long> appendAsync(TopicShard shard, List<Message> messages) {
        try {
            return CompletableFuture.completedFuture(append(shard, messages));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Tells {@code listener} the shard of every {@link #append}, {@link #appendAsync} and
     * {@link #insert} made through this store object, as soon as its messages can be read: for a
     * store whose writes are readable before they are durable, while the call still waits for its
     * fsync, so this JVM's consumers take a message while it is being made durable instead of after.
     * The listener runs on the store's threads; it must be quick and must not call the store. Returns
     * false if the store does not (the default): the engine then wakes its consumers once a publish
     * has returned.
     */
    default boolean onReadable(Consumer<TopicShard> listener) {
        return false;
    }

    /** The next offset {@link #reserve} will hand out. */
    long head(TopicShard shard);

    /**
     * Reads the entries present in {@code [from, min(from + max, head))}, in offset order, with the
     * head. Offsets with no entry are left out.
     */
    ReadResult read(TopicShard shard, long from, int max);

    /**
     * Seals a hole: writes a tombstone at {@code offset} if nothing is there. Returns true if the
     * offset now holds a tombstone (this call's or an earlier one), false if it holds a message.
     */
    boolean seal(TopicShard shard, long offset);

    /** Removes every entry below {@code offset} (retention). */
    void trim(TopicShard shard, long offset);

    /**
     * Replaces single messages (expired ones) with tombstones whatever the cursors say; an offset
     * holding no message is left as it is. A tombstone, not a gap: below the head, a gap is a hole
     * that consumers wait the publish timeout for.
     */
    void delete(TopicShard shard, Collection<Long> offsets);

    // ---- cursors ----------------------------------------------------------------------------

    /** The subscription's cursor on a shard; {@code Cursor.initial(0)} if none was written. */
    Cursor cursor(String subscription, TopicShard shard);

    /**
     * Replaces the cursor if its version is still {@code expected.version()}. Returns the stored
     * cursor (with its new version) on success, empty if another writer got there first.
     */
    Optional<Cursor> compareAndSetCursor(String subscription, TopicShard shard, Cursor expected, Cursor next);

    /**
     * Marks offsets done for the subscription (acked, expired, filtered out, sealed, dead-lettered):
     * adds them to the cursor, moves its committed offset over every contiguous done offset and
     * drops their leases. Idempotent. Returns the cursor after the change.
     *
     * <p>Stores that override this must make the cursor change visible before the leases go: a
     * consumer that inserts a lease on an offset re-reads the cursor afterwards and relies on this
     * order to find that the offset was done in the meantime.
     */
    default Cursor markDone(String subscription, TopicShard shard, Collection<Long> offsets) {
        while (true) {
            Cursor current = cursor(subscription, shard);
            Cursor next = current.withDone(offsets);
            if (next.equals(current)) {
                dropLeases(subscription, shard, offsets);
                return current;
            }
            Optional<Cursor> stored = compareAndSetCursor(subscription, shard, current, next);
            if (stored.isPresent()) {
                dropLeases(subscription, shard, offsets);
                return stored.get();
            }
        }
    }

    /**
     * {@link #markDone} for an acknowledgement nobody waits on (one the engine writes in the
     * background): the change is visible to every reader when this returns, but a store may make it
     * durable later, with its next durable write or when it closes, instead of waiting for an fsync
     * of its own. Losing it to a crash of the machine before then is a redelivery, which at-least-once
     * allows; a process killed after it returned loses nothing where the write already left the
     * process (the embedded store's write-ahead log is written before this returns, and only its
     * fsync is left for later). The default is {@link #markDone}.
     */
    default Cursor markDoneLazily(String subscription, TopicShard shard, Collection<Long> offsets) {
        return markDone(subscription, shard, offsets);
    }

    // ---- leases -----------------------------------------------------------------------------

    /**
     * Takes leases on {@code offsets} for {@code owner} until {@code expiresAt}: an absent lease is
     * inserted with delivery count 1; one that expired at {@code now} is taken over by
     * compare-and-swap with its delivery count incremented; a live one is left alone. Returns the
     * leases taken, in offset order. The store does not consult the cursor: callers skip done offsets.
     */
    List<Lease> acquire(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now);

    /**
     * Reads a shard and leases what is deliverable in it, in one call: reads {@code [from, min(from +
     * window, head))} as {@link #read} does, offers its entries in offset order to {@code wanted}
     * (which the caller uses to skip tombstones, expired, delayed, filtered and already held
     * messages), stopping at the first offset below the head that holds no entry (a hole or a write
     * in progress: nothing behind it may go out) or once {@code max} were accepted, and takes leases
     * on the accepted offsets as {@link #acquire} does. A lease on an offset the cursor shows done
     * once the leases are taken is not kept (another consumer acked it meanwhile): the cursor that
     * decided this is returned with the leases kept.
     *
     * <p>The head in the result may be lower than the stored one when the store knows, without
     * asking, that the range it read was reserved: it is then the end of that range, every offset
     * below it was read and holds an entry, so the caller finds no gap there; it reads on from it
     * next time. A range with a gap always comes with the stored head.
     *
     * <p>{@code wanted} runs on the calling thread, possibly under the store's locks: it must be
     * quick and must not call the store. The default composes {@link #read}, {@link #acquire},
     * {@link #cursor} and {@link #dropLeases}; stores that can do it in fewer round trips override it.
     */
    default LeaseNext leaseNext(
            String subscription,
            TopicShard shard,
            long from,
            int window,
            int max,
            Predicate<Entry> wanted,
            String owner,
            long expiresAt,
            long now) {
        ReadResult read = read(shard, from, window);
        List<Long> chosen = LeaseNexts.choose(read, from, max, wanted, o -> false);
        if (chosen.isEmpty()) {
            return new LeaseNext(read, List.of(), Optional.empty());
        }
        Acquired acquired = acquireNotDone(subscription, shard, chosen, owner, expiresAt, now);
        return new LeaseNext(read, acquired.leases(), acquired.cursor());
    }

    /**
     * The lease half of {@link #leaseNext}, for offsets the caller read before: takes leases as
     * {@link #acquire} does and keeps only those on offsets the cursor does not show done once the
     * leases are taken (another consumer may have acknowledged one since the caller's cursor read);
     * returns them with the cursor that decided. The default composes {@link #acquire}, {@link #cursor}
     * and {@link #dropLeases}; stores that can tell without reading the cursor that no offset taken
     * was acknowledged override it.
     */
    default Acquired acquireNotDone(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        return Acquired.checked(
                this, subscription, shard, acquire(subscription, shard, offsets, owner, expiresAt, now));
    }

    /**
     * {@link #acquireNotDone} for offsets at or past the head, whose messages are not written yet (a
     * subscriber's leases taken ahead): an expired lease there is taken over at its own delivery
     * count (at least 1), not one more. No message was at those offsets when the caller read the
     * head and nobody delivers under an expired lease, so no delivery was made under the lease
     * taken over (a consumer that died holding it): counting it would mark the message that comes
     * there redelivered and spend one of its deliveries. The default counts as {@link #acquire} does.
     */
    default Acquired acquireAhead(
            String subscription, TopicShard shard, Collection<Long> offsets, String owner, long expiresAt, long now) {
        return acquireNotDone(subscription, shard, offsets, owner, expiresAt, now);
    }

    /** Extends leases still held as given (same version); returns those renewed. */
    List<Lease> renew(Collection<Lease> leases, long expiresAt);

    /**
     * Gives leases back: each one still held as given gets {@code availableAt} as its expiry, so it
     * can be taken (and redelivered, with its count kept) from then on. Returns those released.
     */
    List<Lease> release(Collection<Lease> leases, long availableAt);

    /**
     * As {@link #release}, for leases whose messages were never handed to an application (a closing
     * consumer's prefetch): the delivery is not counted, so the lease goes back to the count it had
     * before it was taken and the next delivery is not marked redelivered because of it. A store that
     * cannot undo the count keeps it, which at-least-once allows: the message then comes back
     * marked redelivered.
     */
    default List<Lease> giveBack(Collection<Lease> leases, long availableAt) {
        return release(leases, availableAt);
    }

    /** The leases recorded for offsets in {@code [from, to)}, live or expired. */
    List<Lease> leases(String subscription, TopicShard shard, long from, long to);

    /** Removes leases (of done offsets). */
    void dropLeases(String subscription, TopicShard shard, Collection<Long> offsets);

    // ---- prepared transactions (XA) ---------------------------------------------------------

    /**
     * Stores a prepared-transaction record with insert-if-absent, durably (fsynced, or with the
     * store's write durability) before returning. Returns it with its version, or empty if a record
     * with that id exists. The default refuses: a store that keeps no such records supports no XA.
     */
    default Optional<PreparedRecord> insertPrepared(String id, byte[] body) {
        throw new UnsupportedOperationException(kind() + " store does not keep prepared transactions (XA)");
    }

    /** The prepared-transaction record {@code id}, if there is one. */
    default Optional<PreparedRecord> prepared(String id) {
        throw new UnsupportedOperationException(kind() + " store does not keep prepared transactions (XA)");
    }

    /**
     * Replaces a prepared-transaction record if its version is still {@code expected.version()}
     * (compare-and-swap). Returns the stored record with its new version, or empty if it changed or
     * is gone.
     */
    default Optional<PreparedRecord> replacePrepared(PreparedRecord expected, byte[] body) {
        throw new UnsupportedOperationException(kind() + " store does not keep prepared transactions (XA)");
    }

    /** Removes a prepared-transaction record; false if there was none. */
    default boolean deletePrepared(String id) {
        throw new UnsupportedOperationException(kind() + " store does not keep prepared transactions (XA)");
    }

    /** The ids of every prepared-transaction record in the store, in no particular order. */
    default List<String> preparedIds() {
        throw new UnsupportedOperationException(kind() + " store does not keep prepared transactions (XA)");
    }

    // ---- housekeeping -----------------------------------------------------------------------

    /**
     * How long the engine may hold a background acknowledgement (AUTO, DUPS_OK, a non-blocking
     * {@code acknowledge()}) so that those following it share its {@link #markDone}: zero (the
     * default) writes each round as soon as the last one is done. A store whose every write is a
     * network round trip asks for a few milliseconds, so a consumer taking messages one at a time
     * acknowledges many per write; the embedded store asks for a couple, to spare the thread
     * hand-offs of a write per message. Meanwhile the deliveries stay leased and renewed; an
     * acknowledgement lost in a crash within it is a redelivery, as for any background
     * acknowledgement. Blocking acknowledgements and transacted commits never wait for it.
     */
    default Duration acknowledgementLinger() {
        return Duration.ZERO;
    }

    /** Store round trips made so far (reads and writes), for the benchmark's per-message figure. */
    long roundTrips();

    /** A short name of the store for metrics and logs, e.g. "embedded" or "couchbase". */
    String kind();

    @Override
    void close();
}
