package io.pub.tck;

/** The two messaging domains most tests run on. */
public enum Kind {
    QUEUE,
    TOPIC;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
