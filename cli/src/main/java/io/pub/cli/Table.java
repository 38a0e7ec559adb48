package io.pub.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A table for people: a header line and aligned columns, numbers to the right. Cells are strings
 * already formatted; a null cell prints as "-".
 */
final class Table {
    private final List<String> headers;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    /** Headers ending in '>' are right-aligned (numbers); the '>' is not printed. */
    Table(String... headers) {
        this.headers = new ArrayList<>();
        this.right = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            String h = headers[i];
            right[i] = h.endsWith(">");
            this.headers.add(right[i] ? h.substring(0, h.length() - 1) : h);
        }
    }

    Table row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("expected " + headers.size() + " cells, got " + cells.length);
        }
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = cells[i] == null ? "-" : cells[i].toString();
        }
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintStream out) {
        print(out, true);
    }

    /** Without the header line: more rows of a table already begun (widths may differ). */
    void print(PrintStream out, boolean header) {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = headers.get(i).length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        if (header) {
            out.println(line(headers.toArray(new String[0]), width));
        }
        for (String[] r : rows) {
            out.println(line(r, width));
        }
    }

    private String line(String[] cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                b.append("  ");
            }
            String pad = " ".repeat(width[i] - cells[i].length());
            boolean last = i == cells.length - 1;
            if (right[i]) {
                b.append(pad).append(cells[i]);
            } else {
                b.append(cells[i]).append(last ? "" : pad);
            }
        }
        return b.toString();
    }
}
