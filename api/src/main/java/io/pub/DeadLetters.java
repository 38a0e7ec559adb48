package io.pub;

/** Property names a dead-lettered message carries, naming where it came from. */
public final class DeadLetters {
    /** The topic (or queue) the message was published to. */
    public static final String ORIGINAL_TOPIC = "PubOriginalDestination";
    /** The subscription that gave up on it. */
    public static final String ORIGINAL_SUBSCRIPTION = "PubOriginalSubscription";
    /** How many times it was delivered before it was dead-lettered. */
    public static final String DELIVERY_COUNT = "PubDeliveryCount";

    private DeadLetters() {}
}
