package io.pub.ra;

import jakarta.jms.Topic;

/**
 * The topic administered object ({@code @JMSDestinationDefinition(interfaceName = "jakarta.jms.Topic")}
 * or an admin-object resource): a topic known by its physical name, the {@code Name} property.
 */
public class PubRaTopic extends PubRaDestination implements Topic {
    private static final long serialVersionUID = 1L;

    @Override
    public String getTopicName() {
        return getName();
    }

    @Override
    String kind() {
        return "topic";
    }
}
