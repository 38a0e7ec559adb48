/**
 * Pub's Jakarta Messaging 3.1 provider.
 *
 * <p>Start from {@link io.pub.jms.PubConnectionFactory} (or JNDI through
 * {@link io.pub.jms.PubInitialContextFactory}). A factory URL names the store and may carry the
 * provider's options ({@code clientID}, {@code users}, {@code defaultUser}, {@code maxDeliveries}, {@code deadLetterQueue},
 * {@code redeliveryDelay}, {@code redeliveryBackoff}, {@code redeliveryMaxDelay}, {@code leaseDuration},
 * {@code prefetch}, {@code heartbeat}, {@code asyncSendWindow}, {@code asyncSendWindowBytes}); each also has a
 * PUB_ setting, and the common ones a factory setter. A store option the store does not know fails
 * when the factory is made.
 *
 * <p>Choices where the specification leaves room, and what the store model implies:
 * <ul>
 *   <li>NON_PERSISTENT messages are stored as durably as PERSISTENT ones; JMSDeliveryMode still reads
 *       NON_PERSISTENT on receipt.
 *   <li>Order: a session's messages to a destination arrive in the order sent (one shard per session
 *       and destination; a message a JMSXGroupID moved to another shard names its predecessor's shard
 *       so the consumer fetches that first). Messages of different sessions have no common order.
 *   <li>Priority is best effort: a consumer hands out the highest priority among the messages it
 *       holds (up to {@code prefetch}, 64 by default).
 *   <li>Leases are taken for what a consumer holds ahead ({@code prefetch}). Messages held but never
 *       handed out go, when the consumer closes, to the subscription's other consumers in the same
 *       JVM; if there are none (and at recover and rollback) they are given back to the store
 *       uncounted. Either way their next receiver sees them as first deliveries.
 *   <li>A MessageListener that throws, a RuntimeException or an Error (an AssertionError, even an
 *       OutOfMemoryError), is logged and treated as the RuntimeException the specification calls a
 *       programming error: the session's delivery thread goes on. A CompletionListener that throws is
 *       logged (WARN, with the message id and destination) and ignored.
 *   <li>Async sends are flow controlled: once {@code asyncSendWindow} sends (4096) or
 *       {@code asyncSendWindowBytes} (8 MiB) of a session wait for their CompletionListener, the next
 *       send blocks until one completes. Every async send is answered, onException included when the
 *       session's sender thread fails, so close never waits for ever.
 *   <li>A connection whose heartbeat lapsed while it lived is told through its ExceptionListener
 *       (error code PUB-HEARTBEAT-LAPSED) and closes itself if another JVM reaped what it owned
 *       meanwhile (see {@link io.pub.jms.PubConnection}).
 *   <li>A message body is at most 16 MiB; a larger one is refused with MessageFormatException.
 *   <li>Rollback, recover and a MessageListener's RuntimeException (AUTO, DUPS_OK) give messages back
 *       after {@code redeliveryDelay} x {@code redeliveryBackoff}^(deliveries-1) (default: at once);
 *       after {@code maxDeliveries} (default 10) a message moves to {@code deadLetterQueue} (default
 *       DLQ) with PubOriginalDestination, PubOriginalSubscription and PubDeliveryCount properties.
 *   <li>A transaction's sends are written at commit, one batch per destination run; a store failure in
 *       the middle of commit may leave part of them stored (at least once, not atomic), and is reported
 *       as TransactionRolledBackException. A CompletionListener of a send in a transaction is called when
 *       the send joins the transaction (onException if it is rolled back).
 *   <li>Selectors can name JMSDeliveryMode, JMSPriority, JMSMessageID, JMSTimestamp, JMSCorrelationID,
 *       JMSType and properties, but not JMSXDeliveryCount (selectors are evaluated before a lease exists).
 *   <li>Shared subscriptions count their consumers in all JVMs with claims in 64 slots: at most 64
 *       consumers at once per shared subscription.
 *   <li>Authentication: with users configured ({@code users=} or PUB_USERS) every connection must give
 *       one of them; without, anyone may connect. The methods without credentials
 *       ({@code createConnection()}, {@code createContext()}, their queue and topic variants) use the
 *       default user identity, {@code defaultUser} (PUB_DEFAULT_USER), which must be one of the users;
 *       with users and no default identity they throw JMSSecurityException. It is the same for every
 *       store; the store's own credentials (e.g. COUCHBASE_USERNAME) are never exposed to clients.
 *       Passwords never show in toString, getUrl or messages; a serialized factory holds salted
 *       hashes of the users' passwords, not the passwords.
 *   <li>Shared subscription names, durable and non-durable, are scoped by client identifier, not by
 *       topic, in all JVMs: opening a name that exists for another topic or selector fails while that
 *       subscription has an active consumer, and replaces it otherwise.
 *   <li>Connection consumers, Session.run and a non-null Session.setMessageListener
 *       (application-server facilities) are not supported: they throw JMSException (run,
 *       UnsupportedOperationException). {@code Session.setMessageListener(null)}, which connection
 *       pools call on every session they take back, is accepted.
 *   <li>Setting an ExceptionListener, or reading it or the metadata, does not count as using a
 *       connection: the client ID can still be set after it (pools set their own ExceptionListener
 *       first).
 *   <li>A CompletionListener may call stop() on its own connection or JMSContext; stop then does not
 *       wait for that listener.
 *   <li>XA ({@link io.pub.jms.PubXAConnectionFactory}): prepare writes the branch to the store, where
 *       any JVM on that store can commit it, roll it back or list it with {@code recover}; the
 *       messages it received are held (their leases never lapse) until then, and rollback redelivers
 *       them. No heuristic decisions: a prepared branch waits for its outcome for ever. Outside a
 *       branch an XASession sends at once and acknowledges as AUTO_ACKNOWLEDGE.
 * </ul>
 */
package io.pub.jms;
