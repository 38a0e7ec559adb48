package io.pub.jms.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.jms.PubQueue;
import io.pub.jms.PubTopic;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSPasswordCredential;
import jakarta.jms.JMSSessionMode;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Injection of Pub's JMS resources under Weld SE, their scopes, and configuration errors at start. */
@Timeout(60)
class PubJmsExtensionTest {
    private static final long WAIT = 5_000;
    private static final String[] KEYS = {
        "pub.connectionFactory.default.url",
        "pub.connectionFactory.orders.url",
        "pub.connectionFactory.orders.clientId",
        "pub.topic.events",
        "pub.queue.audit",
        "pub.connectionFactory.broken.url",
        "pub.connectionFactory.secure.url"
    };

    @TempDir
    static Path dir;

    private WeldContainer container;

    @BeforeAll
    static void configure() {
        String url = "embedded:" + dir.resolve("store");
        System.setProperty("pub.connectionFactory.default.url", url);
        System.setProperty("pub.connectionFactory.orders.url", url);
        System.setProperty("pub.connectionFactory.orders.clientId", "orders-app");
        System.setProperty("pub.topic.events", "events-physical");
        System.setProperty("pub.queue.audit", "audit-physical");
        System.setProperty("pub.connectionFactory.secure.url", url + "?users=alice:secret");
    }

    @AfterAll
    static void unconfigure() {
        for (String k : KEYS) {
            System.clearProperty(k);
        }
    }

    @AfterEach
    void shutDown() {
        if (container != null && container.isRunning()) {
            container.shutdown();
        }
        assertThat(ContextPool.OPEN_CONTEXTS.get())
                .as("injected contexts left open")
                .isZero();
        assertThat(ContextPool.OPEN_CONNECTIONS.get())
                .as("connections left open")
                .isZero();
    }

    private WeldContainer start(Class<?>... beans) {
        Weld weld = new Weld(UUID.randomUUID().toString()).disableDiscovery().addBeanClasses(beans);
        // What bean discovery does with Pub's jar on the class path, without scanning the test classes.
        ServiceLoader.load(Extension.class).forEach(weld::addExtension);
        container = weld.initialize();
        return container;
    }

    @Singleton // not a client proxy, so the test can read its fields
    static class Everything {
        @Inject
        ConnectionFactory defaultFactory;

        @Inject
        @JMSConnectionFactory("orders")
        ConnectionFactory ordersFactory;

        @Inject
        JMSContext context;

        @Inject
        @JMSConnectionFactory("orders")
        @JMSSessionMode(JMSContext.CLIENT_ACKNOWLEDGE)
        JMSContext ordersContext;

        @Inject
        @JmsDestination("orders")
        Queue orders;

        @Inject
        @JmsDestination("events")
        Topic events;

        @Inject
        @JmsDestination("audit")
        Destination audit;
    }

    @Test
    void theExtensionIsFoundThroughServiceLoader() {
        assertThat(ServiceLoader.load(Extension.class)).anyMatch(e -> e instanceof PubJmsExtension);
    }

    @Test
    void injectsFactoriesContextsAndDestinations() throws Exception {
        Everything e = start(Everything.class).select(Everything.class).get();

        assertThat(e.orders).isEqualTo(new PubQueue("orders"));
        assertThat(e.events).isEqualTo(new PubTopic("events-physical"));
        assertThat(e.audit).isEqualTo(new PubQueue("audit-physical"));
        assertThat(e.ordersFactory).isNotSameAs(e.defaultFactory);
        try (JMSContext own = e.defaultFactory.createContext()) {
            assertThat(own.getClientID()).isNull();
        }

        assertThat(e.context.getSessionMode()).isEqualTo(JMSContext.AUTO_ACKNOWLEDGE);
        assertThat(e.ordersContext.getSessionMode()).isEqualTo(JMSContext.CLIENT_ACKNOWLEDGE);
        assertThat(e.ordersContext.getClientID()).isEqualTo("orders-app");

        Queue q = e.context.createQueue("cdi-" + UUID.randomUUID().toString().substring(0, 8));
        JMSConsumer consumer = e.ordersContext.createConsumer(q);
        e.context.createProducer().send(q, "injected");
        var m = consumer.receive(WAIT);
        assertThat(m.getBody(String.class)).isEqualTo("injected");
        m.acknowledge(); // acknowledge() on the injected context is forbidden; the message's is not
        consumer.close();
    }

    @Test
    void methodsTheSpecificationForbidsOnAnInjectedContextThrow() {
        Everything e = start(Everything.class).select(Everything.class).get();
        JMSContext c = e.context;
        assertThatThrownBy(c::close).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(c::commit).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(c::rollback).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(c::recover).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(c::acknowledge).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(c::stop).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(c::start).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(() -> c.setClientID("x")).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(() -> c.setAutoStart(false)).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(() -> c.setExceptionListener(null)).isInstanceOf(IllegalStateRuntimeException.class);
        // An application-managed context on the same connection is allowed, and the application closes it.
        try (JMSContext own = c.createContext(JMSContext.SESSION_TRANSACTED)) {
            assertThat(own.getTransacted()).isTrue();
        }
    }

    @Singleton // not a client proxy, so the test can read its fields
    static class Shared {
        @Inject
        JMSContext context;
    }

    @Test
    void twoThreadsUsingOneInjectedContextGetTwoSessions() throws Exception {
        Shared shared = start(Shared.class).select(Shared.class).get();
        InjectedJMSContext injected = (InjectedJMSContext) shared.context;
        CyclicBarrier bothInside = new CyclicBarrier(2);
        List<CompletableFuture<JMSContext>> used = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            used.add(CompletableFuture.supplyAsync(() -> {
                injected.createProducer(); // opens this thread's context
                await(bothInside); // both threads hold their context at once
                return injected.delegate();
            }));
        }
        JMSContext first = used.get(0).get(10, TimeUnit.SECONDS);
        JMSContext second = used.get(1).get(10, TimeUnit.SECONDS);
        assertThat(first).isNotSameAs(second);
        assertThat(ContextPool.OPEN_CONTEXTS.get()).isEqualTo(2);
        assertThat(ContextPool.OPEN_CONNECTIONS.get())
                .as("contexts share the connection")
                .isEqualTo(1);
    }

    @Dependent
    static class RequestUser {
        @Inject
        JMSContext a;

        @Inject
        JMSContext b;

        @Inject
        @JMSSessionMode(JMSContext.DUPS_OK_ACKNOWLEDGE)
        JMSContext other;
    }

    @Test
    void inARequestInjectionPointsShareTheRequestsContextWhichClosesWithIt() throws Exception {
        WeldContainer weld = start(RequestUser.class);
        RequestUser user = weld.select(RequestUser.class).get();
        RequestContextController request =
                weld.select(RequestContextController.class).get();

        request.activate();
        JMSContext inRequest = ((InjectedJMSContext) user.a).delegate();
        assertThat(((InjectedJMSContext) user.b).delegate()).isSameAs(inRequest);
        assertThat(((InjectedJMSContext) user.other).delegate()).isNotSameAs(inRequest);
        assertThat(user.other.getSessionMode()).isEqualTo(JMSContext.DUPS_OK_ACKNOWLEDGE);
        assertThat(ContextPool.OPEN_CONTEXTS.get()).isEqualTo(2);
        // Another thread with its own request gets its own context.
        JMSContext elsewhere = CompletableFuture.supplyAsync(() -> {
                    RequestContextController r =
                            weld.select(RequestContextController.class).get();
                    r.activate();
                    try {
                        JMSContext c = ((InjectedJMSContext) user.a).delegate();
                        assertThat(ContextPool.OPEN_CONTEXTS.get()).isEqualTo(3);
                        return c;
                    } finally {
                        r.deactivate();
                    }
                })
                .get(10, TimeUnit.SECONDS);
        assertThat(elsewhere).isNotSameAs(inRequest);
        assertThat(ContextPool.OPEN_CONTEXTS.get()).isEqualTo(2);
        request.deactivate();
        assertThat(ContextPool.OPEN_CONTEXTS.get()).isZero();
        assertThatThrownBy(() -> inRequest.createProducer()).isInstanceOf(IllegalStateRuntimeException.class);
    }

    @Test
    void outsideARequestTheContextClosesWithItsBean() {
        WeldContainer weld = start(RequestUser.class);
        Instance<RequestUser> users = weld.select(RequestUser.class);
        RequestUser user = users.get();
        user.a.createProducer();
        user.b.createProducer();
        assertThat(ContextPool.OPEN_CONTEXTS.get())
                .as("one per injection point")
                .isEqualTo(2);
        users.destroy(user);
        assertThat(ContextPool.OPEN_CONTEXTS.get()).isZero();
        assertThatThrownBy(() -> user.a.createProducer()).isInstanceOf(IllegalStateRuntimeException.class);
        assertThat(ContextPool.OPEN_CONNECTIONS.get())
                .as("the connection lives until shutdown")
                .isEqualTo(1);
        weld.shutdown();
        assertThat(ContextPool.OPEN_CONNECTIONS.get()).isZero();
    }

    @Test
    void contextsOfApplicationScopedBeansCloseAtShutdown() {
        Shared shared = start(Shared.class).select(Shared.class).get();
        shared.context.createProducer();
        assertThat(ContextPool.OPEN_CONTEXTS.get()).isEqualTo(1);
        container.shutdown();
        assertThat(ContextPool.OPEN_CONTEXTS.get()).isZero();
        assertThat(ContextPool.OPEN_CONNECTIONS.get()).isZero();
    }

    @Dependent
    static class Credentials {
        @Inject
        @JMSConnectionFactory("secure")
        @JMSPasswordCredential(userName = "alice", password = "secret")
        JMSContext context;

        @Inject
        @JmsDestination("fromFile")
        Destination fromFile;
    }

    @Dependent
    static class WrongPassword {
        @Inject
        @JMSConnectionFactory("secure")
        @JMSPasswordCredential(userName = "alice", password = "guess")
        JMSContext context;
    }

    @Test
    void credentialsAndConfigurationFromMicroProfileConfigFile() {
        Credentials c = start(Credentials.class).select(Credentials.class).get();
        assertThat(c.fromFile).isEqualTo(new PubQueue("queue-from-file"));
        Queue q = c.context.createQueue("secure-" + UUID.randomUUID().toString().substring(0, 8));
        c.context.createProducer().send(q, "authenticated");
        assertThat(c.context.createConsumer(q).receiveBody(String.class, WAIT)).isEqualTo("authenticated");
        container.shutdown();

        assertThatThrownBy(() -> start(WrongPassword.class))
                .hasMessageContaining("secure")
                .hasMessageContaining(WrongPassword.class.getName());
    }

    @Dependent
    static class UnknownFactory {
        @Inject
        @JMSConnectionFactory("nosuchfactory")
        JMSContext context;
    }

    @Dependent
    static class BrokenFactory {
        @Inject
        @JMSConnectionFactory("broken")
        ConnectionFactory factory;
    }

    @Dependent
    static class BadMode {
        @Inject
        @JMSSessionMode(42)
        JMSContext context;
    }

    @Dependent
    static class TransactedInjection {
        @Inject
        @JMSSessionMode(JMSContext.SESSION_TRANSACTED)
        JMSContext context;
    }

    @Dependent
    static class UnconfiguredDestination {
        @Inject
        @JmsDestination("nowhere")
        Destination destination;
    }

    @Test
    void badConfigurationFailsAtStartNamingIt() {
        assertThatThrownBy(() -> start(UnknownFactory.class))
                .hasMessageContaining("nosuchfactory")
                .hasMessageContaining("pub.connectionFactory.nosuchfactory.url")
                .hasMessageContaining(UnknownFactory.class.getName());
        System.setProperty("pub.connectionFactory.broken.url", "nosuchscheme:somewhere");
        assertThatThrownBy(() -> start(BrokenFactory.class))
                .hasMessageContaining("broken")
                .hasMessageContaining("nosuchscheme");
        assertThatThrownBy(() -> start(BadMode.class)).hasMessageContaining("42");
        assertThatThrownBy(() -> start(TransactedInjection.class))
                .hasMessageContaining("SESSION_TRANSACTED")
                .hasMessageContaining(TransactedInjection.class.getName());
        assertThatThrownBy(() -> start(UnconfiguredDestination.class))
                .hasMessageContaining("nowhere")
                .hasMessageContaining("pub.queue.nowhere");
    }

    /** Stands for a Jakarta EE platform's own JMSContext bean (Payara's InjectableJMSContext, say). */
    @Dependent
    static class PlatformContexts {
        static final JMSContext PLATFORM = (JMSContext) java.lang.reflect.Proxy.newProxyInstance(
                JMSContext.class.getClassLoader(), new Class<?>[] {JMSContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("toString")) {
                        return "platform JMSContext";
                    }
                    throw new UnsupportedOperationException(method.getName());
                });

        @jakarta.enterprise.inject.Produces
        JMSContext context() {
            return PLATFORM;
        }
    }

    @Singleton
    static class PlatformUser {
        @Inject
        JMSContext context;

        @Inject
        @JMSConnectionFactory("java:app/jms/SomePlatformFactory") // a platform name Pub does not know
        JMSContext named;

        @Inject
        ConnectionFactory pubFactory;
    }

    @Test
    void inAContainerThatProvidesJMSContextPubStepsAside() throws Exception {
        PlatformUser user = start(PlatformContexts.class, PlatformUser.class)
                .select(PlatformUser.class)
                .get();
        assertThat(user.context).isSameAs(PlatformContexts.PLATFORM);
        assertThat(user.named).isSameAs(PlatformContexts.PLATFORM);
        try (JMSContext own = user.pubFactory.createContext()) { // Pub's factory bean is still there
            assertThat(own.getSessionMode()).isEqualTo(JMSContext.AUTO_ACKNOWLEDGE);
        }
    }

    @Test
    void theContextBeanIsSelectedExplicitly() {
        System.setProperty(PubJmsExtension.CONTEXT_SETTING, "enabled");
        try {
            // both beans: the ambiguity the platform would report is the application's to resolve
            assertThatThrownBy(() -> start(PlatformContexts.class, Shared.class))
                    .hasMessageContaining("JMSContext");
            System.setProperty(PubJmsExtension.CONTEXT_SETTING, "disabled");
            assertThatThrownBy(() -> start(Shared.class)).hasMessageContaining("JMSContext");
            System.setProperty(PubJmsExtension.CONTEXT_SETTING, "sometimes");
            assertThatThrownBy(() -> start(Shared.class))
                    .hasMessageContaining(PubJmsExtension.CONTEXT_SETTING)
                    .hasMessageContaining("auto, enabled or disabled");
        } finally {
            System.clearProperty(PubJmsExtension.CONTEXT_SETTING);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
