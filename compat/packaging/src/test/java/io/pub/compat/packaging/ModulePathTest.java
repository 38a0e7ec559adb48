package io.pub.compat.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pub on the module path: a named application module that {@code requires io.pub.jms} compiles and
 * runs without any --add-modules or --add-opens flag, the embedded store found as a service.
 */
@Timeout(120)
class ModulePathTest {
    private static final Map<String, String> MODULE_NAMES = Map.of(
            "pub-api", "io.pub.api",
            "pub-embedded", "io.pub.embedded",
            "pub-couchbase", "io.pub.couchbase",
            "pub-provider", "io.pub.jms",
            "pub-jms", "io.pub.starter.jms",
            "pub-jms-couchbase", "io.pub.starter.jms.couchbase");

    @BeforeAll
    static void packaged() {
        assumeTrue(PubJars.packaged(), "the module path needs Pub's packaged jars: run `mvn verify`");
    }

    private static String modulePath() {
        return PubJars.runtimeClasspath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    @Test
    void everyPublishedJarNamesItsModule() throws Exception {
        for (var e : MODULE_NAMES.entrySet()) {
            Path jar = PubJars.pubJar(e.getKey());
            try (JarFile f = new JarFile(jar.toFile())) {
                assertThat(f.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
                        .as("Automatic-Module-Name of %s", jar)
                        .isEqualTo(e.getValue());
            }
            ModuleReference m = ModuleFinder.of(jar).findAll().iterator().next();
            assertThat(m.descriptor().name()).as("module of %s", jar).isEqualTo(e.getValue());
        }
        // Jackson and SLF4J are explicit modules, which only an explicit module can make the module path
        // resolve: the jars that need them carry a descriptor; the embedded store stays automatic
        // (rocksdbjni has no module name of its own to require) and the starters hold no classes
        assertThat(descriptor("pub-api").isAutomatic()).isFalse();
        assertThat(descriptor("pub-couchbase").isAutomatic()).isFalse();
        assertThat(descriptor("pub-provider").isAutomatic()).isFalse();
        assertThat(descriptor("pub-embedded").isAutomatic()).isTrue();
    }

    private static ModuleDescriptor descriptor(String artifactId) {
        return ModuleFinder.of(PubJars.pubJar(artifactId))
                .findAll()
                .iterator()
                .next()
                .descriptor();
    }

    @Test
    void everyModuleResolvesWithoutSplitPackages() {
        // resolution fails on a package in two modules, or on a module required and not found
        ModuleFinder finder = ModuleFinder.of(PubJars.runtimeClasspath().toArray(Path[]::new));
        Configuration c = ModuleLayer.boot()
                .configuration()
                .resolveAndBind(finder, ModuleFinder.of(), Set.copyOf(MODULE_NAMES.values()));
        Map<String, String> owner = new HashMap<>();
        for (ResolvedModule m : c.modules()) {
            for (String p : m.reference().descriptor().packages()) {
                String before = owner.put(p, m.name());
                assertThat(before)
                        .as("package %s in %s and %s", p, before, m.name())
                        .isNull();
            }
        }
        assertThat(owner).containsEntry("io.pub.jms", "io.pub.jms").containsEntry("io.pub", "io.pub.api");
        // the relocated Artemis classes belong to (and stay inside) the provider's module
        assertThat(owner).containsEntry("io.pub.jms.internal.artemis.selector.impl", "io.pub.jms");
        assertThat(c.findModule("io.pub.jms")
                        .orElseThrow()
                        .reference()
                        .descriptor()
                        .exports())
                .noneMatch(e -> e.source().contains("internal"));
    }

    @Test
    void aNamedModuleRequiringPubSendsAndReceives(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src/app");
        Files.createDirectories(src.resolve("app"));
        Files.writeString(src.resolve("module-info.java"), """
                module app {
                    requires io.pub.jms;
                }
                """);
        Files.writeString(src.resolve("app/Main.java"), """
                package app;

                import jakarta.jms.*;

                public class Main {
                    public static void main(String[] args) throws Exception {
                        ConnectionFactory cf = new io.pub.jms.PubConnectionFactory("embedded:" + args[0]);
                        try (JMSContext ctx = cf.createContext(JMSContext.SESSION_TRANSACTED)) {
                            Queue q = ctx.createQueue("orders");
                            ctx.createProducer().setProperty("colour", "red").send(q, "hello");
                            ctx.commit();
                            String body = ctx.createConsumer(q, "colour = 'red'").receiveBody(String.class, 10000);
                            ctx.commit();
                            System.out.println("received " + body + " in "
                                    + io.pub.jms.PubConnectionFactory.class.getModule().getName());
                        }
                    }
                }
                """);
        Path classes = dir.resolve("classes");
        ByteArrayOutputStream javacOut = new ByteArrayOutputStream();
        int compiled = ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        new PrintStream(javacOut),
                        new PrintStream(javacOut),
                        "--module-path",
                        modulePath(),
                        "-d",
                        classes.toString(),
                        src.resolve("module-info.java").toString(),
                        src.resolve("app/Main.java").toString());
        assertThat(compiled).as("javac: %s", javacOut).isZero();

        Process java = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--module-path",
                        classes + File.pathSeparator + modulePath(),
                        "--module",
                        "app/app.Main",
                        dir.resolve("store").toString())
                .redirectErrorStream(true)
                .start();
        boolean exited = java.waitFor(90, TimeUnit.SECONDS);
        String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            java.destroyForcibly();
        }
        assertThat(exited).as("the application exits; output: %s", out).isTrue();
        assertThat(java.exitValue()).as("exit code; output: %s", out).isZero();
        assertThat(out).contains("received hello in io.pub.jms").doesNotContain("Exception");
        assertThat(List.of(out.split("\n"))).noneMatch(l -> l.contains("WARN"));
    }
}
