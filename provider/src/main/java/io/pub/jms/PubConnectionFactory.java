package io.pub.jms;

import io.pub.Settings;
import io.pub.Stores;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;
import java.io.Serializable;
import java.time.Clock;
import java.util.Objects;

/**
 * Pub's connection factory. A URL picks the store and may carry the provider's options as query
 * parameters (see {@link ProviderOptions}), e.g. {@code embedded:/var/pub?clientID=app1&maxDeliveries=5}
 * or {@code couchbase://host/bucket?deadLetterQueue=DLQ}. Connections of one JVM that use the same
 * store share one engine, opened with the first and closed with the last.
 *
 * <p>Authentication: when users are configured ({@code users=} option or PUB_USERS, as
 * {@code user:password,...}) every connection must present one of them; otherwise any credentials,
 * or none, are accepted. {@code createConnection()}, {@code createContext()} and the other methods
 * without credentials use the default identity, {@code defaultUser=} (PUB_DEFAULT_USER, or
 * {@link #setDefaultUser}), one of the users; without one they are refused when users are
 * configured. The same rule applies to every store; a Couchbase store's own credentials stay in its
 * URL or COUCHBASE_USERNAME / COUCHBASE_PASSWORD and are never exposed to clients.
 *
 * <p>Passwords are never shown: {@link #toString}, {@link #getUrl} and error messages mask them
 * ({@code users=alice:****}, {@code user:****@}). The factory keeps the real URL in memory. Its
 * serialized form holds a salted hash (a verifier) of each {@code users} password instead of the
 * password, which is enough to check credentials, so a deserialized factory accepts the same users;
 * see {@link Secrets}.
 */
public class PubConnectionFactory
        implements ConnectionFactory, QueueConnectionFactory, TopicConnectionFactory, Serializable {
    private static final long serialVersionUID = 1L;

    private String url;
    private String clientId;
    /** Options set through the setters below; they win over the URL's. */
    private final java.util.Map<String, String> overrides = new java.util.LinkedHashMap<>();

    private transient Settings settings;
    private transient Clock clock;

    /** The configured store: PUB_STORE_URL, COUCHBASE_CONNECTION_STRING, else embedded:./pub-data. */
    public PubConnectionFactory() {
        this(Stores.configuredUrl(Settings.fromEnvironment()));
    }

    public PubConnectionFactory(String url) {
        this(url, Settings.fromEnvironment(), Clock.systemUTC());
    }

    /** With explicit settings and clock (tests inject a clock they advance and short leases). */
    public PubConnectionFactory(String url, Settings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        setUrl(url);
    }

    /** The factory URL: a store URL, optionally with provider options. */
    public synchronized void setUrl(String url) {
        checkStore(ProviderOptions.parse(url, settings()).storeUrl(), settings()); // fail fast on a bad URL
        this.url = url;
    }

    /**
     * A URL no store on the class path can open, or with options its store does not know, is refused
     * now, not at the first connection.
     */
    private static void checkStore(String storeUrl, Settings settings) {
        String scheme;
        java.net.URI uri;
        try {
            uri = new java.net.URI(storeUrl.trim());
            scheme = uri.getScheme();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("the connection factory URL is not a valid URL ('"
                    + Stores.redact(storeUrl) + "'): " + e.getReason());
        }
        if (scheme == null) {
            throw new IllegalArgumentException("the connection factory URL must start with a store scheme (embedded:,"
                    + " couchbase://, couchbases://, mem:), was '" + Stores.redact(storeUrl) + "'");
        }
        try {
            if (Stores.validate(uri, settings)) {
                return;
            }
        } catch (IllegalArgumentException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            if (m.startsWith(Stores.URL_SETTING + ": ")) {
                m = m.substring(Stores.URL_SETTING.length() + 2);
            }
            throw new IllegalArgumentException(
                    "the connection factory URL: " + m + " (the options of the JMS provider itself are "
                            + ProviderOptions.URL_OPTIONS + ")",
                    e);
        }
        throw new IllegalArgumentException("unknown store scheme '" + scheme + "' in the connection factory URL: "
                + "expected embedded:, couchbase://, couchbases:// or mem: (add the store's jar for its scheme)");
    }

    /**
     * The factory URL with its passwords masked ({@code users=alice:****}, {@code user:****@}): for
     * display and logs. Setting it back with {@link #setUrl} would set the masked text as passwords.
     */
    public synchronized String getUrl() {
        return Secrets.mask(url);
    }

    /** The client ID given to every connection (overrides a clientID in the URL). */
    public synchronized void setClientID(String clientId) {
        this.clientId = clientId;
    }

    /**
     * The identity of the methods without credentials ({@code createConnection()}, {@code createContext()},
     * ...): one of the configured users, whose password is taken from the users list.
     */
    public void setDefaultUser(String user) {
        option("defaultUser", user);
    }

    /** Deliveries before a message goes to the dead-letter queue; 0 = unlimited. */
    public void setMaxDeliveries(int maxDeliveries) {
        option("maxDeliveries", Integer.toString(maxDeliveries));
    }

    public void setDeadLetterQueue(String queue) {
        option("deadLetterQueue", queue);
    }

    /** Delay before a rolled back, recovered or failed message is delivered again, e.g. "500ms". */
    public void setRedeliveryDelay(String delay) {
        option("redeliveryDelay", delay);
    }

    /** Multiplier of the redelivery delay per further delivery (>= 1). */
    public void setRedeliveryBackoff(double backoff) {
        option("redeliveryBackoff", Double.toString(backoff));
    }

    /** Lease of a delivered message, e.g. "30s"; renewed while its consumer lives. */
    public void setLeaseDuration(String duration) {
        option("leaseDuration", duration);
    }

    /** Messages a consumer leases ahead (higher priority first among them). */
    public void setPrefetch(int prefetch) {
        option("prefetch", Integer.toString(prefetch));
    }

    /** Async sends of a session that may wait for their CompletionListener before the next one blocks. */
    public void setAsyncSendWindow(int sends) {
        option("asyncSendWindow", Integer.toString(sends));
    }

    /** The async send window in bytes, e.g. "8MiB" or "524288". */
    public void setAsyncSendWindowBytes(String bytes) {
        option("asyncSendWindowBytes", bytes);
    }

    /**
     * The longest a consumer goes without looking at a shard it keeps finding consumed, e.g. "250ms":
     * how late it may find a message another JVM wrote there (50ms to 10s).
     */
    public void setIdlePoll(String duration) {
        option("idlePoll", duration);
    }

    /** Sets a provider option by its URL name; checked at once. */
    public synchronized void option(String name, String value) {
        java.util.Map<String, String> next = new java.util.LinkedHashMap<>(overrides);
        next.put(name, value);
        ProviderOptions.parse(url, settings(), next);
        overrides.put(name, value);
    }

    public synchronized String getClientID() {
        return clientId != null ? clientId : options().clientId();
    }

    synchronized ProviderOptions options() {
        ProviderOptions o = ProviderOptions.parse(url, settings(), overrides);
        return clientId != null ? o.withClientId(clientId) : o;
    }

    private Settings settings() {
        if (settings == null) {
            settings = Settings.fromEnvironment(); // after deserialization
        }
        return settings;
    }

    private synchronized Clock clock() {
        if (clock == null) {
            clock = Clock.systemUTC();
        }
        return clock;
    }

    @Override
    public Connection createConnection() throws JMSException {
        return createConnection(null, null);
    }

    @Override
    public Connection createConnection(String userName, String password) throws JMSException {
        return open(userName, password);
    }

    PubConnection open(String userName, String password) throws JMSException {
        ProviderOptions o;
        try {
            o = options();
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e);
        }
        authenticate(o, userName, password);
        return new PubConnection(o, settings(), clock());
    }

    /**
     * Checks the credentials against the configured users. No user name means the default identity
     * (the specification's "default user identity" of the methods without credentials).
     */
    private static void authenticate(ProviderOptions o, String user, String password) throws JMSSecurityException {
        if (o.users().isEmpty()) {
            return;
        }
        if (user == null) {
            if (o.defaultUser() != null) {
                return; // the configured default identity, one of the users
            }
            throw new JMSSecurityException("this connection factory requires a user name and password, and has no"
                    + " default identity for calls without them: give credentials, or set defaultUser (URL option,"
                    + " PUB_DEFAULT_USER or setDefaultUser) to one of the users");
        }
        String expected = o.users().get(user);
        if (expected == null || !Secrets.matches(expected, password == null ? "" : password)) {
            throw new JMSSecurityException("user '" + user + "' is unknown or the password is wrong");
        }
    }

    @Override
    public QueueConnection createQueueConnection() throws JMSException {
        return open(null, null);
    }

    @Override
    public QueueConnection createQueueConnection(String userName, String password) throws JMSException {
        return open(userName, password);
    }

    @Override
    public TopicConnection createTopicConnection() throws JMSException {
        return open(null, null);
    }

    @Override
    public TopicConnection createTopicConnection(String userName, String password) throws JMSException {
        return open(userName, password);
    }

    @Override
    public JMSContext createContext() {
        return createContext(null, null, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(String userName, String password) {
        return createContext(userName, password, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        return createContext(null, null, sessionMode);
    }

    @Override
    public JMSContext createContext(String userName, String password, int sessionMode) {
        if (!PubSession.validMode(sessionMode)) {
            throw badMode(sessionMode);
        }
        PubConnection connection;
        try {
            connection = open(userName, password);
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
        try {
            return new PubJMSContext(connection, sessionMode);
        } catch (RuntimeException e) {
            try {
                connection.close();
            } catch (JMSException ignored) {
                // the context failed to open; its error is the one that matters
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return "PubConnectionFactory[" + getUrl() + "]";
    }

    /** The serialized form: the users option's passwords replaced by their verifiers ({@link Secrets}). */
    private synchronized void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        java.util.Map<String, String> safe = new java.util.LinkedHashMap<>(overrides);
        safe.computeIfPresent("users", (k, v) -> Secrets.mapPasswords(v, Secrets::verifier));
        java.io.ObjectOutputStream.PutField fields = out.putFields();
        fields.put("url", Secrets.withVerifiers(url));
        fields.put("clientId", clientId);
        fields.put("overrides", safe);
        out.writeFields();
    }

    /** Thrown through JMSContext creation when the session mode is not one JMS defines. */
    static JMSRuntimeException badMode(int mode) {
        return new JMSRuntimeException("sessionMode must be AUTO_ACKNOWLEDGE (1), CLIENT_ACKNOWLEDGE (2), "
                + "DUPS_OK_ACKNOWLEDGE (3) or SESSION_TRANSACTED (0), was " + mode);
    }
}
