package dev.taskhub.cli;

import picocli.CommandLine.Option;

/** {@code --output table|json}: for people (the default) or for scripts. */
final class OutputOptions {
  /** What a command writes to standard output. */
  enum Format {
    /** aligned tables and key/value lines, relative times, colours on a terminal */
    table,
    /** one JSON document, or one JSON document per line for lists and streams */
    json
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table or json (one document; JSON lines for lists). Default: ${DEFAULT-VALUE}")
  Format format = Format.table;

  boolean json() {
    return format == Format.json;
  }
}
