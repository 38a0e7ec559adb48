package io.pub.jms;

import io.pub.Settings;
import io.pub.Stores;
import io.pub.spi.Controller;
import io.pub.spi.ControllerProvider;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A store that fails on demand: {@code faulty:<name>} is the in-memory store {@code mem:<name>}
 * whose operations throw what a test set with {@link #fail} or {@link #failAfter} (by Controller
 * method name) until {@link #heal}. For the close, cleanup and sender paths that only a failing store reaches.
 */
public final class FaultyStore implements ControllerProvider {
    private static final Map<String, Supplier<? extends Throwable>> FAULTS = new ConcurrentHashMap<>();
    private static final Map<String, Supplier<? extends Throwable>> FAULTS_AFTER = new ConcurrentHashMap<>();
    private static final Map<String, Runnable> BEFORE = new ConcurrentHashMap<>();

    /** Makes every call of {@code method} on store {@code name} throw what {@code fault} gives. */
    static void fail(String name, String method, Supplier<? extends Throwable> fault) {
        FAULTS.put(name + "/" + method, fault);
    }

    /**
     * Makes every call of {@code method} on store {@code name} take effect and then throw what
     * {@code fault} gives, as a store whose reply was lost after it applied the call.
     */
    static void failAfter(String name, String method, Supplier<? extends Throwable> fault) {
        FAULTS_AFTER.put(name + "/" + method, fault);
    }

    /** Runs {@code hook} before every call of {@code method} on store {@code name} (e.g. a pause). */
    static void before(String name, String method, Runnable hook) {
        BEFORE.put(name + "/" + method, hook);
    }

    static void heal(String name) {
        BEFORE.keySet().removeIf(k -> k.startsWith(name + "/"));
        FAULTS_AFTER.keySet().removeIf(k -> k.startsWith(name + "/"));
        FAULTS.keySet().removeIf(k -> k.startsWith(name + "/"));
    }

    @Override
    public boolean supports(String scheme) {
        return "faulty".equals(scheme);
    }

    @Override
    public Controller open(URI url, Settings settings, Clock clock) {
        String name = url.getSchemeSpecificPart();
        Controller memory = Stores.open("mem:" + name, settings, clock);
        return (Controller) Proxy.newProxyInstance(
                Controller.class.getClassLoader(), new Class<?>[] {Controller.class}, (proxy, method, args) -> {
                    // an acknowledgement is one operation, whether or not it waits for its fsync
                    String op = method.getName().equals("markDoneLazily") ? "markDone" : method.getName();
                    Runnable hook = BEFORE.get(name + "/" + op);
                    if (hook != null) {
                        hook.run();
                    }
                    Supplier<? extends Throwable> fault = FAULTS.get(name + "/" + op);
                    if (fault != null) {
                        throw fault.get();
                    }
                    Object result;
                    try {
                        result = method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    Supplier<? extends Throwable> after = FAULTS_AFTER.get(name + "/" + op);
                    if (after != null) {
                        throw after.get();
                    }
                    return result;
                });
    }
}
