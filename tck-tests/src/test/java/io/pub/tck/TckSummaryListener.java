package io.pub.tck;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints, at the end of the run, passed / failed / skipped per target and per chapter (test class), one
 * total line per target and the failed tests; also writes it to target/tck-summary.txt. Registered through
 * META-INF/services so that it runs under surefire and under any other JUnit Platform launcher.
 */
public final class TckSummaryListener implements TestExecutionListener {
    private static final String PACKAGE_PREFIX = ":" + TckSummaryListener.class.getPackageName() + ".";

    private TestPlan plan;
    /** target -> chapter -> {passed, failed, skipped} */
    private final Map<String, Map<String, int[]>> counts = new LinkedHashMap<>();

    public TckSummaryListener() {
        // rows in the order of the Target enum, not alphabetically
        for (Target t : Target.values()) {
            counts.put(t.toString(), new TreeMap<>());
        }
    }

    private final List<String> failures = new ArrayList<>();

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (id.isTest()) {
            count(id, 2);
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (!id.isTest() && result.getStatus() != TestExecutionResult.Status.FAILED) {
            return;
        }
        if (!id.getUniqueId().contains(PACKAGE_PREFIX)) {
            return;
        }
        switch (result.getStatus()) {
            case SUCCESSFUL -> count(id, 0);
            case ABORTED -> count(id, 2);
            case FAILED -> {
                if (id.isTest()) {
                    count(id, 1);
                }
                String why = result.getThrowable()
                        .map(t -> t.getClass().getSimpleName() + ": " + firstLine(t.getMessage()))
                        .orElse("");
                failures.add(targetOf(id) + "  " + chapterOf(id) + "." + nameOf(id) + "  " + why);
            }
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        counts.values().removeIf(Map::isEmpty);
        if (counts.isEmpty() && failures.isEmpty()) {
            return;
        }
        StringBuilder out = new StringBuilder();
        String header = String.format("%-14s %-34s %7s %7s %8s%n", "target", "chapter", "passed", "failed", "skipped");
        out.append(System.lineSeparator()).append("Pub JMS conformance suite").append(System.lineSeparator());
        out.append(header);
        List<String> totals = new ArrayList<>();
        counts.forEach((target, chapters) -> {
            int[] sum = new int[3];
            chapters.forEach((chapter, c) -> {
                out.append(String.format("%-14s %-34s %7d %7d %8d%n", target, chapter, c[0], c[1], c[2]));
                for (int i = 0; i < 3; i++) {
                    sum[i] += c[i];
                }
            });
            totals.add(String.format(
                    "%-14s %d passed, %d failed, %d skipped (of %d)%n",
                    target + ":", sum[0], sum[1], sum[2], sum[0] + sum[1] + sum[2]));
        });
        totals.forEach(out::append);
        if (!failures.isEmpty()) {
            out.append("failures:").append(System.lineSeparator());
            failures.forEach(f -> out.append("  ").append(f).append(System.lineSeparator()));
        }
        PrintStream console = System.out;
        console.print(out);
        console.flush();
        try {
            Path dir = Path.of(System.getProperty("basedir", "."), "target");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tck-summary.txt"), out.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            console.println("could not write tck-summary.txt: " + e);
        }
    }

    private void count(TestIdentifier id, int column) {
        counts.computeIfAbsent(targetOf(id), t -> new TreeMap<>())
                .computeIfAbsent(chapterOf(id), c -> new int[3])[column]++;
    }

    /** The display name of the enclosing class-template invocation, which is the target's label. */
    private String targetOf(TestIdentifier id) {
        for (Optional<TestIdentifier> p = Optional.of(id); p.isPresent(); p = plan.getParent(p.get())) {
            List<UniqueId.Segment> segments = p.get().getUniqueIdObject().getSegments();
            if (segments.get(segments.size() - 1).getType().contains("invocation")
                    && !p.get().isTest()) {
                return p.get().getDisplayName();
            }
        }
        return "?";
    }

    /** The method name, with the invocation (queue, topic, ...) for parameterized tests. */
    private String nameOf(TestIdentifier id) {
        Optional<TestIdentifier> parent = plan.getParent(id);
        if (parent.isPresent()
                && parent.get().getUniqueIdObject().getLastSegment().getType().matches("test-template|test-factory")) {
            return parent.get().getDisplayName() + "[" + id.getDisplayName() + "]";
        }
        return id.getDisplayName();
    }

    private static String chapterOf(TestIdentifier id) {
        for (UniqueId.Segment s : id.getUniqueIdObject().getSegments()) {
            if (s.getType().equals("class") || s.getType().equals("class-template")) {
                String name = s.getValue();
                return name.substring(name.lastIndexOf('.') + 1);
            }
        }
        return "?";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        return s.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
    }
}
