package io.pub.jms;

import jakarta.jms.Topic;

/** A topic: a Pub topic that each subscription reads on its own. */
public final class PubTopic extends PubDestination implements Topic {
    private static final long serialVersionUID = 1L;

    /** A topic with this physical name; the name is checked when the topic is used. */
    public PubTopic(String name) {
        super(name);
    }

    @Override
    public String getTopicName() {
        return name();
    }

    @Override
    public boolean isTopic() {
        return true;
    }

    @Override
    public boolean isTemporary() {
        return false;
    }

    @Override
    String kind() {
        return JmsHeaders.KIND_TOPIC;
    }
}
