package io.pub;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An event as stored: written once, never updated. Properties keep their Java type (Boolean, Byte,
 * Short, Integer, Long, Float, Double, String) so that JMS typed properties round-trip exactly.
 * Times are epoch milliseconds; 0 means "none" for expiration and "immediately" for delivery time.
 */
public final class Message {
    /**
     * Largest body a message may have, 16 MiB, checked when it is built (a JMS send of a larger one
     * fails with MessageFormatException naming the limit); Couchbase documents top out at 20 MiB.
     */
    public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final String id;
    private final String type;
    private final String key;
    private final Map<String, String> headers;
    private final Map<String, Object> properties;
    private final byte[] body;
    private final long publishTime;
    private final long expiration;
    private final long deliveryTime;
    private final int priority;

    private Message(Builder b) {
        this.id = b.id;
        this.type = b.type;
        this.key = b.key;
        // the builder's maps, not copies: it copies them itself before it changes them again
        this.headers = b.headers.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(b.headers);
        this.properties = b.properties.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(b.properties);
        b.shared = true;
        this.body = b.body == null ? new byte[0] : b.body;
        this.publishTime = b.publishTime;
        this.expiration = b.expiration;
        this.deliveryTime = b.deliveryTime;
        this.priority = b.priority;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.type = type;
        b.key = key;
        b.headers.putAll(headers);
        b.properties.putAll(properties);
        b.body = body;
        b.publishTime = publishTime;
        b.expiration = expiration;
        b.deliveryTime = deliveryTime;
        b.priority = priority;
        return b;
    }

    /** Unique id given by the producer (a JMS message id, or a UUID); may be null when disabled. */
    public String id() {
        return id;
    }

    public String type() {
        return type;
    }

    /** The sharding key (JMSXGroupID): messages with the same key go to the same shard. */
    public String key() {
        return key;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Map<String, Object> properties() {
        return properties;
    }

    /** The body; callers must not modify the array. */
    public byte[] body() {
        return body;
    }

    public long publishTime() {
        return publishTime;
    }

    public long expiration() {
        return expiration;
    }

    public long deliveryTime() {
        return deliveryTime;
    }

    public int priority() {
        return priority;
    }

    public boolean isExpired(long now) {
        return expiration > 0 && expiration <= now;
    }

    public boolean isDeliverable(long now) {
        return deliveryTime <= now;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Message m)) {
            return false;
        }
        return publishTime == m.publishTime
                && expiration == m.expiration
                && deliveryTime == m.deliveryTime
                && priority == m.priority
                && Objects.equals(id, m.id)
                && Objects.equals(type, m.type)
                && Objects.equals(key, m.key)
                && headers.equals(m.headers)
                && properties.equals(m.properties)
                && Arrays.equals(body, m.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, type, key, publishTime) * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "Message[id=" + id + ", type=" + type + ", key=" + key + ", body=" + body.length + " bytes]";
    }

    public static final class Builder {
        private String id;
        private String type;
        private String key;
        private Map<String, String> headers = new LinkedHashMap<>();
        private Map<String, Object> properties = new LinkedHashMap<>();
        /** The maps went into a message built before: the next change works on copies. */
        private boolean shared;

        private byte[] body;
        private long publishTime;
        private long expiration;
        private long deliveryTime;
        private int priority = 4;

        private Builder() {}

        private void unshare() {
            if (shared) {
                headers = new LinkedHashMap<>(headers);
                properties = new LinkedHashMap<>(properties);
                shared = false;
            }
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder type(String type) {
            this.type = type;
            return this;
        }

        public Builder key(String key) {
            this.key = key;
            return this;
        }

        public Builder header(String name, String value) {
            unshare();
            if (value == null) {
                headers.remove(name);
            } else {
                headers.put(Objects.requireNonNull(name, "header name"), value);
            }
            return this;
        }

        public Builder headers(Map<String, String> all) {
            unshare();
            headers.clear();
            all.forEach(this::header);
            return this;
        }

        /** A typed property: Boolean, Byte, Short, Integer, Long, Float, Double or String. */
        public Builder property(String name, Object value) {
            Objects.requireNonNull(name, "property name");
            unshare();
            if (value == null) {
                properties.remove(name);
                return this;
            }
            if (!(value instanceof Boolean
                    || value instanceof Byte
                    || value instanceof Short
                    || value instanceof Integer
                    || value instanceof Long
                    || value instanceof Float
                    || value instanceof Double
                    || value instanceof String)) {
                throw new IllegalArgumentException("property '" + name + "' has unsupported type "
                        + value.getClass().getName()
                        + "; expected Boolean, Byte, Short, Integer, Long, Float, Double or String");
            }
            properties.put(name, value);
            return this;
        }

        public Builder properties(Map<String, ?> all) {
            unshare();
            properties.clear();
            all.forEach(this::property);
            return this;
        }

        public Builder body(byte[] body) {
            this.body = body;
            return this;
        }

        public Builder publishTime(long epochMillis) {
            this.publishTime = epochMillis;
            return this;
        }

        public Builder expiration(long epochMillis) {
            this.expiration = epochMillis;
            return this;
        }

        public Builder deliveryTime(long epochMillis) {
            this.deliveryTime = epochMillis;
            return this;
        }

        public Builder priority(int priority) {
            if (priority < 0 || priority > 9) {
                throw new IllegalArgumentException("priority must be between 0 and 9, was " + priority);
            }
            this.priority = priority;
            return this;
        }

        public Message build() {
            if (body != null && body.length > MAX_BODY_BYTES) {
                throw new IllegalArgumentException("a message body must be at most 16 MiB (" + MAX_BODY_BYTES
                        + " bytes), was " + body.length + " bytes");
            }
            return new Message(this);
        }
    }
}
