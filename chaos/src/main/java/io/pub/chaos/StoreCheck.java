package io.pub.chaos;

import io.pub.Settings;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The end of a chaos run, read from the store itself once every child is gone. */
final class StoreCheck {
    private StoreCheck() {}

    /** With every child gone, the store itself: every cursor of every subscription at its head. */
    static void run(String storeUrl, Map<String, List<String>> findings) {
        try (Controller store = Stores.open(storeUrl, Settings.only(Map.of()), Clock.systemUTC())) {
            int subscriptions = 0;
            for (String topic : List.of(Workload.QUEUE, Workload.TOPIC)) {
                Optional<TopicInfo> info = store.topic(topic);
                if (info.isEmpty()) {
                    findings.computeIfAbsent("stuck", k -> new ArrayList<>()).add("topic " + topic + " missing");
                    continue;
                }
                for (Subscription s : store.subscriptions(topic)) {
                    subscriptions++;
                    for (int shard = 0; shard < info.get().shards(); shard++) {
                        TopicShard ts = new TopicShard(topic, shard);
                        long committed = store.cursor(s.id(), ts).committed();
                        long head = store.head(ts);
                        if (committed != head) {
                            findings.computeIfAbsent("store not drained", k -> new ArrayList<>())
                                    .add(topic + " " + s.id() + " shard " + shard + " committed "
                                            + committed + ", head " + head + "; at " + committed + ": "
                                            + describe(store, s.id(), ts, committed));
                        }
                    }
                }
            }
            if (subscriptions < 3) {
                findings.computeIfAbsent("stuck", k -> new ArrayList<>())
                        .add("final store: expected 3 subscriptions (queue, all, odd), found " + subscriptions);
            }
        }
    }

    /** The message at an offset and its lease: which message is stuck, and who held it until when. */
    private static String describe(Controller store, String subscription, TopicShard shard, long offset) {
        String message = store.read(shard, offset, 1).entries().stream()
                .filter(e -> e.offset() == offset)
                .findFirst()
                .map(e -> e.isTombstone()
                        ? "tombstone"
                        : "message " + e.message().properties().get("cid"))
                .orElse("nothing (a hole)");
        String lease = store.leases(subscription, shard, offset, offset + 1).stream()
                .findFirst()
                .map(l -> "leased by " + l.owner() + " until " + (l.expiresAt() - System.currentTimeMillis())
                        + " ms from now, delivery count " + l.deliveryCount())
                .orElse("no lease");
        return message + ", " + lease;
    }
}
