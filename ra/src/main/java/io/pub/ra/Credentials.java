package io.pub.ra;

import jakarta.resource.spi.ConnectionRequestInfo;
import java.util.Objects;

/** The application's credentials for a connection (null: the definition's defaults). */
record Credentials(String user, String password) implements ConnectionRequestInfo {
    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials c && Objects.equals(user, c.user) && Objects.equals(password, c.password);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(user);
    }

    /** Never the password. */
    @Override
    public String toString() {
        return "Credentials[" + user + "]";
    }
}
