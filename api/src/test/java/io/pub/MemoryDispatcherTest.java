package io.pub;

import io.pub.spi.Controller;
import io.pub.spi.MutableClock;
import java.util.Map;
import java.util.UUID;

/** The dispatcher's contract on the memory store. */
class MemoryDispatcherTest extends DispatcherContract {
    @Override
    protected Controller open(MutableClock clock) {
        return Stores.open("mem:dispatcher-" + UUID.randomUUID(), Settings.only(Map.of()), clock);
    }
}
