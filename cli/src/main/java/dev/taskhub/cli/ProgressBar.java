package dev.taskhub.cli;

import java.io.PrintWriter;

/**
 * Progress of long work ({@code 37/120 purged}): on a terminal one bar redrawn in place; otherwise
 * a plain line whenever the count moves to a new tenth and at the end, so logs stay short.
 */
final class ProgressBar {
  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final Terminal terminal;
  private final String unit;
  private int lastTenth = -1;
  private String lastLine = "";
  private boolean drawn;

  /**
   * @param unit what is counted, after the numbers ({@code purged}, {@code activities})
   */
  ProgressBar(PrintWriter out, Terminal terminal, String unit) {
    this.out = out;
    this.terminal = terminal;
    this.unit = unit;
  }

  /** Shows {@code done} of {@code total}, with {@code note} after it (may be empty). */
  void update(int done, int total, String note) {
    String counts = done + "/" + total + " " + unit + (note.isEmpty() ? "" : "  " + note);
    if (terminal.interactive()) {
      int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
      String bar =
          terminal.paint(Terminal.Colour.GREEN, "█".repeat(filled))
              + terminal.paint(Terminal.Colour.GREY, "░".repeat(WIDTH - filled));
      out.print("\r\u001b[2K" + bar + " " + counts);
      drawn = true;
    } else {
      int tenth = total == 0 ? 10 : (int) (10L * done / total);
      if (tenth != lastTenth || !counts.equals(lastLine) && !note.isEmpty()) {
        out.println(counts);
      }
      lastTenth = tenth;
      lastLine = counts;
    }
    out.flush();
  }

  /** Ends the bar's line on a terminal. */
  void finish() {
    if (drawn) {
      out.println();
      out.flush();
      drawn = false;
    }
  }
}
