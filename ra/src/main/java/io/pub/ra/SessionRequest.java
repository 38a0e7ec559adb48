package io.pub.ra;

import jakarta.resource.spi.ConnectionRequestInfo;

/**
 * What an application asks for when it creates a session: its credentials and acknowledgement mode.
 * Pooled connections are matched on the credentials only; any connection serves any mode.
 */
record SessionRequest(Credentials credentials, int acknowledgeMode) implements ConnectionRequestInfo {}
