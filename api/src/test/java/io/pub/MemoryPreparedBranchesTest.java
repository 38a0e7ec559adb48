package io.pub;

import io.pub.spi.Controller;
import io.pub.spi.MutableClock;
import java.util.Map;
import java.util.UUID;

class MemoryPreparedBranchesTest extends PreparedBranchesContract {
    @Override
    protected Controller open(MutableClock clock) {
        return Stores.open("mem:xa-" + UUID.randomUUID(), Settings.only(Map.of()), clock);
    }
}
