package io.pub;

import io.pub.spi.Claim;
import io.pub.spi.Controller;
import io.pub.spi.Entry;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Retention and reaping, run by every JVM now and then; all of it is idempotent, so several JVMs may
 * run it at once. Retention: a shard is trimmed below the lowest committed offset of its topic's
 * subscriptions (to the head when it has none), and expired messages just above that are deleted.
 * Reaping: subscriptions and temporary topics whose owner's heartbeat claim lapsed are removed.
 * Prepared XA transaction branches are never touched: they hold their messages until their
 * transaction manager commits or rolls them back ({@link PreparedBranches}).
 */
final class Housekeeper {
    /** How far past the lowest cursor to look for expired messages in one run. */
    private static final int EXPIRY_SCAN = 1000;

    private final Controller controller;
    private final Clock clock;
    /** Told of each temporary topic reaped, so the engine drops what it kept about it. */
    private final Consumer<String> reaped;

    Housekeeper(Controller controller, Clock clock, Consumer<String> reaped) {
        this.controller = controller;
        this.clock = clock;
        this.reaped = reaped;
    }

    void run() {
        long now = clock.millis();
        for (TopicInfo topic : controller.topics()) {
            if (topic.temporary() && lapsed(topic.owner(), now)) {
                controller.deleteTopic(topic.name());
                reaped.accept(topic.name());
                continue;
            }
            List<Subscription> live = new ArrayList<>();
            for (Subscription s : controller.subscriptions(topic.name())) {
                if (!s.kind().isDurable() && s.owner() != null && lapsed(s.owner(), now)) {
                    controller.deleteSubscription(topic.name(), s.id());
                } else {
                    live.add(s);
                }
            }
            for (int shard = 0; shard < topic.shards(); shard++) {
                retain(new TopicShard(topic.name(), shard), live, now);
            }
        }
    }

    private void retain(TopicShard shard, List<Subscription> subs, long now) {
        long low = Long.MAX_VALUE;
        for (Subscription s : subs) {
            low = Math.min(low, controller.cursor(s.id(), shard).committed());
        }
        if (low == Long.MAX_VALUE) {
            low = controller.head(shard); // nobody listens: nothing to keep
        }
        if (low > 0) {
            controller.trim(shard, low);
        }
        List<Long> expired = new ArrayList<>();
        for (Entry e : controller.read(shard, low, EXPIRY_SCAN).entries()) {
            if (!e.isTombstone() && e.message().isExpired(now)) {
                expired.add(e.offset());
            }
        }
        if (!expired.isEmpty()) {
            controller.delete(shard, expired);
        }
    }

    private boolean lapsed(String owner, long now) {
        if (owner == null) {
            return false;
        }
        Optional<Claim> c = controller.readClaim(owner);
        return c.isEmpty() || !c.get().isLive(now);
    }
}
