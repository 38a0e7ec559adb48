package io.pub.cli;

import io.pub.Names;
import io.pub.Pub;
import io.pub.spi.Controller;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.util.List;
import java.util.Optional;

/**
 * A destination named on the command line. Queues and topics share one namespace in Pub: a queue is
 * a topic with the queue's own subscription ({@link Pub#QUEUE_SUBSCRIPTION}).
 */
record Destinations(TopicInfo topic, List<Subscription> subscriptions) {

    static Destinations resolve(Store store, String name) {
        Controller c = store.controller();
        try {
            Names.checkTopic(name, "destination");
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(e.getMessage());
        }
        Optional<TopicInfo> t = c.topic(name);
        if (t.isEmpty()) {
            List<String> known =
                    c.topics().stream().map(TopicInfo::name).sorted().toList();
            throw CliException.badInput("there is no queue or topic named '" + name + "' in " + store.url()
                    + (known.isEmpty() ? " (it holds none)" : "; there are: " + String.join(", ", known)));
        }
        return new Destinations(t.get(), c.subscriptions(name));
    }

    String name() {
        return topic.name();
    }

    boolean isQueue() {
        return subscriptions.stream().anyMatch(s -> s.id().equals(Pub.QUEUE_SUBSCRIPTION));
    }

    /** "queue", "topic", "temporary queue" or "temporary topic". */
    String kind() {
        return (topic.temporary() ? "temporary " : "") + (isQueue() ? "queue" : "topic");
    }

    /**
     * The subscription a command works on: the one named, else the queue's own; a topic needs one
     * named (it may have many).
     */
    Subscription subscription(String id) {
        if (id == null) {
            if (isQueue()) {
                return subscription(Pub.QUEUE_SUBSCRIPTION);
            }
            throw CliException.badInput("'" + name() + "' is a topic: name one of its subscriptions with --subscription"
                    + (subscriptions.isEmpty() ? " (it has none)" : " (" + ids() + ")"));
        }
        return subscriptions.stream()
                .filter(s -> s.id().equals(id))
                .findFirst()
                .orElseThrow(() -> CliException.badInput("the " + kind() + " '" + name() + "' has no subscription '"
                        + id + "'" + (subscriptions.isEmpty() ? " (it has none)" : "; it has: " + ids())));
    }

    private String ids() {
        return String.join(", ", subscriptions.stream().map(Subscription::id).toList());
    }

    /** queue, durable, shared-durable, shared, non-durable; temporary for those of a temporary destination. */
    static String kind(Subscription s, TopicInfo topic) {
        if (topic.temporary()) {
            return "temporary";
        }
        return switch (s.kind()) {
            case QUEUE -> "queue";
            case DURABLE -> "durable";
            case SHARED_DURABLE -> "shared-durable";
            case SHARED -> "shared";
            case NON_DURABLE -> "non-durable";
        };
    }
}
