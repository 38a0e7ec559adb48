package io.pub.couchbase;

import io.pub.PreparedBranchesContract;
import io.pub.Stores;
import io.pub.spi.Controller;
import io.pub.spi.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Prepared transaction branches (XA) on CouchbaseMock: one mock for the class, flushed per test. */
class CouchbaseMockPreparedBranchesTest extends PreparedBranchesContract {
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
        return Stores.open(mock.storeUrl(), mock.settings(), clock);
    }

    @Override
    protected void advance(Duration d) {
        super.advance(d);
        mock.timeTravel(d);
    }
}
