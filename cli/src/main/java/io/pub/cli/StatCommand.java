package io.pub.cli;

import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "stat",
        header = "Shows depth, lag and rates, looking again every interval.",
        description = {
            "Shows, every interval, each subscription's depth (messages not done), lag (head minus cursor) and",
            "the rates in (published to its topic) and out (done by it) since the previous look. Runs until",
            "interrupted, or --count times. With --json: one JSON object per line per look."
        })
final class StatCommand extends StoreCommand {
    @Option(
            names = "--interval",
            defaultValue = "1s",
            description = "Time between looks (default ${DEFAULT-VALUE}; e.g. 500ms, 5s)")
    Duration interval;

    @Option(names = "--count", defaultValue = "0", description = "Looks to take, then stop (0: until interrupted)")
    int count;

    @Parameters(arity = "0..*", paramLabel = "TOPIC", description = "Only these topics or queues")
    List<String> topics = new ArrayList<>();

    /** One subscription at one look. */
    record Row(
            String topic,
            String subscription,
            String kind,
            long depth,
            long lag,
            long published,
            long done,
            Double inPerSecond,
            Double outPerSecond) {}

    /** One look, as --json prints it. */
    record Sample(long time, List<Row> rows) {}

    @Override
    String name() {
        return "stat";
    }

    @Override
    public Integer call() throws InterruptedException {
        if (interval.isNegative() || interval.isZero()) {
            throw CliException.badInput("--interval must be a positive duration, was " + interval);
        }
        if (count < 0) {
            throw CliException.badInput("--count must be >= 0, was " + count);
        }
        try (Store store = openRead()) {
            for (String t : topics) {
                Destinations.resolve(store, t); // unknown names fail now, not silently on every look
            }
            Output out = output();
            Map<List<String>, Row> previous = new HashMap<>();
            long previousAt = 0;
            for (int n = 0; count == 0 || n < count; n++) {
                if (n > 0) {
                    env().pause().pause(interval);
                    store.refresh();
                }
                long now = store.now();
                double seconds = previousAt == 0 ? 0 : Math.max(1, now - previousAt) / 1000.0;
                List<Row> rows = look(store.controller(), previous, seconds);
                previous.clear();
                rows.forEach(r -> previous.put(List.of(r.topic(), r.subscription()), r));
                previousAt = now;
                if (out.json()) {
                    out.jsonLine(new Sample(now, rows));
                } else {
                    print(out, store, now, rows);
                }
            }
            return 0;
        }
    }

    private List<Row> look(Controller c, Map<List<String>, Row> previous, double seconds) {
        List<Row> rows = new ArrayList<>();
        List<TopicInfo> all = c.topics().stream()
                .filter(t -> topics.isEmpty() || topics.contains(t.name()))
                .sorted(Comparator.comparing(TopicInfo::name))
                .toList();
        for (TopicInfo t : all) {
            long[] heads = new long[t.shards()];
            long published = 0;
            for (int s = 0; s < t.shards(); s++) {
                heads[s] = c.head(new TopicShard(t.name(), s));
                published += heads[s];
            }
            List<Subscription> subs = c.subscriptions(t.name()).stream()
                    .sorted(Comparator.comparing(Subscription::id))
                    .toList();
            if (subs.isEmpty()) {
                Row before = previous.get(List.of(t.name(), "-"));
                rows.add(new Row(
                        t.name(),
                        "-",
                        "no subscriptions",
                        0,
                        0,
                        published,
                        0,
                        rate(published, before, true, seconds),
                        null));
                continue;
            }
            for (Subscription sub : subs) {
                long depth = 0;
                long lag = 0;
                long done = 0;
                for (int s = 0; s < t.shards(); s++) {
                    Cursor cur = c.cursor(sub.id(), new TopicShard(t.name(), s));
                    long behind = Math.max(0, heads[s] - cur.committed());
                    lag += behind;
                    depth += Math.max(0, behind - cur.done().size());
                    done += cur.committed() + cur.done().size();
                }
                Row before = previous.get(List.of(t.name(), sub.id()));
                rows.add(new Row(
                        t.name(),
                        sub.id(),
                        Destinations.kind(sub, t),
                        depth,
                        lag,
                        published,
                        done,
                        rate(published, before, true, seconds),
                        rate(done, before, false, seconds)));
            }
        }
        return rows;
    }

    private static Double rate(long value, Row before, boolean in, double seconds) {
        if (before == null || seconds <= 0) {
            return null; // the first look has nothing to compare with
        }
        long delta = value - (in ? before.published() : before.done());
        return Math.max(0, delta) / seconds;
    }

    private void print(Output out, Store store, long now, List<Row> rows) {
        out.line(Output.time(now) + " UTC  " + store.url() + "  (every " + Durations.format(interval.toMillis()) + ")");
        if (rows.isEmpty()) {
            out.line("no topics or queues");
        } else {
            Table t = new Table("TOPIC", "SUBSCRIPTION", "KIND", "DEPTH>", "LAG>", "IN/S>", "OUT/S>");
            for (Row r : rows) {
                t.row(
                        r.topic(),
                        r.subscription(),
                        r.kind(),
                        Output.count(r.depth()),
                        Output.count(r.lag()),
                        rate(r.inPerSecond()),
                        rate(r.outPerSecond()));
            }
            out.table(t);
        }
        out.line("");
        out.stream().flush();
    }

    private static String rate(Double r) {
        return r == null ? null : String.format(Locale.ROOT, "%.1f", r);
    }
}
