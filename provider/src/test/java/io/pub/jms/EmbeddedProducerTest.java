package io.pub.jms;

class EmbeddedProducerTest extends ProducerContract {
    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }
}
