package io.pub.jms;

class EmbeddedSubscriptionTest extends SubscriptionContract {
    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }
}
