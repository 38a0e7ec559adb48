package io.pub.jms;

import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import java.util.Enumeration;
import java.util.Iterator;

/**
 * Browses a queue through the engine ({@link io.pub.Subscriptions#browse}): what the queue's
 * subscription has not finished, read lazily without leases, so browsing never disturbs consumers.
 * Messages leased by a consumer but not yet acked are shown; messages not yet deliverable (delivery
 * delay) are not.
 */
final class PubQueueBrowser implements QueueBrowser {
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
        Iterator<io.pub.Message> browse;
        try {
            browse = session.connection().pub().subscriptions().browse(queue.name(), selector);
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e);
        }
        return new Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return browse.hasNext();
            }

            @Override
            public Message nextElement() {
                return PubMessage.fromStored(browse.next(), queue, 1);
            }
        };
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
}
