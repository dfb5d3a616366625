package dev.taskhub.cli;

import com.google.protobuf.Timestamp;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.sdk.client.TaskhubClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code taskhub history ID}: the events of an instance's current execution. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Show the history of an instance's current execution: one event a line, with the time"
          + " since it started.",
      "With -o json: each event as protobuf JSON, one a line."
    },
    footer = {"", "Examples:", "  taskhub history 3f2a9c", "  taskhub history 3f2a9c -o json"})
final class HistoryCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The instance id.")
  String instanceId;

  @Override
  int run(TaskhubClient client) {
    List<HistoryEvent> events = client.history(instanceId);
    if (json()) {
      events.forEach(event -> out().println(Json.line(event)));
      return ExitCodes.OK;
    }
    // from the earliest event, which need not be the first: an instance that no worker ran and that
    // was terminated starts its history with the OrchestratorStarted of the termination
    Instant start =
        events.stream()
            .map(event -> instant(event.getTimestamp()))
            .min(Instant::compareTo)
            .orElse(null);
    Map<Integer, String> tasks = new HashMap<>();
    Table table = new Table("#", "AFTER", "EVENT", "DETAIL");
    for (int i = 0; i < events.size(); i++) {
      HistoryEvent event = events.get(i);
      Duration after = Duration.between(start, instant(event.getTimestamp()));
      table.row(
          String.valueOf(i),
          String.format("+%d.%03ds", after.toSeconds(), after.toMillisPart()),
          HistoryView.kind(event),
          HistoryView.detail(event, tasks));
    }
    table.print(out());
    return ExitCodes.OK;
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
