package io.pub.spi;

import io.pub.TopicShard;

/**
 * A producer's insert lost to a tombstone: it took longer than the publish timeout between reserving
 * its offsets and writing them, and a consumer sealed the hole. The message was not stored.
 */
public class OffsetSealedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public OffsetSealedException(TopicShard shard, long offset) {
        super("offset " + offset + " of " + shard + " was sealed as a hole before the producer wrote it;"
                + " the message was not stored (publish took longer than the publish timeout)");
    }
}
