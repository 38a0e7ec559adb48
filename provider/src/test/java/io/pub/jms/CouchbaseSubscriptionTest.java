package io.pub.jms;

class CouchbaseSubscriptionTest extends SubscriptionContract {
    @Override
    protected TestStores store() {
        return TestStores.COUCHBASE;
    }
}
