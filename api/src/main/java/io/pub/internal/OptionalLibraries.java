package io.pub.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;

/**
 * Which optional libraries are on the class path (or, on the module path, resolved and readable).
 * Micrometer and OpenTelemetry are optional dependencies of the engine: without them it neither
 * meters nor traces, and no class that uses them is loaded.
 */
public final class OptionalLibraries {
    public static final boolean MICROMETER = present("io.micrometer.core.instrument.MeterRegistry");
    public static final boolean OPENTELEMETRY =
            present("io.opentelemetry.api.OpenTelemetry") && present("io.opentelemetry.context.Context");

    private OptionalLibraries() {}

    private static boolean present(String className) {
        try {
            Class.forName(className, false, OptionalLibraries.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Micrometer's global registry, or null without Micrometer. */
    public static MeterRegistry micrometerGlobalRegistry() {
        return MICROMETER ? MicrometerGlobal.registry() : null;
    }

    /** Loaded only when Micrometer is present: reading the registry checks its type against Micrometer's. */
    private static final class MicrometerGlobal {
        static MeterRegistry registry() {
            return Metrics.globalRegistry;
        }
    }
}
