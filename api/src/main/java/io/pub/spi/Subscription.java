package io.pub.spi;

import io.pub.Names;

/**
 * A registered subscription of a topic. {@code id} is unique per topic and keys its cursors and
 * leases. {@code owner} is the heartbeat claim of the connection that created a non-durable or
 * temporary subscription (reaped when it lapses); null for durable ones.
 */
public record Subscription(
        String topic, String id, Kind kind, String selector, boolean noLocal, String owner, long createdAt) {

    public enum Kind {
        /** The one shared subscription that makes a topic a queue; starts at offset 0. */
        QUEUE,
        /** A non-durable topic subscription; removed when its consumer closes. */
        NON_DURABLE,
        /** An unshared durable subscription; at most one active consumer. */
        DURABLE,
        /** A shared durable subscription. */
        SHARED_DURABLE,
        /** A shared non-durable subscription; removed with its last consumer. */
        SHARED;

        public boolean isDurable() {
            return this == QUEUE || this == DURABLE || this == SHARED_DURABLE;
        }
    }

    public Subscription {
        Names.checkTopic(topic, "topic");
        Names.checkSubscription(id, "subscription");
        if (kind == null) {
            throw new IllegalArgumentException("subscription kind must not be null");
        }
    }
}
