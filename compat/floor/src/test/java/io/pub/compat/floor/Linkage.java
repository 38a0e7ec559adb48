package io.pub.compat.floor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Checks that every class, method and field Pub's classes refer to in other libraries exists in the
 * versions on this class path: what a NoSuchMethodError or NoClassDefFoundError would reveal at run
 * time, found for every code path at once (like Google's Linkage Checker, for Pub's own classes only).
 */
final class Linkage {
    private final ClassLoader loader;

    Linkage(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * Every reference from the classes in {@code jarOrDirectory} that does not link, among those that
     * {@code checked} selects (given the referring class and the class referred to, internal names).
     */
    Set<String> unresolved(Path jarOrDirectory, BiPredicate<String, String> checked) {
        Set<String> problems = new TreeSet<>();
        for (ClassReferences refs : read(jarOrDirectory)) {
            for (String c : refs.classes()) {
                if (checked.test(refs.className(), c) && !c.startsWith("[") && load(c) == null) {
                    problems.add(refs.className() + " -> class " + c.replace('/', '.'));
                }
            }
            for (ClassReferences.Member m : refs.members()) {
                if (checked.test(refs.className(), m.owner()) && !m.owner().startsWith("[") && !resolves(m)) {
                    problems.add(refs.className() + " -> " + m);
                }
            }
        }
        return problems;
    }

    private Class<?> load(String internalName) {
        try {
            return Class.forName(internalName.replace('/', '.'), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** Whether method {@code name} with JVM {@code descriptor} of class {@code owner} (internal name) links. */
    boolean resolves(String owner, String name, String descriptor) {
        return resolves(new ClassReferences.Member(owner, name, descriptor, true));
    }

    /** As the JVM resolves it: the class, its superclasses, then its interfaces. */
    private boolean resolves(ClassReferences.Member m) {
        Class<?> owner = load(m.owner());
        if (owner == null) {
            return false;
        }
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(owner));
        Set<Class<?>> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (!seen.add(c)) {
                continue;
            }
            if (m.method() ? declaresMethod(c, m) : declaresField(c, m)) {
                return true;
            }
            if (c.getSuperclass() != null) {
                todo.add(c.getSuperclass());
            }
            todo.addAll(List.of(c.getInterfaces()));
        }
        return false;
    }

    private static boolean declaresMethod(Class<?> c, ClassReferences.Member m) {
        if (m.name().equals("<init>")) {
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (descriptor(k, "V").equals(m.descriptor())) {
                    return true;
                }
            }
            return false;
        }
        for (Method method : c.getDeclaredMethods()) {
            if (method.getName().equals(m.name())
                    && descriptor(method, descriptor(method.getReturnType())).equals(m.descriptor())) {
                return true;
            }
        }
        return false;
    }

    private static boolean declaresField(Class<?> c, ClassReferences.Member m) {
        for (Field f : c.getDeclaredFields()) {
            if (f.getName().equals(m.name()) && descriptor(f.getType()).equals(m.descriptor())) {
                return true;
            }
        }
        return false;
    }

    private static String descriptor(Executable e, String returns) {
        StringBuilder b = new StringBuilder("(");
        for (Class<?> p : e.getParameterTypes()) {
            b.append(descriptor(p));
        }
        return b.append(')').append(returns).toString();
    }

    private static String descriptor(Class<?> c) {
        if (c.isArray()) {
            return c.getName().replace('.', '/');
        }
        if (c.isPrimitive()) {
            return switch (c.getName()) {
                case "void" -> "V";
                case "boolean" -> "Z";
                case "byte" -> "B";
                case "char" -> "C";
                case "short" -> "S";
                case "int" -> "I";
                case "long" -> "J";
                case "float" -> "F";
                case "double" -> "D";
                default -> throw new IllegalArgumentException(c.getName());
            };
        }
        return "L" + c.getName().replace('.', '/') + ";";
    }

    private static List<ClassReferences> read(Path jarOrDirectory) {
        try {
            if (Files.isDirectory(jarOrDirectory)) {
                try (Stream<Path> files = Files.walk(jarOrDirectory)) {
                    return files.filter(Linkage::isClass).map(Linkage::readFile).toList();
                }
            }
            try (JarFile jar = new JarFile(jarOrDirectory.toFile())) {
                return jar.stream()
                        .filter(e -> isClass(Path.of(e.getName())))
                        .map(e -> readEntry(jar, e))
                        .toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isClass(Path p) {
        String name = p.getFileName().toString();
        // module descriptors and the versioned entries of multi-release jars are not linked on Java 17
        return name.endsWith(".class")
                && !name.equals("module-info.class")
                && !p.toString().contains("META-INF");
    }

    private static ClassReferences readFile(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            return ClassReferences.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ClassReferences readEntry(JarFile jar, JarEntry e) {
        try (InputStream in = jar.getInputStream(e)) {
            return ClassReferences.read(in);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
