package io.pub.cli;

import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.Lease;
import io.pub.spi.Subscription;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * The messages a subscription has not done yet, read without taking a lease: shard by shard from
 * its cursor to the head as it was when browsing began, window by window, merged across shards in
 * publish order. Each comes with its lease, if one is recorded, to tell who holds it.
 */
final class PendingMessages {
    /** A message not done for the subscription, and its lease (null when none was taken). */
    record Item(TopicShard shard, long offset, Message message, Lease lease) {
        String status(long now) {
            if (message.isExpired(now)) {
                return "expired";
            }
            if (!message.isDeliverable(now)) {
                return "delayed";
            }
            return lease != null && lease.isLive(now) ? "leased" : "ready";
        }

        int deliveries() {
            return lease == null ? 0 : lease.deliveryCount();
        }
    }

    private final PriorityQueue<ShardReader> readers = new PriorityQueue<>(
            Comparator.comparingLong((ShardReader r) -> r.peek().message().publishTime())
                    .thenComparingInt(r -> r.peek().shard().shard())
                    .thenComparingLong(r -> r.peek().offset()));

    PendingMessages(Controller c, Subscription sub, int shards, Predicate<Message> filter) {
        for (int s = 0; s < shards; s++) {
            ShardReader r = new ShardReader(c, sub.id(), new TopicShard(sub.topic(), s), filter);
            if (r.peek() != null) {
                readers.add(r);
            }
        }
    }

    /** The next message in publish order, or null when there is none. */
    Item next() {
        ShardReader r = readers.poll();
        if (r == null) {
            return null;
        }
        Item item = r.take();
        if (r.peek() != null) {
            readers.add(r);
        }
        return item;
    }

    private static final class ShardReader {
        private final Controller c;
        private final String subscription;
        private final TopicShard shard;
        private final Predicate<Message> filter;
        private final Cursor cursor;
        private final long head;
        private final ArrayDeque<Item> ready = new ArrayDeque<>();
        private long next;

        ShardReader(Controller c, String subscription, TopicShard shard, Predicate<Message> filter) {
            this.c = c;
            this.subscription = subscription;
            this.shard = shard;
            this.filter = filter;
            this.cursor = c.cursor(subscription, shard);
            this.head = c.head(shard);
            this.next = cursor.committed();
        }

        Item peek() {
            while (ready.isEmpty() && next < head) {
                readWindow();
            }
            return ready.peek();
        }

        Item take() {
            peek();
            return ready.poll();
        }

        private void readWindow() {
            long to = Math.min(head, next + Inspector.WINDOW);
            List<Entry> entries = new ArrayList<>();
            for (Entry e : c.read(shard, next, (int) (to - next)).entries()) {
                if (e.offset() < to
                        && !e.isTombstone()
                        && !cursor.isDone(e.offset())
                        && (filter == null || filter.test(e.message()))) {
                    entries.add(e);
                }
            }
            Map<Long, Lease> leases = new HashMap<>();
            if (!entries.isEmpty()) {
                for (Lease l : c.leases(subscription, shard, next, to)) {
                    leases.put(l.offset(), l);
                }
            }
            for (Entry e : entries) {
                ready.add(new Item(shard, e.offset(), e.message(), leases.get(e.offset())));
            }
            next = to;
        }
    }
}
