package io.pub.bench;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;

/** One scenario's JMS client code; it knows nothing of the target behind the ConnectionFactory. */
interface Workload {
    Measurement run(ConnectionFactory factory, Destination destination, Plan plan) throws Exception;
}
