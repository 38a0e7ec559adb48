package io.pub.spi;

import io.pub.Settings;
import io.pub.Stores;
import java.util.Map;
import java.util.UUID;

/** The reference store must meet the contract it defines. */
class MemoryControllerContractTest extends ControllerContract {
    @Override
    protected Controller open(MutableClock clock) {
        return Stores.open("mem:contract-" + UUID.randomUUID(), Settings.only(Map.of()), clock);
    }
}
