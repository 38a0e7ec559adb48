package io.pub.ra;

import java.io.Serializable;
import java.util.Objects;

/**
 * What the queue and topic administered objects share: a destination known by its physical name, the
 * {@code Name} property (JavaBean accessors, as the server sets admin-object properties).
 */
public abstract class PubRaDestination implements Serializable {
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

    /** {@code queue} or {@code topic}, for {@link #toString}. */
    abstract String kind();

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Objects.equals(name, ((PubRaDestination) o).name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass().getName(), name);
    }

    @Override
    public String toString() {
        return kind() + ":" + name;
    }
}
