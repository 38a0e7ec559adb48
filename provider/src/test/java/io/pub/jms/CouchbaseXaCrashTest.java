package io.pub.jms;

/** XA crash recovery on CouchbaseMock, which the child JVM reaches on loopback. */
class CouchbaseXaCrashTest extends XaCrashContract {
    @Override
    protected TestStores store() {
        return TestStores.COUCHBASE;
    }

    @Override
    protected String childUrl() {
        return store().url();
    }

    @Override
    protected PubXAConnectionFactory factoryAfterCrash() {
        return new PubXAConnectionFactory(store().url(), TestStores.SETTINGS, TestStores.CLOCK);
    }
}
