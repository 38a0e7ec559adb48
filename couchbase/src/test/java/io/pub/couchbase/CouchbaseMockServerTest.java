package io.pub.couchbase;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CouchbaseMockServerTest {

    /**
     * The mock accepts connections with Nagle's algorithm on; the harness turns it off, or every
     * response queued behind an unacknowledged one waits 40 ms for a delayed ACK and the round-trip
     * and latency figures measured on the mock are the mock's.
     */
    @Test
    @Timeout(60)
    void setsNoDelayOnTheConnectionsTheMockAccepts() throws Exception {
        try (CouchbaseMockServer server = CouchbaseMockServer.start();
                SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.kvPort()))) {
            assertThat(client.isConnected()).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<Boolean> noDelay = server.connectionsNoDelay();
            // the mock's thread registers the connection, then the harness's check sets the option
            while ((noDelay.isEmpty() || noDelay.contains(false)) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                noDelay = server.connectionsNoDelay();
            }
            assertThat(noDelay).isNotEmpty().containsOnly(true);
        }
    }
}
