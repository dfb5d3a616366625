package dev.taskhub.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows printed in aligned columns, two spaces apart, widths measured without colour codes; the last
 * column is not padded.
 */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... headers) {
    this.columns = headers.length;
    rows.add(headers);
  }

  /** Adds a row of exactly as many cells as there are headers. */
  Table row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(
          "A row of " + columns + " columns got " + cells.length + " cells");
    }
    rows.add(cells);
    return this;
  }

  /** Whether only the header is there. */
  boolean isEmpty() {
    return rows.size() == 1;
  }

  void print(PrintWriter out) {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], Terminal.visible(row[i]).length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - Terminal.visible(row[i]).length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
