package io.pub;

import io.pub.internal.TimedController;
import io.pub.spi.Controller;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * In-JVM publish signals: a publish through a {@link Producer} wakes this JVM's consumers of that
 * topic at once, instead of leaving them to find it on their next poll. The store cannot push, so
 * consumers in other JVMs still poll; this only removes the poll interval where producer and consumer
 * share a JVM. Signals belong to a store (every engine on the same store object in this JVM shares
 * them) and also count publishes per shard, so a consumer can tell which shards may hold something new.
 *
 * <p>A store that can tell when a write becomes readable ({@link Controller#onReadable}) signals
 * itself, as soon as it is: the embedded store before the write's fsync, which the producer still
 * waits for, so the consumer takes the message meanwhile. The producer's own signal after its publish
 * returned is then left out (it would only send the consumers to look a second time).
 */
final class Wakeups {
    /** Keyed by the store object, weakly: a closed and dropped store takes its signals with it. */
    private static final Map<Controller, Wakeups> BY_STORE = Collections.synchronizedMap(new WeakHashMap<>());

    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    /** The store signals every write of messages itself. */
    private volatile boolean storeSignals;

    /** The last store looked up and its signals: spares publishers the shared map's lock. */
    private static volatile Last last;

    private record Last(Controller store, Wakeups wakeups) {}

    static Wakeups of(Controller controller) {
        Controller store = controller instanceof TimedController t ? t.delegate() : controller;
        Last l = last;
        if (l != null && l.store == store) {
            return l.wakeups;
        }
        Wakeups w = BY_STORE.computeIfAbsent(store, Wakeups::listeningTo);
        last = new Last(store, w);
        return w;
    }

    private static Wakeups listeningTo(Controller store) {
        Wakeups w = new Wakeups();
        // the store holds the listener, which holds only the signals: the weak key still goes
        w.storeSignals = store.onReadable(w::signal);
        return w;
    }

    /** Called once a publish to {@code shard} returned: runs the wake-ups of its topic, unless the store did. */
    static void published(Controller controller, TopicShard shard) {
        Wakeups w = of(controller);
        if (!w.storeSignals) {
            w.signal(shard);
        }
    }

    /**
     * Something became deliverable again on {@code shard} without a publish (leases given back):
     * runs the wake-ups of its topic in any case.
     */
    static void deliverable(Controller controller, TopicShard shard) {
        of(controller).signal(shard);
    }

    private void signal(TopicShard shard) {
        Topic t = topics.get(shard.topic());
        if (t != null) {
            t.published(shard.shard());
        }
    }

    /**
     * The signal of one topic for a new user ({@code shards} sizes its per-shard publish counters);
     * the user gives it back with {@link #release}. A topic's entry lives while it has users, so the
     * map does not keep every topic (temporary ones, a UUID each) this JVM ever consumed.
     */
    Topic acquire(String name, int shards) {
        return topics.compute(name, (n, t) -> {
            Topic topic = t != null ? t : new Topic(n, shards);
            topic.users++;
            return topic;
        });
    }

    /** Gives back a topic from {@link #acquire}; the last user's release removes its entry. */
    void release(Topic topic) {
        topics.computeIfPresent(topic.name, (n, t) -> t == topic && --t.users == 0 ? null : t);
    }

    /** Topics with users, and subscriptions with claim maps, in this JVM (for leak checks). */
    int size() {
        int n = topics.size();
        for (Topic t : topics.values()) {
            n += t.claims.size();
        }
        return n;
    }

    /** One topic's publish counters and the wake-ups registered on it. */
    static final class Topic {
        private final String name;
        private final AtomicLongArray counts;
        private final List<Runnable> wakeups = new CopyOnWriteArrayList<>();
        private final Map<String, Claims> claims = new ConcurrentHashMap<>();
        /** Guarded by the map entry's compute. */
        private int users;

        private Topic(String name, int shards) {
            this.name = name;
            this.counts = new AtomicLongArray(Math.max(1, shards));
        }

        /** Publishes to {@code shard} in this JVM so far (only compared, never meaningful alone). */
        long count(int shard) {
            return shard < counts.length() ? counts.get(shard) : 0;
        }

        void published(int shard) {
            if (shard < counts.length()) {
                counts.incrementAndGet(shard);
            }
            for (Runnable r : wakeups) {
                r.run();
            }
        }

        /**
         * What this JVM's consumers of {@code subscription} claimed: (shard << 48 | offset) to until
         * when; shared by them, kept while one of them is open (give it back with {@link #releaseClaims}).
         */
        Map<Long, Long> acquireClaims(String subscription) {
            return claims.compute(subscription, (k, c) -> {
                        Claims held = c != null ? c : new Claims();
                        held.users++;
                        return held;
                    })
                    .offsets;
        }

        void releaseClaims(String subscription) {
            claims.computeIfPresent(subscription, (k, c) -> --c.users == 0 ? null : c);
        }

        /** Runs {@code wakeup} (quickly, without blocking) after every publish; close to stop. */
        AutoCloseable register(Runnable wakeup) {
            wakeups.add(wakeup);
            return () -> wakeups.remove(wakeup);
        }
    }

    /** One subscription's claims in this JVM and how many of its subscribers share them. */
    private static final class Claims {
        final Map<Long, Long> offsets = new ConcurrentHashMap<>();
        /** Guarded by the map entry's compute. */
        int users;
    }
}
