package dev.taskhub.cli;

import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.stream.Collectors;

/** An instance for people: its status in colour, and one aligned {@code key value} line each. */
final class InstanceView {
  private InstanceView() {}

  /** The status word, coloured by what it means. */
  static String status(Terminal terminal, OrchestrationStatus status) {
    Terminal.Colour colour =
        switch (status) {
          case COMPLETED -> Terminal.Colour.GREEN;
          case FAILED -> Terminal.Colour.RED;
          case TERMINATED, CANCELED -> Terminal.Colour.MAGENTA;
          case PENDING, SUSPENDED -> Terminal.Colour.YELLOW;
          case RUNNING, CONTINUED_AS_NEW -> Terminal.Colour.BLUE;
        };
    return terminal.paint(colour, status.name());
  }

  static void print(
      PrintWriter out, Terminal terminal, OrchestrationMetadata instance, Instant now) {
    Table lines = new Table("Instance", instance.instanceId());
    lines.row("Name", instance.name());
    lines.row("Status", status(terminal, instance.status()));
    instance.version().ifPresent(version -> lines.row("Version", version));
    lines.row("Created", RelativeTime.full(instance.createdAt(), now));
    lines.row("Updated", RelativeTime.full(instance.lastUpdatedAt(), now));
    instance.completedAt().ifPresent(at -> lines.row("Completed", RelativeTime.full(at, now)));
    instance.parentInstanceId().ifPresent(parent -> lines.row("Parent", parent));
    if (!instance.tags().isEmpty()) {
      lines.row(
          "Tags",
          instance.tags().entrySet().stream()
              .map(tag -> tag.getKey() + "=" + tag.getValue())
              .sorted()
              .collect(Collectors.joining(", ")));
    }
    payload(lines, "Input", instance.serializedInput());
    payload(lines, "Custom status", instance.serializedCustomStatus());
    payload(lines, "Output", instance.serializedOutput());
    instance
        .failure()
        .ifPresent(
            failure ->
                lines.row(
                    "Failure",
                    terminal.paint(
                        Terminal.Colour.RED, failure.errorType() + ": " + failure.message())));
    lines.print(out);
  }

  private static void payload(Table lines, String label, String serialized) {
    if (serialized != null && !serialized.isEmpty()) {
      lines.row(label, serialized);
    }
  }
}
