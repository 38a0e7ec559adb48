package io.pub.cli;

import io.pub.Pub;
import io.pub.spi.Subscription;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "delete-subscription",
        header = "Deletes a subscription of a topic.",
        description = {
            "Deletes a subscription of a topic, with its cursors and leases: what it had not done is no longer",
            "kept for it. Asks first, unless --yes."
        })
final class DeleteSubscriptionCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic")
    String topic;

    @Parameters(index = "1", paramLabel = "NAME", description = "The subscription (as `pub subscriptions` lists it)")
    String subscription;

    @Option(names = "--yes", description = "Do not ask")
    boolean yes;

    record Deleted(String topic, String subscription, long pending) {}

    @Override
    String name() {
        return "delete-subscription";
    }

    @Override
    public Integer call() {
        try (Store store = openWrite()) {
            Destinations dest = Destinations.resolve(store, topic);
            Subscription sub = dest.subscription(subscription);
            if (sub.id().equals(Pub.QUEUE_SUBSCRIPTION)) {
                throw CliException.badInput(
                        "'" + Pub.QUEUE_SUBSCRIPTION + "' is the queue's own subscription: `pub purge " + dest.name()
                                + "` empties the queue, `pub delete-topic " + dest.name() + "` removes it");
            }
            Inspector.SubscriptionRow row =
                    new Inspector(store.controller(), store.now()).subscription(dest.topic(), sub, java.util.Map.of());
            String consumers = row.consumers() != null && row.consumers() > 0
                    ? "; it has " + row.consumers() + " active consumer" + (row.consumers() == 1 ? "" : "s")
                            + ", which will fail"
                    : "";
            confirm(
                    yes,
                    "Delete the " + row.kind() + " subscription '" + sub.id() + "' of " + dest.kind() + " '"
                            + dest.name() + "' (" + row.pending() + " messages pending" + consumers + ")?");
            store.controller().deleteSubscription(dest.name(), sub.id());
            Output out = output();
            if (out.json()) {
                out.json(List.of(new Deleted(dest.name(), sub.id(), row.pending())));
            } else {
                out.line("deleted subscription " + sub.id() + " of " + dest.kind() + " " + dest.name());
            }
            return 0;
        }
    }
}
