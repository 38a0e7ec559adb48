package io.pub.jms;

class EmbeddedDeliveryTest extends DeliveryContract {
    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }
}
