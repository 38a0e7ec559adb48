package io.pub;

import io.pub.Subscriber.SubscriberOptions;
import io.pub.spi.Subscription;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The dispatchers of one {@link Pub}, one per subscription and set of reading options: created with
 * the first receiver, closed when the last one leaves. Consumers that differ only in their filter
 * and lease owner share one; options that change how leases are taken (their duration, dead-lettering,
 * the filter mode) get a dispatcher of their own.
 */
final class Dispatchers {
    private record Key(String topic, String subscription, SubscriberOptions options) {}

    private final Pub pub;
    private final Map<Key, Dispatcher> open = new HashMap<>();

    Dispatchers(Pub pub) {
        this.pub = pub;
    }

    Receiver receiver(Subscription s, SubscriberOptions options, Receiver.Options receiverOptions) {
        Predicate<Message> filter = options.filter();
        Key key = new Key(
                s.topic(),
                s.id(),
                options.withFilter(null, options.filterMode()).withOwner("dispatcher"));
        synchronized (this) {
            Dispatcher d = open.get(key);
            if (d == null) {
                d = new Dispatcher(pub, s, options, this);
                open.put(key, d);
            }
            return d.join(filter, receiverOptions);
        }
    }

    /** A receiver left {@code d}; the last one closes it (outside this lock: the close writes). */
    void left(Dispatcher d, Receiver r) {
        synchronized (this) {
            if (!d.remove(r)) {
                return;
            }
            open.values().remove(d);
        }
        d.close();
    }

    /** The dispatcher of a subscription, for tests. */
    synchronized Dispatcher find(String topic, String subscription) {
        for (Map.Entry<Key, Dispatcher> e : open.entrySet()) {
            if (e.getKey().topic().equals(topic) && e.getKey().subscription().equals(subscription)) {
                return e.getValue();
            }
        }
        return null;
    }
}
