package io.pub.ra;

import jakarta.jms.Queue;

/**
 * The queue administered object ({@code @JMSDestinationDefinition(interfaceName = "jakarta.jms.Queue")}
 * or an admin-object resource): a queue known by its physical name, the {@code Name} property.
 */
public class PubRaQueue extends PubRaDestination implements Queue {
    private static final long serialVersionUID = 1L;

    @Override
    public String getQueueName() {
        return getName();
    }

    @Override
    String kind() {
        return "queue";
    }
}
