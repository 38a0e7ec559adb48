package io.pub.cli;

import io.pub.DeadLetters;
import io.pub.Pub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "redrive",
        header = "Moves dead letters back to their destination, each exactly once.",
        description = {
            "Moves dead letters back: each message of the dead-letter queue goes to its original destination",
            "(its " + DeadLetters.ORIGINAL_TOPIC + " property) or to --to, without the dead-letter properties, with",
            "a fresh delivery count and " + Redrive.MARK + " naming where it came from. Each is moved exactly",
            "once, also when a run is killed and run again."
        })
final class RedriveCommand extends StoreCommand {
    @Option(
            names = "--from",
            paramLabel = "DLQ",
            description = "The dead-letter queue (default: PUB_DEAD_LETTER_QUEUE, else DLQ)")
    String from;

    @Option(names = "--to", paramLabel = "DEST", description = "Send every one here instead")
    String to;

    @Option(names = "--selector", paramLabel = "EXPR", description = "Only the dead letters this JMS selector selects")
    String selector;

    @Option(names = "--limit", defaultValue = "0", description = "Move at most this many (0: all)")
    long limit;

    @Option(names = "--rate", defaultValue = "0", description = "Messages per second at most (0: no limit)")
    double rate;

    @Option(names = "--verbose", description = "One line per message moved")
    boolean verbose;

    @Option(
            names = "--lock-ttl",
            defaultValue = "10s",
            description = "How long the claim that keeps a second redrive of the same queue away outlives a"
                    + " killed run (default ${DEFAULT-VALUE})")
    Duration lockTtl;

    @Override
    String name() {
        return "redrive";
    }

    @Override
    public Integer call() throws InterruptedException {
        if (limit < 0) {
            throw CliException.badInput("--limit must be >= 0, was " + limit);
        }
        if (rate < 0) {
            throw CliException.badInput("--rate must be >= 0, was " + rate);
        }
        if (lockTtl.toMillis() < 300) {
            throw CliException.badInput("--lock-ttl must be at least 300ms, was " + lockTtl);
        }
        StoredSelector filter = StoredSelector.parse(selector);
        String dlq = from != null ? from : Pub.Config.from(env().settings()).deadLetterQueue();
        Output out = output();
        try (Store store = openWrite()) {
            Redrive.Options options = new Redrive.Options(
                    dlq, to, filter, limit, rate, lockTtl, verbose && !out.json() ? this::progress : null);
            Redrive.Result r = new Redrive(store, options).run();
            if (out.json()) {
                out.json(r);
            } else {
                List<String> parts = new ArrayList<>();
                r.byDestination().forEach((d, n) -> parts.add(n + " to " + d));
                out.line("redriven " + r.redriven() + " message" + (r.redriven() == 1 ? "" : "s") + " from " + r.from()
                        + (parts.isEmpty() ? "" : ": " + String.join(", ", parts))
                        + (r.resumed() > 0 ? " (" + r.resumed() + " finishing an earlier run)" : ""));
                if (r.skipped() > 0) {
                    out.line("skipped " + r.skipped() + ", left in " + r.from());
                }
                r.notes().forEach(n -> out.line("note: " + n));
            }
            return r.skipped() > 0 || r.heldByOthers() > 0 ? CliException.FAILED : 0;
        }
    }

    private void progress(String line) {
        env().out().println(line);
        env().out().flush();
    }
}
