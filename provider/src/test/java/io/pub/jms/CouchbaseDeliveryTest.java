package io.pub.jms;

class CouchbaseDeliveryTest extends DeliveryContract {
    @Override
    protected TestStores store() {
        return TestStores.COUCHBASE;
    }
}
