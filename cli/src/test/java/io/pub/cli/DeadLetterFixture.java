package io.pub.cli;

import io.pub.DeadLetters;
import io.pub.Message;
import io.pub.Pub;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Entry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Dead letters as the engine writes them, and a count of the copies redrive made of them. */
final class DeadLetterFixture {
    private DeadLetterFixture() {}

    /** {@code n} dead letters from {@code destination} in DLQ, spread over its shards. */
    static void deadLetters(Pub pub, String destination, int n) {
        pub.createQueue(destination);
        pub.createQueue("DLQ");
        int shards = pub.topic("DLQ").orElseThrow().shards();
        List<List<Message>> byShard = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            byShard.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            byShard.get(i % shards).add(deadLetter(destination, "ID:" + destination + "-" + i, "body " + i));
        }
        for (int s = 0; s < shards; s++) {
            for (int from = 0; from < byShard.get(s).size(); from += 100) {
                List<Message> all = byShard.get(s);
                pub.producer().publishBatch("DLQ", s, all.subList(from, Math.min(all.size(), from + 100)));
            }
        }
    }

    static Message deadLetter(String destination, String id, String body) {
        Message.Builder b = Message.builder()
                .id(id)
                .header(StoredView.BODY, StoredView.BODY_TEXT)
                .property("n", 1)
                .body(body.getBytes(StandardCharsets.UTF_8));
        if (destination != null) {
            b.property(DeadLetters.ORIGINAL_TOPIC, destination)
                    .property(DeadLetters.ORIGINAL_SUBSCRIPTION, Pub.QUEUE_SUBSCRIPTION)
                    .property(DeadLetters.DELIVERY_COUNT, 10);
        }
        return b.build();
    }

    /** Copies in {@code topic} by the dead letter they came from (PubRedrivenFrom), with the messages. */
    static Map<String, List<Message>> copies(Controller c, String topic) {
        Map<String, List<Message>> out = new HashMap<>();
        int shards = c.topic(topic).orElseThrow().shards();
        for (int s = 0; s < shards; s++) {
            TopicShard shard = new TopicShard(topic, s);
            long head = c.head(shard);
            for (long from = 0; from < head; from += 1000) {
                for (Entry e : c.read(shard, from, 1000).entries()) {
                    if (!e.isTombstone()) {
                        Object mark = e.message().properties().get(Redrive.MARK);
                        out.computeIfAbsent(String.valueOf(mark), k -> new ArrayList<>())
                                .add(e.message());
                    }
                }
            }
        }
        return out;
    }

    /** Messages of the queue not done yet. */
    static long pending(Controller c, String queue) {
        long n = 0;
        int shards = c.topic(queue).orElseThrow().shards();
        for (int s = 0; s < shards; s++) {
            TopicShard shard = new TopicShard(queue, s);
            Cursor cur = c.cursor(Pub.QUEUE_SUBSCRIPTION, shard);
            for (Entry e : c.read(shard, cur.committed(), 100_000).entries()) {
                if (!e.isTombstone() && !cur.isDone(e.offset())) {
                    n++;
                }
            }
        }
        return n;
    }
}
