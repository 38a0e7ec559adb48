package io.pub.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store where RocksDB's classes are not the system class loader's, as in an application server,
 * a web container or a Spring Boot jar. RocksJava builds the argument of an event listener's
 * callback by looking its class up from RocksDB's own thread, which sees only the system class
 * loader; there the lookup fails: a flush's callback prints the error and does nothing, a
 * compaction's killed the JVM (SIGSEGV). The store must get through a flush, a compaction and deleted
 * table files all the same, and keep its files owner-only while it runs.
 */
class EmbeddedStoreInIsolatedLoaderTest {
    @TempDir
    Path tmp;

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aStoreLoadedByAnotherClassLoaderFlushesCompactsAndClosesWithoutKillingTheJvm() throws Exception {
        Path testClasses = Path.of(IsolatedLoaderLauncher.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                testClasses.toString(), // the system class loader: the launcher's classes, no RocksDB
                IsolatedLoaderLauncher.class.getName(),
                tmp.resolve("store").toString(),
                System.getProperty("java.class.path")));
        Path stderr = tmp.resolve("stderr");
        Process child = new ProcessBuilder(cmd)
                .directory(tmp.toFile())
                .redirectError(stderr.toFile())
                .start();
        ChildJvm.Output out = new ChildJvm.Output(child);
        boolean exited = child.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly().waitFor();
        }
        List<String> lines = out.all(java.time.Duration.ofSeconds(5));
        assertThat(exited).as("the child exited; its output %s", lines).isTrue();
        assertThat(child.exitValue())
                .as("exit code; output %s, standard error:%n%s", lines, Files.readString(stderr))
                .isZero();
        assertThat(lines).containsExactly("opened", "written", "owner-only", "reclaimed", "closed");
        // what RocksJava prints when a callback's class cannot be found from RocksDB's thread
        assertThat(Files.readString(stderr))
                .doesNotContain("NoClassDefFoundError")
                .doesNotContain("Exception in thread");
    }
}
