package io.pub;

import java.time.Duration;

/**
 * What happens to a message that was delivered and not acknowledged (a handler or listener failed, a
 * rollback, a recover): how long it waits before it can be delivered again, growing by
 * {@code backoff} per delivery up to {@code maxDelay}, and after how many deliveries it goes to the
 * dead-letter queue instead. One object for the native {@link Consumer} and the JMS provider, so both
 * APIs redeliver alike.
 *
 * @param delay the wait before the second delivery (zero: at once)
 * @param backoff the factor the wait grows by with each further delivery (at least 1)
 * @param maxDelay the longest wait
 * @param maxDeliveries deliveries after which a message is dead-lettered instead (0: never)
 * @param deadLetterQueue where dead letters go
 */
public record RedeliveryPolicy(
        Duration delay, double backoff, Duration maxDelay, int maxDeliveries, String deadLetterQueue) {

    /** The default cap of the backed-off delay. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(5);

    public RedeliveryPolicy {
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("redelivery delay must be zero or positive, was " + delay);
        }
        if (!(backoff >= 1) || Double.isInfinite(backoff)) {
            throw new IllegalArgumentException("redelivery backoff must be a number >= 1, was " + backoff);
        }
        if (maxDelay == null || maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("redelivery max delay must be positive, was " + maxDelay);
        }
        if (maxDeliveries < 0) {
            throw new IllegalArgumentException("maxDeliveries must be >= 0 (0 = unlimited), was " + maxDeliveries);
        }
        Names.checkTopic(deadLetterQueue, "deadLetterQueue");
    }

    /** Redelivery at once; dead-lettering as the engine's configuration says. */
    public static RedeliveryPolicy immediate(Pub.Config config) {
        return new RedeliveryPolicy(
                Duration.ZERO, 2.0, DEFAULT_MAX_DELAY, config.maxDeliveries(), config.deadLetterQueue());
    }

    /** The wait before the next delivery of a message delivered {@code deliveries} times so far. */
    public Duration delayBefore(int deliveries) {
        if (delay.isZero()) {
            return Duration.ZERO;
        }
        double millis = delay.toMillis() * Math.pow(backoff, Math.max(0, deliveries - 1));
        return Duration.ofMillis((long) Math.min(millis, maxDelay.toMillis()));
    }

    /** The subscriber options with this policy's dead-lettering (the subscriber carries it out). */
    public Subscriber.SubscriberOptions applyTo(Subscriber.SubscriberOptions options) {
        return options.withMaxDeliveries(maxDeliveries, deadLetterQueue);
    }
}
