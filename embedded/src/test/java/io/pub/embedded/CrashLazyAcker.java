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
import java.util.List;
import java.util.Map;

/**
 * Child JVM of the crash test: publishes 10,000 messages, then acknowledges them one by one with
 * {@code markDoneLazily} (no fsync of its own) until it is killed, printing each offset once the call
 * returned. Everything printed must be done after the kill: the write reached the operating system.
 */
final class CrashLazyAcker {
    static final TopicShard SHARD = new TopicShard("lazy", 0);
    static final String SUB = "sub";
    static final int MESSAGES = 10_000;

    private CrashLazyAcker() {}

    public static void main(String[] args) throws Exception {
        Controller store = Stores.open("embedded:" + args[0], Settings.only(Map.of()), Clock.systemUTC());
        store.createTopic(new TopicInfo(SHARD.topic(), 1, false, null));
        for (int i = 0; i < MESSAGES; i += 100) {
            store.append(
                    SHARD, java.util.Collections.nCopies(100, Message.builder().build()));
        }
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        for (long o = 0; ; o = (o + 1) % MESSAGES) {
            store.markDoneLazily(SUB, SHARD, List.of(o));
            out.println(o);
            out.flush();
        }
    }
}
