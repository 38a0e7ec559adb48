package io.pub.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "delete-topic",
        header = "Deletes a topic or queue and everything in it.",
        description = {
            "Deletes a topic or queue with its subscriptions, cursors, leases and messages. Asks first, unless",
            "--yes."
        })
final class DeleteTopicCommand extends StoreCommand {
    @Parameters(paramLabel = "NAME", description = "The topic or queue")
    String topic;

    @Option(names = "--yes", description = "Do not ask")
    boolean yes;

    record Deleted(String name, String kind, int subscriptions, long messages) {}

    @Override
    String name() {
        return "delete-topic";
    }

    @Override
    public Integer call() {
        try (Store store = openWrite()) {
            Destinations dest = Destinations.resolve(store, topic);
            Inspector.TopicRow row = new Inspector(store.controller(), store.now()).topic(dest.topic());
            confirm(
                    yes,
                    "Delete the " + dest.kind() + " '" + dest.name() + "' with its " + row.subscriptions()
                            + " subscription" + (row.subscriptions() == 1 ? "" : "s") + " and " + row.messages()
                            + " message" + (row.messages() == 1 ? "" : "s") + "?");
            store.controller().deleteTopic(dest.name());
            Output out = output();
            if (out.json()) {
                out.json(List.of(new Deleted(dest.name(), dest.kind(), row.subscriptions(), row.messages())));
            } else {
                out.line("deleted " + dest.kind() + " " + dest.name());
            }
            return 0;
        }
    }
}
