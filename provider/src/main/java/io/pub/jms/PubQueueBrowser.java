package io.pub.jms;

import io.pub.Pub;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import io.pub.spi.ReadResult;
import io.pub.spi.TopicInfo;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import java.util.ArrayDeque;
import java.util.Enumeration;
import java.util.NoSuchElementException;

/**
 * Browses a queue: reads, shard after shard, what the queue's subscription has not finished (acked,
 * expired or dead-lettered), without taking leases, so browsing never disturbs consumers. Messages
 * leased by a consumer but not yet acked are shown; messages not yet deliverable (delivery delay) are not.
 */
final class PubQueueBrowser implements QueueBrowser {
    private static final int WINDOW = 256;

    private final PubSession session;
    private final PubDestination queue;
    private final Selector selector;
    private final String selectorText;
    private volatile boolean closed;

    PubQueueBrowser(PubSession session, PubDestination queue, Selector selector, String selectorText) {
        this.session = session;
        this.queue = queue;
        this.selector = selector;
        this.selectorText = selectorText;
    }

    @Override
    public Queue getQueue() throws JMSException {
        checkOpen();
        return (Queue) queue;
    }

    @Override
    public String getMessageSelector() throws JMSException {
        checkOpen();
        return selectorText;
    }

    @Override
    public Enumeration<Message> getEnumeration() throws JMSException {
        checkOpen();
        Controller controller = session.connection().controller();
        TopicInfo topic;
        try {
            topic = controller.topic(queue.name()).orElse(null);
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e);
        }
        if (topic == null) {
            throw new InvalidDestinationException("queue " + queue.name() + " does not exist");
        }
        return new Browse(controller, topic.shards());
    }

    private void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("the queue browser is closed");
        }
        session.checkOpen();
    }

    void markClosed() {
        closed = true;
    }

    @Override
    public void close() {
        closed = true;
        session.browserClosed(this);
    }

    /** Reads lazily, one window of one shard at a time. */
    private final class Browse implements Enumeration<Message> {
        private final Controller controller;
        private final int shards;
        private final ArrayDeque<Message> ready = new ArrayDeque<>();
        private int shard = -1;
        private Cursor cursor;
        private long next;
        private long head;

        Browse(Controller controller, int shards) {
            this.controller = controller;
            this.shards = shards;
        }

        @Override
        public boolean hasMoreElements() {
            while (ready.isEmpty()) {
                if (shard >= 0 && next < head) {
                    readWindow();
                } else if (shard + 1 < shards) {
                    shard++;
                    TopicShard ts = new TopicShard(queue.name(), shard);
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
            TopicShard ts = new TopicShard(queue.name(), shard);
            ReadResult r = controller.read(ts, next, WINDOW);
            long now = session.connection().pub().clock().millis();
            for (Entry e : r.entries()) {
                if (e.offset() >= head) {
                    break; // published after browsing began
                }
                if (e.isTombstone() || cursor.isDone(e.offset())) {
                    continue;
                }
                io.pub.Message m = e.message();
                if (m.isExpired(now) || !m.isDeliverable(now) || (selector != null && !selector.test(m))) {
                    continue;
                }
                ready.add(PubMessage.fromStored(m, queue, 1));
            }
            next = Math.min(head, next + WINDOW);
        }

        @Override
        public Message nextElement() {
            if (!hasMoreElements()) {
                throw new NoSuchElementException("no more messages in queue " + queue.name());
            }
            return ready.poll();
        }
    }
}
