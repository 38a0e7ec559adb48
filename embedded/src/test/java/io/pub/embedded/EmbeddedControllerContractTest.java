package io.pub.embedded;

import io.pub.Settings;
import io.pub.Stores;
import io.pub.spi.Controller;
import io.pub.spi.ControllerContract;
import io.pub.spi.MutableClock;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store meets the SPI contract, opened by URL as users open it. */
class EmbeddedControllerContractTest extends ControllerContract {
    @TempDir
    Path dir;

    @Override
    protected Controller open(MutableClock clock) {
        return Stores.open("embedded:" + dir.resolve("store"), Settings.only(Map.of()), clock);
    }
}
