package io.pub.bench;

import java.util.Hashtable;
import java.util.OptionalLong;

/** A messaging system under test, reached only through JNDI. */
interface Target extends AutoCloseable {
    String name();

    /**
     * The JNDI environment naming the InitialContextFactory and a connection factory bound as
     * {@code ConnectionFactory}; the benchmark adds the destinations.
     */
    Hashtable<String, Object> jndi();

    /** Store round trips so far, from the store's own counter, if the target has a store. */
    OptionalLong roundTrips();

    /** False where throughput and latency say nothing about the product (a mock store). */
    boolean speedMeaningful();

    /** Configuration facts worth printing beside the figures. */
    String describe();

    @Override
    void close();
}
