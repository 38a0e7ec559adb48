package io.pub.embedded;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM's main, for {@link EmbeddedStoreInIsolatedLoaderTest}: runs {@link IsolatedLoaderStore}
 * with the store's and RocksDB's classes in a class loader of their own, as an application server or
 * a Spring Boot jar loads them, while the JVM's system class loader holds none of them. It names no
 * class of the store, so the system class loader never looks for one. Arguments: the store
 * directory, then the class path to load the store from.
 */
public final class IsolatedLoaderLauncher {
    private static final String STORE = "io.pub.embedded.IsolatedLoaderStore";

    private IsolatedLoaderLauncher() {}

    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : args[1].split(File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        try (URLClassLoader loader =
                new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Thread.currentThread().setContextClassLoader(loader);
            Class<?> inside = loader.loadClass(STORE);
            if (inside.getClassLoader() != loader
                    || ClassLoader.getSystemClassLoader().getResource("org/rocksdb/RocksDB.class") != null) {
                throw new IllegalStateException("the store is not isolated from the system class loader");
            }
            inside.getDeclaredMethod("run", String.class).invoke(null, args[0]);
        }
    }
}
