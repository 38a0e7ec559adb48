package io.pub.jms;

import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.transaction.xa.Xid;

/**
 * Xids as the ids of prepared-transaction records: {@code formatId.gtrid.bqual} with both byte
 * strings in unpadded URL-safe base64, so an id is printable ASCII without '/', fits a Couchbase key
 * (at most 5 + 11 + 2 * 86 characters) and turns back into the same Xid in any JVM.
 */
final class XaIds {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private XaIds() {}

    static String id(Xid xid) {
        return xid.getFormatId() + "." + ENCODER.encodeToString(xid.getGlobalTransactionId()) + "."
                + ENCODER.encodeToString(xid.getBranchQualifier());
    }

    /** The Xid of a record id; empty for an id this class did not write. */
    static Optional<Xid> parse(String id) {
        String[] parts = id.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    new PubXid(Integer.parseInt(parts[0]), DECODER.decode(parts[1]), DECODER.decode(parts[2])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** An Xid read back from the store: equal to any Xid with the same three parts. */
    static final class PubXid implements Xid {
        private final int formatId;
        private final byte[] gtrid;
        private final byte[] bqual;

        PubXid(int formatId, byte[] gtrid, byte[] bqual) {
            this.formatId = formatId;
            this.gtrid = gtrid.clone();
            this.bqual = bqual.clone();
        }

        @Override
        public int getFormatId() {
            return formatId;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return gtrid.clone();
        }

        @Override
        public byte[] getBranchQualifier() {
            return bqual.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Xid x
                    && x.getFormatId() == formatId
                    && Arrays.equals(x.getGlobalTransactionId(), gtrid)
                    && Arrays.equals(x.getBranchQualifier(), bqual);
        }

        @Override
        public int hashCode() {
            return formatId * 31 * 31 + Arrays.hashCode(gtrid) * 31 + Arrays.hashCode(bqual);
        }

        @Override
        public String toString() {
            return "Xid[" + id(this) + "]";
        }
    }
}
