package io.pub;

import io.pub.spi.Controller;
import io.pub.spi.MutableClock;
import java.util.Map;
import java.util.UUID;

class MemoryDeliveryInvariantsTest extends DeliveryInvariantsContract {
    @Override
    protected Controller open(MutableClock clock) {
        return Stores.open("mem:invariants-" + UUID.randomUUID(), Settings.only(Map.of()), clock);
    }
}
