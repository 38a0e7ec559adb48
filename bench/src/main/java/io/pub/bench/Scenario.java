package io.pub.bench;

import jakarta.jms.Session;
import java.util.Arrays;
import java.util.List;

/** The workloads, each run against every target with the same code. */
enum Scenario {
    QUEUE_1X1("queue-1x1", false, () -> new QueueWorkload(1, 1, false)),
    QUEUE_4X4("queue-4x4", false, () -> new QueueWorkload(4, 4, false)),
    TX_1X1("tx-1x1", false, () -> new QueueWorkload(1, 1, true)),
    TX_4X4("tx-4x4", false, () -> new QueueWorkload(4, 4, true)),
    FANOUT_4("fanout-4", true, () -> new FanOutWorkload(4)),
    ASYNC_SEND("async-send", false, () -> new AsyncSendWorkload(1000)),
    LATENCY_1500("latency-1500", false, () -> new LatencyWorkload(1500, Session.CLIENT_ACKNOWLEDGE)),
    LATENCY_200("latency-200", false, () -> new LatencyWorkload(200, Session.CLIENT_ACKNOWLEDGE)),
    LATENCY_2000("latency-2000", false, () -> new LatencyWorkload(2000, Session.AUTO_ACKNOWLEDGE)),
    LATENCY_4000("latency-4000", false, () -> new LatencyWorkload(4000, Session.AUTO_ACKNOWLEDGE)),
    SINGLE_SYNC("single-sync", false, SingleWorkload::new),
    CONN_PER_SEND("conn-per-send", false, () -> new ConnectionPerSendWorkload(4));

    private final String label;
    private final boolean topic;
    private final java.util.function.Supplier<Workload> workload;

    Scenario(String label, boolean topic, java.util.function.Supplier<Workload> workload) {
        this.label = label;
        this.topic = topic;
        this.workload = workload;
    }

    String label() {
        return label;
    }

    /** True if the scenario publishes to a topic, false for a queue. */
    boolean topic() {
        return topic;
    }

    boolean latency() {
        return this == LATENCY_1500
                || this == LATENCY_200
                || this == LATENCY_2000
                || this == LATENCY_4000
                || this == CONN_PER_SEND;
    }

    /** True for the paced scenarios that judge whether the consumer kept up with the offered rate. */
    boolean paced() {
        return this == LATENCY_2000 || this == LATENCY_4000;
    }

    Workload workload() {
        return workload.get();
    }

    /** The destination's JNDI name and physical name for run {@code run} (0 is the warm-up). */
    String destination(int run) {
        return "bench-" + label + "-r" + run;
    }

    static List<String> names() {
        return Arrays.stream(values()).map(Scenario::label).toList();
    }

    static Scenario byName(String name) {
        for (Scenario s : values()) {
            if (s.label.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("--scenarios: unknown scenario '" + name + "', expected some of " + names());
    }
}
