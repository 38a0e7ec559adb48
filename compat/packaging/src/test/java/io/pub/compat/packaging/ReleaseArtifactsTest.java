package io.pub.compat.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** What a release publishes: the BOM, the reduced pom of the provider, sources and javadoc jars. */
class ReleaseArtifactsTest {
    private static final Path ROOT = Path.of(System.getProperty("pub.root"));
    private static final String VERSION = System.getProperty("pub.version");
    private static final List<String> PUBLISHED = List.of(
            "pub-api", "pub-embedded", "pub-couchbase", "pub-provider", "pub-jms", "pub-jms-couchbase", "pub-ra");

    private static Document xml(Path p) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(p.toFile());
    }

    private static String child(Element e, String name) {
        NodeList l = e.getElementsByTagName(name);
        return l.getLength() == 0 ? null : l.item(0).getTextContent().trim();
    }

    @Test
    void theBomManagesEveryPublishedArtifactAtTheReleaseVersion() throws Exception {
        Document bom = xml(ROOT.resolve("bom/pom.xml"));
        Element project = bom.getDocumentElement();
        assertThat(child(project, "version")).isEqualTo(VERSION);
        assertThat(project.getElementsByTagName("parent").getLength())
                .as("no parent: an imported BOM would bring its parent's dependencyManagement")
                .isZero();
        NodeList deps = project.getElementsByTagName("dependency");
        List<String> managed = new java.util.ArrayList<>();
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            assertThat(child(d, "groupId")).isEqualTo("io.pub");
            assertThat(child(d, "version")).isEqualTo("${project.version}");
            managed.add(child(d, "artifactId"));
        }
        assertThat(managed).containsExactlyInAnyOrderElementsOf(PUBLISHED);
    }

    @Test
    void theProvidersInstalledPomDoesNotListTheRelocatedSelector() throws Exception {
        Path reduced = ROOT.resolve("provider/target/dependency-reduced-pom.xml");
        assumeTrue(Files.exists(reduced), "written when the provider is packaged: run `mvn verify`");
        // what an application resolves: the dependencies outside test and provided scope
        List<String> runtime = new java.util.ArrayList<>();
        for (org.w3c.dom.Node n = xml(reduced).getDocumentElement().getFirstChild();
                n != null;
                n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("dependencies")) {
                NodeList deps = e.getElementsByTagName("dependency");
                for (int i = 0; i < deps.getLength(); i++) {
                    Element d = (Element) deps.item(i);
                    String scope = child(d, "scope");
                    if (d.getParentNode() == e
                            && (scope == null || scope.equals("compile") || scope.equals("runtime"))) {
                        runtime.add(child(d, "groupId") + ":" + child(d, "artifactId"));
                    }
                }
            }
        }
        assertThat(runtime)
                .contains("jakarta.jms:jakarta.jms-api", "io.pub:pub-api")
                .noneMatch(d -> d.contains("artemis"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"api", "embedded", "couchbase", "provider"})
    void sourcesAndJavadocJarsAreAttached(String module) throws Exception {
        Path target = ROOT.resolve(module).resolve("target");
        Path sources = target.resolve("pub-" + module + "-" + VERSION + "-sources.jar");
        Path javadoc = target.resolve("pub-" + module + "-" + VERSION + "-javadoc.jar");
        assumeTrue(Files.exists(target.resolve("pub-" + module + "-" + VERSION + ".jar")), "run `mvn verify`");
        try (JarFile s = new JarFile(sources.toFile());
                JarFile j = new JarFile(javadoc.toFile())) {
            assertThat(s.stream().map(e -> e.getName())).anyMatch(n -> n.endsWith(".java"));
            assertThat(j.getEntry("index.html")).as("javadoc of %s", module).isNotNull();
        }
    }
}
