package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The provider works through the engine's public API (package io.pub) only: no class of its main
 * sources names the store SPI (io.pub.spi) or the engine's internals (io.pub.internal), by import or
 * by qualified name. What the provider needs from a store the engine offers (io.pub.Subscriptions,
 * io.pub.Settings, io.pub.PubException), so that the JMS layer holds JMS semantics and no store calls.
 */
@Timeout(30)
class EngineBoundaryTest {
    private static final Pattern FORBIDDEN = Pattern.compile("\\bio\\.pub\\.(spi|internal)\\b");

    @Test
    void noProviderClassUsesTheStoreSpiOrEngineInternals() throws IOException {
        Path main = Path.of("src", "main", "java");
        assertThat(main).as("run from the provider module").isDirectory();
        List<String> found = new ArrayList<>();
        int files;
        try (Stream<Path> all = Files.walk(main)) {
            List<Path> sources = all.filter(p -> p.toString().endsWith(".java")).toList();
            files = sources.size();
            for (Path p : sources) {
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = FORBIDDEN.matcher(lines.get(i));
                    if (m.find()) {
                        found.add(main.relativize(p) + ":" + (i + 1) + ": "
                                + lines.get(i).trim());
                    }
                }
            }
        }
        assertThat(files).as("provider sources scanned").isGreaterThan(20);
        assertThat(found)
                .as("uses of io.pub.spi or io.pub.internal in provider main sources")
                .isEmpty();
    }

    @Test
    void theScanFindsAnImportOrAQualifiedName() {
        assertThat(FORBIDDEN.matcher("import io.pub.spi.Controller;").find()).isTrue();
        assertThat(FORBIDDEN.matcher("io.pub.internal.MessageCodec.decode(b)").find())
                .isTrue();
        assertThat(FORBIDDEN.matcher("import io.pub.Subscriptions;").find()).isFalse();
        assertThat(FORBIDDEN.matcher("import io.pub.spider.X;").find()).isFalse();
    }
}
