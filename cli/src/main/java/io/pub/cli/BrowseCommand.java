package io.pub.cli;

import io.pub.spi.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "browse",
        header = "Shows the messages waiting in a queue or subscription, changing nothing.",
        description = {
            "Shows the messages a queue (or a topic's subscription) has not done yet, oldest first: header",
            "fields, properties and a preview of the body. Takes no lease and changes nothing: consumers are",
            "not disturbed. STATUS is ready, leased (a consumer holds it now), delayed or expired."
        })
final class BrowseCommand extends StoreCommand {
    @Parameters(paramLabel = "DEST", description = "The queue or topic")
    String destination;

    @Option(names = "--subscription", paramLabel = "NAME", description = "The subscription (needed for a topic)")
    String subscription;

    @Option(names = "--selector", paramLabel = "EXPR", description = "A JMS message selector, e.g. \"color = 'red'\"")
    String selector;

    @Option(names = "--limit", defaultValue = "50", description = "Show at most this many (default ${DEFAULT-VALUE})")
    int limit;

    @Option(
            names = "--preview",
            defaultValue = "60",
            description = "Characters of the body to show (0: all; default ${DEFAULT-VALUE})")
    int preview;

    /** One message, as --json prints it. */
    record Row(
            int shard,
            long offset,
            String status,
            int deliveries,
            String leaseOwner,
            long leaseExpiresAt,
            long publishTime,
            StoredView.View message) {}

    @Override
    String name() {
        return "browse";
    }

    @Override
    public Integer call() {
        if (limit < 1) {
            throw CliException.badInput("--limit must be >= 1, was " + limit);
        }
        if (preview < 0) {
            throw CliException.badInput("--preview must be >= 0, was " + preview);
        }
        StoredSelector filter = StoredSelector.parse(selector);
        try (Store store = openRead()) {
            Destinations dest = Destinations.resolve(store, destination);
            Subscription sub = dest.subscription(subscription);
            PendingMessages pending =
                    new PendingMessages(store.controller(), sub, dest.topic().shards(), selected(sub, filter));
            long now = store.now();
            List<Row> rows = new ArrayList<>();
            PendingMessages.Item item;
            boolean more = false;
            while ((item = pending.next()) != null) {
                if (rows.size() == limit) {
                    more = true;
                    break;
                }
                rows.add(new Row(
                        item.shard().shard(),
                        item.offset(),
                        item.status(now),
                        item.deliveries(),
                        item.lease() == null ? null : item.lease().owner(),
                        item.lease() == null ? 0 : item.lease().expiresAt(),
                        item.message().publishTime(),
                        StoredView.of(item.message(), preview)));
            }
            Output out = output();
            if (out.json()) {
                out.json(rows);
                return 0;
            }
            String what = dest.kind() + " " + dest.name()
                    + (dest.isQueue() && subscription == null ? "" : ", subscription " + sub.id());
            if (rows.isEmpty()) {
                out.line("no messages" + (filter == null ? "" : " matching the selector") + " in " + what);
                return 0;
            }
            out.table(table(rows));
            out.line(rows.size() + " message" + (rows.size() == 1 ? "" : "s") + " of " + what
                    + (more ? "; more not shown (--limit " + limit + ")" : ""));
            return 0;
        }
    }

    /**
     * What the subscription will deliver: a topic subscription's own selector passes over the rest
     * (they are done for it once a consumer reads past them), then --selector.
     */
    static Predicate<io.pub.Message> selected(Subscription sub, StoredSelector extra) {
        StoredSelector own = sub.kind() == Subscription.Kind.QUEUE ? null : StoredSelector.parse(sub.selector());
        if (own == null) {
            return extra;
        }
        return extra == null ? own : own.and(extra);
    }

    static Table table(List<Row> rows) {
        Table t = new Table(
                "SHARD>", "OFFSET>", "MESSAGE ID", "TIMESTAMP (UTC)", "STATUS", "DELIVERIES>", "PROPERTIES", "BODY");
        for (Row r : rows) {
            StoredView.View v = r.message();
            t.row(
                    r.shard(),
                    r.offset(),
                    v.messageId(),
                    Output.time(v.timestamp()),
                    r.status(),
                    r.deliveries(),
                    StoredView.properties(v.properties()),
                    v.bodyType() + ": " + v.body());
        }
        return t;
    }
}
