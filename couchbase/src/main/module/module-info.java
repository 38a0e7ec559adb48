/** The Couchbase store (key-value operations of the Couchbase Java SDK). */
module io.pub.couchbase {
    requires io.pub.api;
    requires com.couchbase.client.java;
    requires com.couchbase.client.core;
    requires reactor.core;
    requires org.reactivestreams;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;

    exports io.pub.couchbase;

    provides io.pub.spi.ControllerProvider with
            io.pub.couchbase.CouchbaseControllerProvider;
}
