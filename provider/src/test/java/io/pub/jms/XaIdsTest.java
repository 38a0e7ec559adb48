package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class XaIdsTest {
    @Test
    void anXidTurnsIntoARecordIdAndBack() {
        byte[] gtrid = new byte[Xid.MAXGTRIDSIZE];
        byte[] bqual = new byte[Xid.MAXBQUALSIZE];
        Arrays.fill(gtrid, (byte) 0xff);
        Arrays.fill(bqual, (byte) '/');
        Xid x = new TestXid(Integer.MIN_VALUE, gtrid, bqual);
        String id = XaIds.id(x);
        // printable, no '/', and short enough for a Couchbase key with its "r:xa/" prefix (250 bytes)
        assertThat(id).matches("[-0-9A-Za-z_.]+");
        assertThat(id.length() + "r:xa/".length()).isLessThanOrEqualTo(250);
        Xid back = XaIds.parse(id).orElseThrow();
        assertThat(TestXid.same(back, x)).isTrue();
        assertThat(back).isEqualTo(XaIds.parse(id).orElseThrow());
        assertThat(back.hashCode()).isEqualTo(XaIds.parse(id).orElseThrow().hashCode());
    }

    @Test
    void anEmptyBranchQualifierSurvives() {
        Xid x = new TestXid(7, new byte[] {1, 2, 3}, new byte[0]);
        assertThat(TestXid.same(XaIds.parse(XaIds.id(x)).orElseThrow(), x)).isTrue();
    }

    @Test
    void idsWrittenByOthersAreNotXids() {
        assertThat(XaIds.parse("not-an-xid")).isEmpty();
        assertThat(XaIds.parse("x.AAA.BBB")).isEmpty();
        assertThat(XaIds.parse("1.***.AA")).isEmpty();
    }
}
