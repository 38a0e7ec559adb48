package io.pub.ra;

import jakarta.jms.Topic;
import java.io.Serializable;
import java.util.Objects;

/**
 * The topic administered object ({@code @JMSDestinationDefinition(interfaceName = "jakarta.jms.Topic")}
 * or an admin-object resource): a topic known by its physical name, the {@code Name} property.
 */
public class PubRaTopic implements Topic, Serializable {
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
    public String getTopicName() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PubRaTopic q && Objects.equals(name, q.name);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(name);
    }

    @Override
    public String toString() {
        return "topic:" + name;
    }
}
