package io.pub.samples.e2e;

import io.pub.Message;
import io.pub.Settings;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.ControllerProvider;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Clock;
import java.util.List;

/**
 * A store that loses data: {@code lossy:<N>:<name>} is the in-memory store {@code mem:<name>}
 * except that every e2e event whose id ends in {@code -k} with k % N == 0 (the JMS eventId property,
 * else the message id) is acknowledged to the producer but never written, so the e2e job has real
 * losses to find.
 */
public final class LossyStoreProvider implements ControllerProvider {
    @Override
    public boolean supports(String scheme) {
        return "lossy".equals(scheme);
    }

    @Override
    public Controller open(URI url, Settings settings, Clock clock) {
        String[] parts = url.getSchemeSpecificPart().split(":", 2);
        int every = Integer.parseInt(parts[0]);
        Controller memory = Stores.open("mem:" + parts[1], settings, clock);
        return (Controller) Proxy.newProxyInstance(
                Controller.class.getClassLoader(), new Class<?>[] {Controller.class}, (proxy, method, args) -> {
                    if (method.getName().equals("append")) {
                        TopicShard shard = (TopicShard) args[0];
                        @SuppressWarnings("unchecked")
                        List<Message> messages = (List<Message>) args[1];
                        long first = memory.reserve(shard, messages.size());
                        for (int i = 0; i < messages.size(); i++) {
                            if (!dropped(messages.get(i), every)) {
                                memory.insert(shard, first + i, List.of(messages.get(i)));
                            }
                        }
                        return first;
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static boolean dropped(Message m, int every) {
        String id =
                m.properties().containsKey("eventId") ? (String) m.properties().get("eventId") : m.id();
        if (id == null || !id.contains("-")) {
            return false;
        }
        return Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)) % every == 0;
    }
}
