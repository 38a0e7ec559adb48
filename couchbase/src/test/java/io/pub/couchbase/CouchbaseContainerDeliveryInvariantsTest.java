package io.pub.couchbase;

import io.pub.DeliveryInvariantsContract;
import io.pub.spi.Controller;
import io.pub.spi.MutableClock;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The delivery invariants through the engine on a real Couchbase Server; skipped without Docker. */
@Testcontainers(disabledWithoutDocker = true)
class CouchbaseContainerDeliveryInvariantsTest extends DeliveryInvariantsContract {
    @Override
    protected Controller open(MutableClock clock) {
        return RealCouchbase.open(clock);
    }
}
