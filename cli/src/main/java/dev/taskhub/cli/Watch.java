package dev.taskhub.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.TaskhubClient;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;

/**
 * Follows an instance until it ends ({@code watch}, {@code start --wait}): its status, custom
 * status and activities done / scheduled, as a progress bar on a terminal, a line per change
 * otherwise, or a JSON line per change; then the instance as {@code status} shows it (in JSON: the
 * last line).
 *
 * <p>Between looks it waits on the scheduler's {@code WaitForInstanceCompletion} for at most {@link
 * #LOOK_EVERY}, so the end shows at once and progress at least that often.
 */
final class Watch {
  static final Duration LOOK_EVERY = Duration.ofMillis(500);

  private final TaskhubClient client;
  private final PrintWriter out;
  private final Terminal terminal;
  private final boolean json;
  private final Clock clock;

  Watch(TaskhubClient client, PrintWriter out, Terminal terminal, boolean json, Clock clock) {
    this.client = client;
    this.out = out;
    this.terminal = terminal;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Follows {@code instanceId} until it has ended.
   *
   * @return the exit code for how it ended ({@link ExitCodes#of(
   *     dev.taskhub.sdk.client.OrchestrationStatus)})
   * @throws TaskhubException.InstanceNotFound if there is no such instance
   */
  int follow(String instanceId) {
    ProgressBar bar = new ProgressBar(out, terminal, "activities");
    String lastSnapshot = "";
    while (true) {
      OrchestrationMetadata instance = look(instanceId);
      ActivityCount count = ActivityCount.of(client.history(instanceId));
      if (json) {
        String snapshot = Json.line(snapshot(instance, count));
        if (!snapshot.equals(lastSnapshot)) {
          out.println(snapshot);
          out.flush();
        }
        lastSnapshot = snapshot;
      } else {
        String custom = instance.serializedCustomStatus();
        bar.update(
            count.done(),
            count.scheduled(),
            InstanceView.status(terminal, instance.status())
                + (custom == null || custom.isEmpty() ? "" : "  " + custom));
      }
      if (instance.status().isTerminal()) {
        bar.finish();
        if (json) {
          out.println(Json.line(Json.instance(instance)));
        } else {
          InstanceView.print(out, terminal, instance, clock.instant());
        }
        out.flush();
        return ExitCodes.of(instance.status());
      }
      try {
        client.waitForCompletion(instanceId, LOOK_EVERY);
      } catch (TaskhubException.Timeout stillRunning) {
        // time for another look at its progress
      }
    }
  }

  private OrchestrationMetadata look(String instanceId) {
    return client
        .getInstance(instanceId)
        .orElseThrow(
            () ->
                new TaskhubException.InstanceNotFound(
                    "No instance with ID '" + instanceId + "' was found", null));
  }

  private static ObjectNode snapshot(OrchestrationMetadata instance, ActivityCount count) {
    ObjectNode node = Json.object();
    node.put("instanceId", instance.instanceId());
    node.put("status", instance.status().name());
    node.set("customStatus", Json.payload(instance.serializedCustomStatus()));
    node.put("activitiesCompleted", count.done());
    node.put("activitiesScheduled", count.scheduled());
    return node;
  }
}
