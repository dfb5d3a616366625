package dev.taskhub.cli;

import dev.taskhub.sdk.client.TaskhubClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code taskhub raise ID EVENT [JSON]}: sends an external event to an instance. */
@Command(
    name = "raise",
    mixinStandardHelpOptions = true,
    description = "Raise an external event on an instance (its waitForExternalEvent gets it).",
    footer = {
      "",
      "Examples:",
      "  taskhub raise 3f2a9c Approval '{\"approved\": true}'",
      "  taskhub raise 3f2a9c Payload @event.json"
    })
final class RaiseCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The instance id.")
  String instanceId;

  @Parameters(index = "1", paramLabel = "EVENT", description = "The event's name.")
  String event;

  @Parameters(
      index = "2",
      arity = "0..1",
      paramLabel = "JSON|@FILE",
      description = "The event's data, as JSON or @file. Default: none")
  String data;

  @Override
  int run(TaskhubClient client) {
    Object payload = data == null ? null : JsonInput.parse("the event data", data);
    client.raiseEvent(instanceId, event, payload);
    say("Raised " + event + " on " + instanceId);
    printAction(instanceId, "raise");
    return ExitCodes.OK;
  }
}
