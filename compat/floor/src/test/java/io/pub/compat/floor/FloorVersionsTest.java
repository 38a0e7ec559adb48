package io.pub.compat.floor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** This module runs at the floor versions (README, "Dependencies"), not at whatever the build manages. */
class FloorVersionsTest {

    @ParameterizedTest
    @CsvSource({
        "com.fasterxml.jackson.core.JsonFactory, jackson-core-2.19.2.jar",
        "com.fasterxml.jackson.databind.ObjectMapper, jackson-databind-2.19.2.jar",
        "com.fasterxml.jackson.dataformat.smile.SmileFactory, jackson-dataformat-smile-2.19.2.jar",
        "io.micrometer.core.instrument.MeterRegistry, micrometer-core-1.15.5.jar",
        "io.opentelemetry.api.OpenTelemetry, opentelemetry-api-1.49.0.jar",
        "io.opentelemetry.context.Context, opentelemetry-context-1.49.0.jar",
        "org.slf4j.Logger, slf4j-api-2.0.17.jar",
        "com.couchbase.client.java.Cluster, java-client-3.8.3.jar",
        "com.couchbase.client.core.Core, core-io-3.8.3.jar",
        "reactor.core.publisher.Flux, reactor-core-3.6.9.jar",
        "jakarta.jms.ConnectionFactory, jakarta.jms-api-3.1.0.jar",
        "org.rocksdb.RocksDB, rocksdbjni-10.10.1.1.jar",
    })
    void theClassComesFromTheFloorVersion(String className, String jar) throws Exception {
        Class<?> c = Class.forName(className, false, getClass().getClassLoader());
        Path from =
                Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(from.getFileName()).hasToString(jar);
    }
}
