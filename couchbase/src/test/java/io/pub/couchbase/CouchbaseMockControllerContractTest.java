package io.pub.couchbase;

import io.pub.Stores;
import io.pub.spi.Controller;
import io.pub.spi.ControllerContract;
import io.pub.spi.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Controller contract on CouchbaseMock: one mock for the class, emptied before each test. */
class CouchbaseMockControllerContractTest extends ControllerContract {
    private static CouchbaseMockServer mock;

    @BeforeAll
    static void startMock() {
        mock = CouchbaseMockServer.start();
    }

    @AfterAll
    static void stopMock() {
        mock.close();
    }

    @Override
    protected Controller open(MutableClock clock) {
        mock.flush();
        // the contract counts offsets exactly: offsets reserved ahead (CouchbaseReservationTest) would
        // add tombstones to what it reads
        return Stores.open(mock.storeUrl() + "&reserveLinger=0ms", mock.settings(), clock);
    }

    @Override
    protected void advance(Duration d) {
        super.advance(d);
        mock.timeTravel(d);
    }
}
