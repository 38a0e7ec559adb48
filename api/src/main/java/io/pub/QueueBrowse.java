package io.pub;

import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.ReadResult;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * Reads what a queue's subscription has not finished, lazily, one window of one shard at a time,
 * taking no leases (see {@link Subscriptions#browse}). Each shard's head is read when the browse
 * reaches it: what is published there later is not shown.
 */
final class QueueBrowse implements Iterator<Message> {
    private static final int WINDOW = 256;

    private final Controller controller;
    private final Clock clock;
    private final String queue;
    private final int shards;
    private final Predicate<Message> filter;
    private final ArrayDeque<Message> ready = new ArrayDeque<>();
    private int shard = -1;
    private Cursor cursor;
    private long next;
    private long head;

    QueueBrowse(Controller controller, Clock clock, String queue, int shards, Predicate<Message> filter) {
        this.controller = controller;
        this.clock = clock;
        this.queue = queue;
        this.shards = shards;
        this.filter = filter;
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty()) {
            if (shard >= 0 && next < head) {
                readWindow();
            } else if (shard + 1 < shards) {
                shard++;
                TopicShard ts = new TopicShard(queue, shard);
                cursor = controller.cursor(Pub.QUEUE_SUBSCRIPTION, ts);
                next = cursor.committed();
                head = controller.head(ts);
            } else {
                return false;
            }
        }
        return true;
    }

    private void readWindow() {
        TopicShard ts = new TopicShard(queue, shard);
        ReadResult r = controller.read(ts, next, WINDOW);
        long now = clock.millis();
        for (Entry e : r.entries()) {
            if (e.offset() >= head) {
                break; // published after browsing began
            }
            if (e.isTombstone() || cursor.isDone(e.offset())) {
                continue;
            }
            Message m = e.message();
            if (m.isExpired(now) || !m.isDeliverable(now) || (filter != null && !filter.test(m))) {
                continue;
            }
            ready.add(m);
        }
        next = Math.min(head, next + WINDOW);
    }

    @Override
    public Message next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more messages in queue " + queue);
        }
        return ready.poll();
    }
}
