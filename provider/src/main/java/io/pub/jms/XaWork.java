package io.pub.jms;

import io.pub.Delivery;
import io.pub.PreparedBranches;
import java.util.List;

/**
 * The work a session did inside a transaction branch, taken out of the session at {@code end}: its
 * held sends (with their shards) and the deliveries it received, with the consumer that holds each
 * one's lease until the branch is prepared or rolled back.
 */
record XaWork(List<PreparedBranches.Send> sends, List<Received> received) {
    record Received(PubMessageConsumer consumer, Delivery delivery) {}

    XaWork {
        sends = List.copyOf(sends);
        received = List.copyOf(received);
    }

    boolean isEmpty() {
        return sends.isEmpty() && received.isEmpty();
    }
}
