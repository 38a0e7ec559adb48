package io.pub.spi;

/**
 * A named, expiring ownership record in the registry: connection heartbeats, client IDs in use, the
 * single active consumer of an unshared durable subscription. Taken with insert-if-absent (or by
 * taking over an expired one), renewed by its owner, gone once it expires.
 */
public record Claim(String key, String owner, long expiresAt, long version) {
    public boolean isLive(long now) {
        return expiresAt > now;
    }
}
