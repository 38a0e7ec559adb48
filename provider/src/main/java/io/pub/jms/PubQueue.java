package io.pub.jms;

import jakarta.jms.Queue;

/** A queue: a Pub topic with one shared durable subscription that belongs to the queue. */
public final class PubQueue extends PubDestination implements Queue {
    private static final long serialVersionUID = 1L;

    /** A queue with this physical name; the name is checked when the queue is used. */
    public PubQueue(String name) {
        super(name);
    }

    @Override
    public String getQueueName() {
        return name();
    }

    @Override
    public boolean isTopic() {
        return false;
    }

    @Override
    public boolean isTemporary() {
        return false;
    }

    @Override
    String kind() {
        return JmsHeaders.KIND_QUEUE;
    }
}
