package io.pub.couchbase;

import io.pub.spi.Controller;
import io.pub.spi.ControllerContract;
import io.pub.spi.MutableClock;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The Controller contract on a real Couchbase Server with the collections layout; skipped where
 * Docker is not available. Real Couchbase keeps its own time, so only the logical clock moves: the
 * document expiry of leases and claims lies a margin beyond their logical expiry and never fires here.
 */
@Testcontainers(disabledWithoutDocker = true)
class CouchbaseContainerControllerContractTest extends ControllerContract {
    @Override
    protected Controller open(MutableClock clock) {
        return RealCouchbase.open(clock);
    }
}
