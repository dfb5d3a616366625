package dev.taskhub.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.WorkItem;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** What engine tests do as a worker: answer an episode, complete an activity, wait for items. */
final class EngineCalls {
  private EngineCalls() {}

  /** Waits (10 s at most) until {@code items} holds {@code size} items, and returns them. */
  static <T> List<T> awaitSize(Supplier<List<T>> items, int size) {
    await().atMost(Duration.ofSeconds(10)).until(() -> items.get().size() >= size);
    List<T> got = items.get();
    assertThat(got).hasSize(size);
    return got;
  }

  /** Answers the episode with these actions, under its completion token. */
  static void answer(
      Engine engine, String hub, WorkItem episode, List<OrchestratorAction> actions) {
    engine.completeOrchestration(
        hub,
        OrchestratorResponse.newBuilder()
            .setInstanceId(episode.getOrchestratorRequest().getInstanceId())
            .setCompletionToken(episode.getCompletionToken())
            .addAllActions(actions)
            .build());
  }

  /** Completes the activity with the result {@code 1}, under its completion token. */
  static void complete(Engine engine, String hub, WorkItem activity) {
    engine.completeActivity(
        hub,
        ActivityResponse.newBuilder()
            .setInstanceId(activity.getActivityRequest().getOrchestrationInstance().getInstanceId())
            .setTaskId(activity.getActivityRequest().getTaskId())
            .setResult(StringValue.of("1"))
            .setCompletionToken(activity.getCompletionToken())
            .build());
  }
}
