package io.pub.embedded;

import io.pub.Message;
import io.pub.Settings;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.TopicInfo;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Child JVM of the crash test: publishes from four threads until it is killed, and prints
 * {@code shard offset body} for each message only after its append returned, that is, after the
 * store acknowledged it. Everything printed must survive the kill.
 */
final class CrashPublisher {
    static final String TOPIC = "crash";

    private CrashPublisher() {}

    static String body(int thread, int i, int j) {
        return "t" + thread + "-" + i + "-" + j;
    }

    public static void main(String[] args) throws Exception {
        String options = args.length > 1 ? args[1] : "";
        Controller store = Stores.open("embedded:" + args[0] + options, Settings.only(Map.of()), Clock.systemUTC());
        store.createTopic(new TopicInfo(TOPIC, 2, false, null));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            TopicShard shard = new TopicShard(TOPIC, t % 2);
            Thread th = new Thread(() -> {
                for (int i = 0; ; i++) {
                    // batches of 1 to 3 messages
                    List<Message> batch = new ArrayList<>();
                    for (int j = 0; j <= i % 3; j++) {
                        batch.add(Message.builder()
                                .id(body(thread, i, j))
                                .body(body(thread, i, j).getBytes(StandardCharsets.UTF_8))
                                .build());
                    }
                    long first = store.append(shard, batch);
                    StringBuilder lines = new StringBuilder();
                    for (int j = 0; j < batch.size(); j++) {
                        lines.append(shard.shard())
                                .append(' ')
                                .append(first + j)
                                .append(' ')
                                .append(body(thread, i, j))
                                .append('\n');
                    }
                    synchronized (out) {
                        out.print(lines);
                        out.flush();
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
    }
}
