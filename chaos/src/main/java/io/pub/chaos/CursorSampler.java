package io.pub.chaos;

import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Reads every cursor and head of the workload's topics once a second, straight from the wrapped store
 * (no faults), and journals them: {@code CURSOR <read started> <topic> <subscription> <shard>
 * <committed> <head>}. The checker compares samples from all JVMs over time: a cursor read after
 * another read ended must not be behind it. The cursor is read before the head, so committed never
 * exceeds head in a sample.
 */
final class CursorSampler implements Runnable {
    static final long PERIOD_MS = 1000;

    private final Journal journal;
    private final BooleanSupplier stop;

    CursorSampler(Journal journal, BooleanSupplier stop) {
        this.journal = journal;
        this.stop = stop;
    }

    @Override
    public void run() {
        while (!stop.getAsBoolean() && Worker.sleep(PERIOD_MS)) {
            ChaosController c = ChaosStoreProvider.last();
            if (c == null) {
                continue;
            }
            try {
                sample(c.store());
            } catch (RuntimeException e) {
                journal.log("ERROR", "sampler", Journal.text(e));
            }
        }
    }

    private void sample(Controller store) {
        for (String topic : List.of(Workload.QUEUE, Workload.TOPIC)) {
            Optional<TopicInfo> info = store.topic(topic);
            if (info.isEmpty()) {
                continue;
            }
            for (Subscription s : store.subscriptions(topic)) {
                for (int shard = 0; shard < info.get().shards(); shard++) {
                    TopicShard ts = new TopicShard(topic, shard);
                    long started = System.currentTimeMillis();
                    long committed = store.cursor(s.id(), ts).committed();
                    long head = store.head(ts);
                    journal.log("CURSOR", started, topic, s.id(), shard, committed, head);
                }
            }
        }
    }
}
