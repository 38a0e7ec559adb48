package io.pub.cli;

import io.pub.Delivery;
import io.pub.Message;
import io.pub.Pub;
import io.pub.Subscriber;
import io.pub.Subscriber.FilterMode;
import io.pub.Subscriber.SubscriberOptions;
import io.pub.spi.Subscription;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "receive",
        header = "Receives and acknowledges messages from a queue or subscription.",
        description = {
            "Receives messages from a queue (or a topic's subscription) as a consumer does: each is leased,",
            "shown (or its body saved to a file) and acknowledged. Stops after --count messages, or when none",
            "came for --timeout; exits 1 if fewer than --count came."
        })
final class ReceiveCommand extends StoreCommand {
    private static final Duration POLL_PAUSE = Duration.ofMillis(100);

    @Parameters(paramLabel = "DEST", description = "The queue or topic")
    String destination;

    @Option(names = "--subscription", paramLabel = "NAME", description = "The subscription (needed for a topic)")
    String subscription;

    @Option(names = "--selector", paramLabel = "EXPR", description = "Only messages this JMS selector selects")
    String selector;

    @Option(names = "--count", defaultValue = "1", description = "Messages to receive (0: all that come; default 1)")
    int count;

    @Option(
            names = "--timeout",
            defaultValue = "5s",
            description = "Stop when nothing came for this long (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--body-only", description = "Print only each body (text as it is), one per line")
    boolean bodyOnly;

    @Option(names = "--save", paramLabel = "DIR", description = "Write each body to DIR/<shard>-<offset>.body")
    Path save;

    @Option(
            names = "--preview",
            defaultValue = "60",
            description = "Characters of the body to show (0: all; default ${DEFAULT-VALUE})")
    int preview;

    @Override
    String name() {
        return "receive";
    }

    @Override
    public Integer call() throws Exception {
        if (count < 0) {
            throw CliException.badInput("--count must be >= 0, was " + count);
        }
        if (timeout.isNegative()) {
            throw CliException.badInput("--timeout must not be negative, was " + timeout);
        }
        StoredSelector filter = StoredSelector.parse(selector);
        if (save != null) {
            Files.createDirectories(save);
        }
        try (Store store = openWrite()) {
            Destinations dest = Destinations.resolve(store, destination);
            Subscription sub = dest.subscription(subscription);
            Pub pub = store.pub();
            try (Subscriber subscriber = pub.subscriber(sub, options(pub, sub, filter))) {
                int received = receive(store, subscriber);
                if (count > 0 && received < count) {
                    throw CliException.failed("received " + received + " of " + count + " messages: none came for "
                            + Durations.format(timeout.toMillis()));
                }
                if (!output().json() && !bodyOnly) {
                    output().line("received " + received + " message" + (received == 1 ? "" : "s") + " from "
                            + dest.kind() + " " + dest.name());
                }
                return 0;
            }
        }
    }

    /**
     * As a consumer of this subscription would: a topic subscription's own selector marks what it does
     * not select done; the --selector only passes over what it does not select, for others to take.
     */
    private static SubscriberOptions options(Pub pub, Subscription sub, StoredSelector extra) {
        SubscriberOptions o = pub.subscriberOptions().withOwner("pub-cli-receive-" + UUID.randomUUID());
        Predicate<Message> selected = BrowseCommand.selected(sub, extra);
        if (selected == null) {
            return o;
        }
        // only the subscription's own selector may make a message done; --selector only passes over
        return o.withFilter(selected, extra == null ? FilterMode.DONE : FilterMode.SKIP);
    }

    private int receive(Store store, Subscriber subscriber) throws IOException, InterruptedException {
        int received = 0;
        long idle = 0;
        Output out = output();
        while (count == 0 || received < count) {
            int want = count == 0 ? 100 : Math.min(100, count - received);
            List<Delivery> got = subscriber.poll(want);
            if (got.isEmpty()) {
                if (idle >= timeout.toMillis()) {
                    break;
                }
                env().pause().pause(POLL_PAUSE);
                idle += POLL_PAUSE.toMillis();
                continue;
            }
            idle = 0;
            show(out, got, received == 0);
            for (Delivery d : got) {
                if (save != null) {
                    Files.write(
                            save.resolve(d.shard().shard() + "-" + d.offset() + ".body"),
                            d.message().body());
                }
            }
            subscriber.ack(got); // after showing them: a receive killed meanwhile loses nothing
            received += got.size();
        }
        return received;
    }

    private void show(Output out, List<Delivery> got, boolean first) {
        List<BrowseCommand.Row> rows = new java.util.ArrayList<>();
        for (Delivery d : got) {
            if (bodyOnly) {
                out.line(StoredView.body(d.message()));
                continue;
            }
            BrowseCommand.Row row = new BrowseCommand.Row(
                    d.shard().shard(),
                    d.offset(),
                    d.redelivered() ? "redelivered" : "delivered",
                    d.deliveryCount(),
                    d.lease().owner(),
                    d.lease().expiresAt(),
                    d.message().publishTime(),
                    StoredView.of(d.message(), preview));
            if (out.json()) {
                out.jsonLine(row);
            } else {
                rows.add(row);
            }
        }
        if (!rows.isEmpty()) {
            BrowseCommand.table(rows).print(out.stream(), first);
        }
        out.stream().flush();
    }
}
