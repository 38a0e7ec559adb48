package io.pub.jms;

import io.pub.Settings;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** XA crash recovery on the embedded store: the child's store directory is opened here once it died. */
class EmbeddedXaCrashTest extends XaCrashContract {
    @TempDir
    Path dir;

    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    @Override
    protected String childUrl() {
        return "embedded:" + dir.resolve("store");
    }

    @Override
    protected PubXAConnectionFactory factoryAfterCrash() {
        return new PubXAConnectionFactory(childUrl(), Settings.only(XaCrashChild.SETTINGS), TestStores.CLOCK);
    }
}
