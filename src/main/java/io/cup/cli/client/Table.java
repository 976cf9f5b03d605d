package io.cup.cli.client;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Columns aligned as Go's tabwriter aligned the original's tables (and kubectl's): each column as
 * wide as its widest cell, three spaces between columns.
 */
final class Table {
  static final String NONE = "<none>";
  private static final int PADDING = 3;

  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... headers) {
    this.columns = headers.length;
    rows.add(headers);
  }

  Table row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(
          "a row of " + cells.length + " cells in a table of " + columns + " columns");
    }
    String[] copy = new String[columns];
    for (int i = 0; i < columns; i++) {
      copy[i] = cells[i] == null || cells[i].isEmpty() ? NONE : cells[i];
    }
    rows.add(copy);
    return this;
  }

  void print(PrintWriter out) {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      out.println(line(row, widths));
    }
    out.flush();
  }

  /** One row padded to {@code widths}, without trailing spaces. */
  static String line(String[] row, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < row.length; i++) {
      line.append(row[i]);
      if (i < row.length - 1) {
        line.append(" ".repeat(widths[i] - row[i].length() + PADDING));
      }
    }
    return line.toString();
  }
}
