package io.pub.jms;

class CouchbaseProducerTest extends ProducerContract {
    @Override
    protected TestStores store() {
        return TestStores.COUCHBASE;
    }
}
