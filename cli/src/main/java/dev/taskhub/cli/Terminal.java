package dev.taskhub.cli;

import java.util.Map;

/**
 * Whether standard output is a terminal a person reads, and whether to colour it. On a terminal the
 * commands draw progress bars in place and colour statuses; piped, they write plain lines only, so
 * scripts and logs get no escape codes.
 *
 * @param interactive standard output (and input) is a terminal
 * @param colour ANSI colours are wanted: a terminal, {@code NO_COLOR} unset, {@code TERM} not dumb
 */
record Terminal(boolean interactive, boolean colour) {
  /** Output for a pipe or a file: no colours, no redrawing. */
  static final Terminal PIPE = new Terminal(false, false);

  /** The ANSI colours the commands use. */
  enum Colour {
    RED("\u001b[31m"),
    GREEN("\u001b[32m"),
    YELLOW("\u001b[33m"),
    BLUE("\u001b[34m"),
    MAGENTA("\u001b[35m"),
    GREY("\u001b[90m"),
    BOLD("\u001b[1m");

    private final String code;

    Colour(String code) {
      this.code = code;
    }
  }

  /**
   * The process's own terminal. {@code System.console()} is null when input or output is redirected
   * (JDK 21 up to 25 alike), which is the one signal needed; {@code NO_COLOR} follows no-color.org:
   * set and not empty turns colours off.
   */
  static Terminal detect(Map<String, String> env) {
    boolean tty = System.console() != null;
    boolean noColour = !env.getOrDefault("NO_COLOR", "").isEmpty();
    return new Terminal(tty, tty && !noColour && !"dumb".equals(env.get("TERM")));
  }

  /** {@code text} in {@code colour}, or as it is without colours. */
  String paint(Colour colour, String text) {
    return this.colour ? colour.code + text + "\u001b[0m" : text;
  }

  /** {@code text} without the escape codes {@link #paint} adds: what a reader sees. */
  static String visible(String text) {
    return text.replaceAll("\u001b\\[[0-9;]*m", "");
  }
}
