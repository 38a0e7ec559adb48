/**
 * Pub's Jakarta Messaging provider. The Artemis selector classes it uses are relocated inside this
 * jar (io.pub.jms.internal.artemis), part of this module and not exported. The CDI extension is found
 * through META-INF/services on the class path; CDI is optional here, so it is not declared as a
 * service of this module (a provides clause would make CDI required).
 */
module io.pub.jms {
    requires transitive io.pub.api;
    requires transitive jakarta.messaging;
    requires transitive java.naming;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.dataformat.smile;
    requires org.slf4j;
    requires java.xml; // XPath selectors, in the relocated selector classes
    requires static jakarta.cdi;
    requires static jakarta.inject;
    requires static jakarta.annotation;

    exports io.pub.jms;
    exports io.pub.jms.cdi;
    // stores are found by the engine (io.pub.Stores), which declares the ControllerProvider service
}
