package io.pub.compat.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

/** Pub's runtime class path as the build wrote it, and the packages of jars. */
final class PubJars {
    private PubJars() {}

    /** The jars io.pub:pub-jms and io.pub:pub-jms-couchbase bring, Pub's own included. */
    static List<Path> runtimeClasspath() {
        try {
            String text = Files.readString(Path.of(System.getProperty("pub.runtimeClasspath")))
                    .trim();
            return Pattern.compile(java.io.File.pathSeparator)
                    .splitAsStream(text)
                    .map(Path::of)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isPub(Path p) {
        return p.getFileName().toString().startsWith("pub-");
    }

    static Path pubJar(String artifactId) {
        return runtimeClasspath().stream()
                .filter(p -> p.getFileName().toString().startsWith(artifactId + "-"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(artifactId + " is not on Pub's runtime class path"));
    }

    /** Whether the build packaged the jars (`mvn verify`); `mvn test` gives class directories instead. */
    static boolean packaged() {
        return runtimeClasspath().stream().filter(PubJars::isPub).allMatch(p -> p.toString()
                .endsWith(".jar"));
    }

    /** The packages holding classes in {@code jar} (versioned entries of multi-release jars included). */
    static Set<String> packages(Path jar) {
        Set<String> packages = new TreeSet<>();
        try (JarFile f = new JarFile(jar.toFile())) {
            f.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")).forEach(n -> {
                String name = n.startsWith("META-INF/versions/") ? n.replaceFirst("META-INF/versions/\\d+/", "") : n;
                int slash = name.lastIndexOf('/');
                if (slash > 0 && !name.startsWith("META-INF/")) {
                    packages.add(name.substring(0, slash).replace('/', '.'));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packages;
    }
}
