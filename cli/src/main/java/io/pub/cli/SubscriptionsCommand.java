package io.pub.cli;

import io.pub.Pub;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "subscriptions",
        header = "Lists subscriptions with consumers, lag, leases and dead letters.",
        description = {
            "Lists subscriptions (of one topic or queue, or of all): kind, active consumers, lag per shard (head",
            "minus cursor), messages pending, age of the oldest one, live leases, messages being redelivered",
            "(delivered more than once, not yet acked) and dead letters waiting in the dead-letter queue."
        })
final class SubscriptionsCommand extends StoreCommand {
    @Parameters(arity = "0..1", paramLabel = "TOPIC", description = "Only this topic or queue")
    String topic;

    @Override
    String name() {
        return "subscriptions";
    }

    @Override
    public Integer call() {
        try (Store store = openRead()) {
            List<TopicInfo> topics;
            if (topic != null) {
                topics = List.of(Destinations.resolve(store, topic).topic());
            } else {
                topics = store.controller().topics().stream()
                        .sorted(Comparator.comparing(TopicInfo::name))
                        .toList();
            }
            Inspector inspector = new Inspector(store.controller(), store.now());
            String dlq = Pub.Config.from(env().settings()).deadLetterQueue();
            Map<List<String>, Long> dead = inspector.deadLetters(dlq);
            List<Inspector.SubscriptionRow> rows = new ArrayList<>();
            for (TopicInfo t : topics) {
                store.controller().subscriptions(t.name()).stream()
                        .sorted(Comparator.comparing(Subscription::id))
                        .forEach(s -> rows.add(inspector.subscription(t, s, dead)));
            }
            Output out = output();
            if (out.json()) {
                out.json(rows);
                return 0;
            }
            if (rows.isEmpty()) {
                out.line("no subscriptions" + (topic == null ? "" : " of " + topic) + " in " + store.url());
                return 0;
            }
            Table t = new Table(
                    "TOPIC",
                    "SUBSCRIPTION",
                    "KIND",
                    "CONSUMERS>",
                    "LAG>",
                    "LAG/SHARD",
                    "PENDING>",
                    "OLDEST>",
                    "LEASES>",
                    "REDELIVERED>",
                    "DEAD>",
                    "SELECTOR");
            for (Inspector.SubscriptionRow r : rows) {
                t.row(
                        r.topic(),
                        r.subscription(),
                        r.kind(),
                        r.consumers(),
                        Output.count(r.totalLag()),
                        r.lag().stream().map(String::valueOf).collect(Collectors.joining(" ")),
                        Output.count(r.pending()),
                        r.oldestAgeMillis() == null ? null : Durations.format(r.oldestAgeMillis()),
                        r.liveLeases(),
                        r.redelivered(),
                        Output.count(r.deadLettered()),
                        r.selector() == null ? "" : r.selector());
            }
            out.table(t);
            return 0;
        }
    }
}
