/**
 * Observability for Pub applications: {@link io.pub.samples.observability.Observability} wires a
 * Prometheus registry (served by {@link io.pub.samples.observability.MetricsServer} at
 * {@code :METRICS_PORT/metrics}), an OpenTelemetry SDK (OTLP/HTTP to JAEGER_ENDPOINT) and a flight
 * recording, and hands the registry and SDK to {@code Pub.builder()}.
 *
 * <h2>Metrics (as Prometheus renders them)</h2>
 *
 * <table>
 * <tr><th>series</th><th>type</th><th>tags</th><th>meaning</th></tr>
 * <tr><td>pub_published_total</td><td>counter</td><td>topic</td><td>messages stored by producers</td></tr>
 * <tr><td>pub_publish_errors_total</td><td>counter</td><td>topic</td><td>publishes that failed (0 from the first publish)</td></tr>
 * <tr><td>pub_publish_batch_size_{count,sum,max}</td><td>summary</td><td>topic</td><td>messages per stored batch</td></tr>
 * <tr><td>pub_publish_latency_seconds_{count,sum,max,bucket}</td><td>timer</td><td>topic</td><td>time to store a batch durably</td></tr>
 * <tr><td>pub_delivered_total</td><td>counter</td><td>topic, subscription</td><td>deliveries under a lease</td></tr>
 * <tr><td>pub_acked_total</td><td>counter</td><td>topic, subscription</td><td>messages acknowledged</td></tr>
 * <tr><td>pub_redelivered_total</td><td>counter</td><td>topic, subscription</td><td>deliveries after a lease expired or was released</td></tr>
 * <tr><td>pub_dead_lettered_total</td><td>counter</td><td>topic, subscription</td><td>messages moved to the dead-letter queue</td></tr>
 * <tr><td>pub_expired_total</td><td>counter</td><td>topic, subscription</td><td>messages found expired and skipped</td></tr>
 * <tr><td>pub_processing_seconds_{count,sum,max,bucket}</td><td>timer</td><td>topic, subscription, outcome</td><td>handler time per delivery (native Consumer)</td></tr>
 * <tr><td>pub_consumer_lag</td><td>gauge</td><td>topic, subscription, shard</td><td>head minus committed offset; refreshed at each poll and every 5 s</td></tr>
 * <tr><td>pub_leases_live</td><td>gauge</td><td>topic, subscription</td><td>leases held by this JVM's consumers</td></tr>
 * <tr><td>pub_store_op_seconds_{count,sum,max,bucket}</td><td>timer</td><td>op, store</td><td>latency of each store operation</td></tr>
 * <tr><td>jvm_memory_*, jvm_gc_*, jvm_threads_*, system_cpu_*, process_cpu_usage, process_uptime_seconds, ...</td><td></td><td></td><td>JVM and process binders</td></tr>
 * </table>
 *
 * <p>Every series also carries {@code application} (TRACING_SERVICE_NAME).
 *
 * <h2>Traces</h2>
 *
 * <p>"publish &lt;topic&gt;" (PRODUCER, per batch), "receive &lt;topic&gt;" (CONSUMER, per poll,
 * linked to the publish spans of what it got), "process &lt;topic&gt;" (CONSUMER, per delivery, child
 * of its publish span through the {@code traceparent}/{@code tracestate} message headers), and
 * "pub.store &lt;op&gt;" (CLIENT) children for the store calls of publishes and polls. Attributes:
 * messaging.system=pub, messaging.destination.name, messaging.operation, messaging.message.id,
 * messaging.consumer.group.name (subscription), messaging.destination.partition.id (shard).
 */
package io.pub.samples.observability;
