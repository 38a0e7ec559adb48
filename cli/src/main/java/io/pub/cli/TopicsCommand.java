package io.pub.cli;

import io.pub.spi.TopicInfo;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

@Command(
        name = "topics",
        header = "Lists topics and queues with their heads, messages and bytes.",
        description = {
            "Lists the topics and queues: shards, head offsets (the next offset of each shard), messages",
            "published, messages held (not yet done for every subscription: what retention keeps) and their bytes."
        })
final class TopicsCommand extends StoreCommand {
    @Override
    String name() {
        return "topics";
    }

    @Override
    public Integer call() {
        try (Store store = openRead()) {
            Inspector inspector = new Inspector(store.controller(), store.now());
            List<Inspector.TopicRow> rows = store.controller().topics().stream()
                    .sorted(Comparator.comparing(TopicInfo::name))
                    .map(inspector::topic)
                    .toList();
            Output out = output();
            if (out.json()) {
                out.json(rows);
                return 0;
            }
            if (rows.isEmpty()) {
                out.line("no topics or queues in " + store.url());
                return 0;
            }
            Table t = new Table(
                    "NAME", "KIND", "SHARDS>", "HEADS", "PUBLISHED>", "MESSAGES>", "BYTES>", "SUBSCRIPTIONS>");
            for (Inspector.TopicRow r : rows) {
                t.row(
                        r.name(),
                        r.kind(),
                        r.shards(),
                        r.heads().stream().map(String::valueOf).collect(Collectors.joining(" ")),
                        Output.count(r.published()),
                        Output.count(r.messages()),
                        Output.bytes(r.bytes()),
                        r.subscriptions());
            }
            out.table(t);
            return 0;
        }
    }
}
