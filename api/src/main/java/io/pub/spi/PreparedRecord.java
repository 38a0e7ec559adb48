package io.pub.spi;

/**
 * A prepared transaction branch as a store keeps it: an id (the branch's Xid, encoded by the engine),
 * a body the engine encodes and the store never looks into (the branch's pending sends and the
 * deliveries it acknowledges), and the store's compare-and-swap token. Stores keep these records
 * durably until the engine deletes them: nothing expires them.
 */
public record PreparedRecord(String id, byte[] body, long version) {
    public PreparedRecord {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("a prepared record needs an id");
        }
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreparedRecord r
                && r.id.equals(id)
                && r.version == version
                && java.util.Arrays.equals(r.body, body);
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + Long.hashCode(version);
    }

    @Override
    public String toString() {
        return "PreparedRecord[" + id + ", " + body.length + " bytes, version " + version + "]";
    }
}
