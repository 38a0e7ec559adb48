package io.pub.jms;

import jakarta.jms.JMSException;
import jakarta.jms.TemporaryTopic;

/** A temporary topic: a registry entry owned by the connection that created it. */
final class PubTemporaryTopic extends PubDestination implements TemporaryTopic {
    private static final long serialVersionUID = 1L;

    /** Null for a temporary topic known only from a message's JMSReplyTo: it cannot be deleted here. */
    private final transient TemporaryDestinationOwner owner;

    PubTemporaryTopic(String name, TemporaryDestinationOwner owner) {
        super(name);
        this.owner = owner;
    }

    @Override
    public String getTopicName() {
        return name();
    }

    @Override
    public void delete() throws JMSException {
        deleteTemporary(owner, this);
    }

    @Override
    public boolean isTopic() {
        return true;
    }

    @Override
    public boolean isTemporary() {
        return true;
    }

    @Override
    String kind() {
        return JmsHeaders.KIND_TEMP_TOPIC;
    }
}
