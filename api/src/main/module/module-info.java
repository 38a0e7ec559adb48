/**
 * Pub's engine and native API. Compiled into META-INF/versions/17 of the jar, so the build and the
 * class path see a plain jar and the module path sees this descriptor. Micrometer and OpenTelemetry
 * are optional (static): without them the engine neither meters nor traces.
 */
module io.pub.api {
    requires com.fasterxml.jackson.core;
    // not used here: the embedded store is an automatic module (its RocksDB jar has no module name of
    // its own), which reads only modules that something resolves; this resolves Jackson's databind for it
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.smile;
    requires org.slf4j;
    requires static micrometer.core;
    requires static io.opentelemetry.api;
    requires static io.opentelemetry.context;

    exports io.pub;
    exports io.pub.spi;
    exports io.pub.internal;

    // the embedded store writes the registry's records with Jackson
    opens io.pub.spi to
            com.fasterxml.jackson.databind;

    uses io.pub.spi.ControllerProvider;

    provides io.pub.spi.ControllerProvider with
            io.pub.internal.MemoryControllerProvider;
}
