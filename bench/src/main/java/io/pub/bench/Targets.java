package io.pub.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The targets by name. */
final class Targets {
    static final String ARTEMIS_DEFAULT = "artemis-default";
    static final String ARTEMIS_250US = "artemis-250us";
    static final String PUB_EMBEDDED = "pub-embedded";
    static final String PUB_COUCHBASE_MOCK = "pub-couchbase-mock";

    private Targets() {}

    /** Starts a target; {@code pubOptions} are query options for Pub's connection factory URL. */
    static Target open(String name, String pubOptions) throws Exception {
        return switch (name) {
            case ARTEMIS_DEFAULT -> ArtemisTarget.start(name, null);
            case ARTEMIS_250US -> ArtemisTarget.start(name, 250_000);
            case PUB_EMBEDDED -> PubTarget.embedded(name, pubOptions);
            case PUB_COUCHBASE_MOCK -> PubTarget.couchbaseMock(name, pubOptions);
            default -> throw new IllegalArgumentException("unknown target '" + name + "'");
        };
    }

    static boolean isPub(String name) {
        return name.startsWith("pub-");
    }

    /** Deletes a temporary directory tree. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
