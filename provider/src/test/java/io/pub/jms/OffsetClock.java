package io.pub.jms;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The wall clock plus an offset a test moves forward: time passes normally (so polling backoffs and
 * rescans behave as in production) and a test jumps over a TTL, lease or delivery delay without sleeping.
 */
final class OffsetClock extends Clock {
    private final AtomicLong offset = new AtomicLong();

    void advance(Duration d) {
        offset.addAndGet(d.toMillis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offset.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
