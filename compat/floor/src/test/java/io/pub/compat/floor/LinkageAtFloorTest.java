package io.pub.compat.floor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every class, method and field of another library that Pub's published classes use exists at the
 * floor versions on this class path. A method added after a floor (as GlobalOpenTelemetry.getOrNoop()
 * was, in OpenTelemetry 1.57) fails this test whichever code path would call it.
 */
@Timeout(60)
class LinkageAtFloorTest {
    private static final Pattern PUB_JAR = Pattern.compile(
            ".*/pub-(api|embedded|couchbase|provider)-[^/]*(?<!-tests)\\.jar|.*/(api|embedded|couchbase|provider)/target/classes");
    private static final List<String> JDK =
            List.of("java/", "javax/", "jdk/", "sun/", "com/sun/", "org/xml/", "org/w3c/");

    private final Linkage linkage = new Linkage(getClass().getClassLoader());

    static List<Path> pubJars() {
        return Pattern.compile(File.pathSeparator)
                .splitAsStream(System.getProperty("java.class.path"))
                .filter(p -> PUB_JAR.matcher(p.replace(File.separatorChar, '/')).matches())
                .map(Path::of)
                .toList();
    }

    /** References to other libraries: not Pub's own classes, not the JDK's. */
    private static boolean foreign(String internalName) {
        return !internalName.startsWith("io/pub/") && JDK.stream().noneMatch(internalName::startsWith);
    }

    /**
     * Checked: references to other libraries (not Pub's own classes, not the JDK's), except Netty from
     * the relocated Artemis classes: artemis-commons' SimpleString and buffer pool name Netty's ByteBuf
     * on paths the selector never takes, and Pub does not ship Netty (the tests here select without it).
     */
    private static boolean checked(String from, String to) {
        if (to.startsWith("io/pub/") || JDK.stream().anyMatch(to::startsWith)) {
            return false;
        }
        return !(from.startsWith("io/pub/jms/internal/artemis/") && to.startsWith("io/netty/"));
    }

    @Test
    void pubsClassesLinkAgainstTheFloorVersions() {
        List<Path> jars = pubJars();
        assertThat(jars).as("Pub's four code jars on the class path").hasSize(4);
        for (Path jar : jars) {
            assertThat(linkage.unresolved(jar, LinkageAtFloorTest::checked))
                    .as("unresolved references in %s", jar)
                    .isEmpty();
        }
    }

    @Test
    void nettyIsNotOnTheClassPath() {
        // so the selector tests here show that the relocated Artemis classes work without it
        assertThat(getClass().getClassLoader().getResource("io/netty/buffer/ByteBuf.class"))
                .isNull();
    }

    @Test
    void theCheckSeesAMethodMissingAtTheFloor() {
        // the method whose absence broke Spring Boot 3.5 applications is reported, its older sibling is not
        assertThat(linkage.resolves(
                        "io/opentelemetry/api/GlobalOpenTelemetry",
                        "getOrNoop",
                        "()Lio/opentelemetry/api/OpenTelemetry;"))
                .isFalse();
        assertThat(linkage.resolves(
                        "io/opentelemetry/api/GlobalOpenTelemetry", "get", "()Lio/opentelemetry/api/OpenTelemetry;"))
                .isTrue();
        assertThat(linkage.resolves(
                        "com/fasterxml/jackson/core/JsonFactory",
                        "createParser",
                        "([B)Lcom/fasterxml/jackson/core/JsonParser;"))
                .isTrue();
    }
}
