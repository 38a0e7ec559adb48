package io.pub.embedded;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pub.Delivery;
import io.pub.Pub;
import io.pub.Subscriber;
import io.pub.spi.Subscription;
import java.time.Duration;
import java.util.List;

/**
 * A consumer JVM for the crash test: opens the store, takes one batch of the queue under leases,
 * prints each offset it holds, then "hangs" mid-batch until it is killed.
 */
public final class CrashConsumer {
    public static void main(String[] args) throws Exception {
        String dir = args[0];
        int batch = Integer.parseInt(args[1]);
        Pub pub = Pub.builder()
                .url("embedded:" + dir)
                .meterRegistry(new SimpleMeterRegistry())
                .config(Pub.Config.defaults()
                        .withLeaseDuration(Duration.ofSeconds(30))
                        .withHousekeepingInterval(Duration.ZERO))
                .build();
        Subscription queue = pub.createQueue("jobs");
        Subscriber s = pub.subscriber(queue, pub.subscriberOptions());
        List<Delivery> held = s.poll(batch);
        for (Delivery d : held) {
            System.out.println("HELD " + d.message().id());
        }
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
