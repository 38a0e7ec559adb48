package io.pub.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.TopicInfo;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A message store is private to its owner, whatever the umask. */
@Timeout(60)
class EmbeddedStorePermissionsTest {
    private static final TopicShard S0 = new TopicShard("orders", 0);

    @TempDir
    Path tmp;

    @BeforeEach
    void posixOnly() {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    }

    private static void publish(Path dir) {
        try (Controller store = StoreCopies.open(dir)) {
            store.createTopic(new TopicInfo("orders", 1, false, null));
            store.append(
                    S0, List.of(Message.builder().id("a").body(new byte[100]).build()));
        }
    }

    @Test
    void aNewStoreDirectoryAndItsFilesAreOwnerOnly() throws Exception {
        Path dir = tmp.resolve("data").resolve("store");
        publish(dir);
        EmbeddedDiskSpaceTest.assertOwnerOnly(dir);
        // the parents are ordinary directories, made as any other (following the umask): only the store's own is
        // private
        assertThat(Files.getPosixFilePermissions(dir.getParent()))
                .isEqualTo(Files.getPosixFilePermissions(Files.createDirectory(tmp.resolve("ordinary"))));
    }

    @Test
    void aFileMadeWhileTheStoreIsOpenBecomesOwnerOnlyAtTheNextPass() throws Exception {
        StoreDirectory dir = StoreDirectory.prepare(tmp.resolve("store"));
        Path made = Files.createFile(
                dir.path().resolve("000009.log"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        Thread passing;
        try (StoreDirectory.Pass pass = dir.keepOwnerOnly(Duration.ofMillis(5))) {
            assertThat(pass.awaitNextPass(30_000)).as("a pass ended").isTrue();
            passing = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("pub-embedded-files " + dir.path()))
                    .findFirst()
                    .orElseThrow();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made)))
                .isEqualTo("rw-------");
        // stopped: its thread ends, and a file made now keeps its mode
        passing.join(30_000);
        assertThat(passing.isAlive()).as("the pass's thread after close").isFalse();
        Path later = Files.createFile(
                dir.path().resolve("000010.log"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(later)))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void anExistingStoreGetsOwnerOnlyFilesAndAWarningAboutItsDirectory() throws Exception {
        Path dir = tmp.resolve("store");
        publish(dir);
        // as a store from before, or one copied without modes
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        String log = StoreCopies.logged(() -> {
                    try (Controller store = StoreCopies.open(dir)) {
                        return store.read(S0, 0, 10).entries().size();
                    }
                })
                .log();
        assertThat(log)
                .contains("WARN")
                .contains(dir.toString())
                .contains("open to other users")
                .contains("chmod 700");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                        .as("mode of %s", f.getFileName())
                        .isEqualTo("rw-------");
            }
        }
        // a directory the store did not create keeps its mode: it may be shared on purpose
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwxr-xr-x");
    }
}
