package io.pub.embedded;

import io.pub.Settings;
import io.pub.Stores;
import io.pub.spi.Controller;
import java.time.Clock;
import java.util.Map;

/** Child JVM of the lock test: holds a store open until its standard input closes. */
final class HoldOpen {
    private HoldOpen() {}

    public static void main(String[] args) throws Exception {
        try (Controller store = Stores.open("embedded:" + args[0], Settings.only(Map.of()), Clock.systemUTC())) {
            System.out.println("open " + store.kind());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our input
            }
        }
    }
}
