package io.pub.ra;

import jakarta.jms.Queue;
import java.io.Serializable;
import java.util.Objects;

/**
 * The queue administered object ({@code @JMSDestinationDefinition(interfaceName = "jakarta.jms.Queue")}
 * or an admin-object resource): a queue known by its physical name, the {@code Name} property.
 */
public class PubRaQueue implements Queue, Serializable {
    private static final long serialVersionUID = 1L;
    private String name;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** The property name some servers set from {@code destinationName}. */
    public void setDestinationName(String name) {
        this.name = name;
    }

    public String getDestinationName() {
        return name;
    }

    @Override
    public String getQueueName() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PubRaQueue q && Objects.equals(name, q.name);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(name);
    }

    @Override
    public String toString() {
        return "queue:" + name;
    }
}
