package io.pub.jms;

import jakarta.jms.JMSException;
import jakarta.jms.TemporaryQueue;

/** A temporary queue: a registry entry owned by the connection that created it. */
final class PubTemporaryQueue extends PubDestination implements TemporaryQueue {
    private static final long serialVersionUID = 1L;

    /** Null for a temporary queue known only from a message's JMSReplyTo: it cannot be deleted here. */
    private final transient TemporaryDestinationOwner owner;

    PubTemporaryQueue(String name, TemporaryDestinationOwner owner) {
        super(name);
        this.owner = owner;
    }

    @Override
    public String getQueueName() {
        return name();
    }

    @Override
    public void delete() throws JMSException {
        deleteTemporary(owner, this);
    }

    @Override
    public boolean isTopic() {
        return false;
    }

    @Override
    public boolean isTemporary() {
        return true;
    }

    @Override
    String kind() {
        return JmsHeaders.KIND_TEMP_QUEUE;
    }
}
