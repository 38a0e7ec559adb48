package io.pub;

/** One shard of a topic: the unit of ordering, of offsets and of cursors. */
public record TopicShard(String topic, int shard) {
    public TopicShard {
        Names.checkTopic(topic, "topic");
        if (shard < 0) {
            throw new IllegalArgumentException("shard must be >= 0, was " + shard);
        }
    }

    @Override
    public String toString() {
        return topic + "#" + shard;
    }
}
