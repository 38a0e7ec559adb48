package io.pub.spi;

/**
 * A registered topic. A temporary topic belongs to {@code owner} (a connection's heartbeat claim key)
 * and is reaped when that claim lapses; {@code owner} is null for ordinary topics.
 */
public record TopicInfo(String name, int shards, boolean temporary, String owner) {
    public TopicInfo {
        io.pub.Names.checkTopic(name, "topic");
        if (shards < 1 || shards > 1024) {
            throw new IllegalArgumentException("shards must be between 1 and 1024, was " + shards);
        }
    }
}
