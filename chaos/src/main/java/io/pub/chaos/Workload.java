package io.pub.chaos;

import java.util.List;
import java.util.Map;

/**
 * The destinations and subscriptions of the chaos workload, shared by the child JVMs (which use them)
 * and the checker (which knows what each subscription must receive).
 */
final class Workload {
    static final String QUEUE = "chaos-q";
    static final String TOPIC = "chaos-t";
    /** A shared durable subscription of the topic that gets every message. */
    static final String ALL = "all";
    /** A shared durable subscription of the topic with a selector: odd messages only. */
    static final String ODD = "odd";

    static final String ODD_SELECTOR = "parity = 1";
    /** The selector of one queue consumer: it leaves odd messages to the others. */
    static final String EVEN_SELECTOR = "parity = 0";

    /** The journal's name of the queue's subscription. */
    static final String Q = "q";

    /** What each destination's messages must reach: journal subscription names. */
    static List<String> expectedSubscriptions(String destination, int parity) {
        if (destination.equals(QUEUE)) {
            return List.of(Q);
        }
        return parity == 1 ? List.of(ALL, ODD) : List.of(ALL);
    }

    /** The roles a child JVM can run, each on its own thread with its own connection. */
    enum Role {
        /** Sync, async (CompletionListener) and transacted sends to the queue and the topic. */
        PRODUCER,
        /** Queue, AUTO_ACKNOWLEDGE, receive. */
        Q_AUTO,
        /** Queue, CLIENT_ACKNOWLEDGE, a few receives then acknowledge (sometimes recover). */
        Q_CLIENT,
        /** Queue, transacted, a few receives then commit (sometimes roll back). */
        Q_TX,
        /** Queue, MessageListener with AUTO_ACKNOWLEDGE and a selector (even messages only). */
        Q_LISTENER,
        /** Topic, shared durable "all", CLIENT_ACKNOWLEDGE. */
        T_ALL_CLIENT,
        /** Topic, shared durable "all", transacted. */
        T_ALL_TX,
        /** Topic, shared durable "odd" with a selector, AUTO_ACKNOWLEDGE receive. */
        T_ODD_AUTO;

        static Role parse(String s) {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    /** The journal subscription a consumer role reads. */
    static String subscriptionOf(Role r) {
        return SUBSCRIPTION_OF.get(r);
    }

    private static final Map<Role, String> SUBSCRIPTION_OF = Map.of(
            Role.Q_AUTO, Q,
            Role.Q_CLIENT, Q,
            Role.Q_TX, Q,
            Role.Q_LISTENER, Q,
            Role.T_ALL_CLIENT, ALL,
            Role.T_ALL_TX, ALL,
            Role.T_ODD_AUTO, ODD);

    private Workload() {}
}
