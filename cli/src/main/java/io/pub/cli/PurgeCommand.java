package io.pub.cli;

import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Lease;
import io.pub.spi.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "purge",
        header = "Removes every waiting message of a queue or topic.",
        description = {
            "Removes every message a queue (or a topic's subscriptions) has not done yet: the cursor of each",
            "shard moves to the head as it is now, and the leases under it go. Messages sent meanwhile stay.",
            "Asks first, unless --yes."
        })
final class PurgeCommand extends StoreCommand {
    @Parameters(paramLabel = "DEST", description = "The queue or topic")
    String destination;

    @Option(
            names = "--subscription",
            paramLabel = "NAME",
            description = "Only this subscription of a topic (default: the queue's, or every one of the topic)")
    String subscription;

    @Option(names = "--yes", description = "Do not ask")
    boolean yes;

    /** What --json prints: messages removed per subscription. */
    record Purged(String destination, String subscription, long messages) {}

    @Override
    String name() {
        return "purge";
    }

    @Override
    public Integer call() {
        try (Store store = openWrite()) {
            Destinations dest = Destinations.resolve(store, destination);
            List<Subscription> subs = subscription != null || dest.isQueue()
                    ? List.of(dest.subscription(subscription))
                    : dest.subscriptions();
            if (subs.isEmpty()) {
                throw CliException.badInput("the topic '" + dest.name() + "' has no subscriptions: it holds nothing");
            }
            Controller c = store.controller();
            int shards = dest.topic().shards();
            long[] heads = new long[shards];
            for (int s = 0; s < shards; s++) {
                heads[s] = c.head(new TopicShard(dest.name(), s)); // what is there now; later sends stay
            }
            Inspector inspector = new Inspector(c, store.now());
            long pending = 0;
            for (Subscription sub : subs) {
                pending += count(inspector, c, sub, heads);
            }
            String what = dest.kind() + " '" + dest.name() + "'"
                    + (subs.size() == 1 && !dest.isQueue()
                            ? " (subscription " + subs.get(0).id() + ")"
                            : "")
                    + (subs.size() > 1 ? " (" + subs.size() + " subscriptions)" : "");
            confirm(yes, "Remove " + pending + " message" + (pending == 1 ? "" : "s") + " from " + what + "?");
            List<Purged> purged = new ArrayList<>();
            for (Subscription sub : subs) {
                long n = 0;
                for (int s = 0; s < shards; s++) {
                    n += purge(inspector, c, sub, new TopicShard(dest.name(), s), heads[s]);
                }
                purged.add(new Purged(dest.name(), sub.id(), n));
            }
            Output out = output();
            if (out.json()) {
                out.json(purged);
            } else {
                for (Purged p : purged) {
                    out.line("purged " + p.messages() + " message" + (p.messages() == 1 ? "" : "s") + " from "
                            + dest.kind() + " " + dest.name()
                            + (dest.isQueue() && subscription == null ? "" : ", subscription " + p.subscription()));
                }
            }
            return 0;
        }
    }

    private static long count(Inspector inspector, Controller c, Subscription sub, long[] heads) {
        long n = 0;
        for (int s = 0; s < heads.length; s++) {
            TopicShard shard = new TopicShard(sub.topic(), s);
            n += undone(inspector, c.cursor(sub.id(), shard), shard, heads[s]);
        }
        return n;
    }

    private static long undone(Inspector inspector, Cursor cur, TopicShard shard, long head) {
        long[] n = {0};
        inspector.walk(shard, cur.committed(), head, e -> {
            if (!e.isTombstone() && !cur.isDone(e.offset())) {
                n[0]++;
            }
        });
        return n[0];
    }

    /**
     * Moves the cursor to {@code head} by compare-and-swap (a consumer acking meanwhile only moves it
     * too: try again), then drops the leases below it. Returns the messages it passed over.
     */
    private static long purge(Inspector inspector, Controller c, Subscription sub, TopicShard shard, long head) {
        while (true) {
            Cursor cur = c.cursor(sub.id(), shard);
            if (cur.committed() >= head) {
                return 0;
            }
            long n = undone(inspector, cur, shard, head);
            // offsets at or past the head done meanwhile stay done; committed moves over any that follow it
            Cursor next = new Cursor(head, new java.util.TreeSet<>(), cur.version())
                    .withDone(cur.done().tailSet(head, true));
            Optional<Cursor> stored = c.compareAndSetCursor(sub.id(), shard, cur, next);
            if (stored.isPresent()) {
                List<Long> leased = c.leases(sub.id(), shard, cur.committed(), head).stream()
                        .map(Lease::offset)
                        .toList();
                if (!leased.isEmpty()) {
                    c.dropLeases(sub.id(), shard, leased);
                }
                return n;
            }
        }
    }
}
