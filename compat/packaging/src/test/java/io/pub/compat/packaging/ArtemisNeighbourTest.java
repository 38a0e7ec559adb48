package io.pub.compat.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pub.Settings;
import io.pub.jms.PubConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pub next to the Artemis client an application may keep (spring-boot-starter-artemis 3.5.7 brings
 * org.apache.activemq 2.40, on this test's class path): no package is in both, and each uses its
 * own selector classes.
 */
@Timeout(60)
class ArtemisNeighbourTest {
    /** The store closes with its last connection, before the temporary directory is deleted. */
    private static final Settings NO_LINGER = Settings.of(Map.of("PUB_STORE_LINGER", "0"));

    private static List<Path> artemisClientJars() {
        return Pattern.compile(File.pathSeparator)
                .splitAsStream(System.getProperty("java.class.path"))
                .filter(p -> p.replace(File.separatorChar, '/').contains("/org/apache/activemq/"))
                .map(Path::of)
                .toList();
    }

    @Test
    void pubBringsNoArtemisNorNettyJar() {
        assertThat(PubJars.runtimeClasspath())
                .map(p -> p.toString().replace(File.separatorChar, '/'))
                .noneMatch(p -> p.contains("/org/apache/artemis/")
                        || p.contains("/org/apache/activemq/")
                        || p.contains("/io/netty/"));
    }

    @Test
    void theProviderJarHoldsOnlyPubsPackages() throws Exception {
        assumeTrue(PubJars.packaged(), "needs the packaged provider jar: run `mvn verify`");
        try (JarFile jar = new JarFile(PubJars.pubJar("pub-provider").toFile())) {
            List<String> classes = jar.stream()
                    .map(e -> e.getName())
                    .filter(n -> n.endsWith(".class") && !n.equals("module-info.class"))
                    .toList();
            assertThat(classes).isNotEmpty().allMatch(n -> n.startsWith("io/pub/jms/"));
            assertThat(classes).anyMatch(n -> n.startsWith("io/pub/jms/internal/artemis/selector/"));
        }
    }

    @Test
    void noPackageOfPubsClassPathIsAlsoInArtemisClientJars() {
        List<Path> artemis = artemisClientJars();
        assertThat(artemis).as("Artemis' client jars on the class path").hasSizeGreaterThanOrEqualTo(3);
        Set<String> artemisPackages = new HashSet<>();
        artemis.forEach(j -> artemisPackages.addAll(PubJars.packages(j)));
        assertThat(artemisPackages).contains("org.apache.activemq.artemis.selector.impl");
        for (Path jar : PubJars.runtimeClasspath()) {
            if (jar.toString().endsWith(".jar") && !artemis.contains(jar)) {
                Set<String> common = new HashSet<>(PubJars.packages(jar));
                common.retainAll(artemisPackages);
                assertThat(common)
                        .as("packages of %s also in Artemis' jars", jar)
                        .isEmpty();
            }
        }
    }

    @Test
    void bothSelectorsWorkSideBySide(@TempDir Path dir) throws Exception {
        assumeTrue(PubJars.packaged(), "needs the packaged (relocated) provider jar: run `mvn verify`");
        // Artemis' own parser, from its 2.40 jar
        Class<?> parser = Class.forName("org.apache.activemq.artemis.selector.impl.SelectorParser");
        assertThat(parser.getProtectionDomain().getCodeSource().getLocation().getPath())
                .contains("2.40.0");
        assertThat(parser.getMethod("parse", String.class).invoke(null, "colour = 'red'"))
                .isNotNull();
        // Pub's, relocated inside its jar
        try (JMSContext ctx =
                new PubConnectionFactory("embedded:" + dir, NO_LINGER, Clock.systemUTC()).createContext()) {
            Queue q = ctx.createQueue("neighbours");
            ctx.createProducer().setProperty("colour", "blue").send(q, "blue");
            ctx.createProducer().setProperty("colour", "red").send(q, "red");
            assertThat(ctx.createConsumer(q, "colour = 'red'").receiveBody(String.class, 5000))
                    .isEqualTo("red");
        }
    }
}
