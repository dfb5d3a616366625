package dev.taskhub.server.engine;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ExecutionStartedEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.store.InboxMessage;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.InstanceUpdate;
import dev.taskhub.server.store.OrchestrationStep;
import dev.taskhub.server.store.OrchestrationWorkItem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Rewinds a failed instance on the server, so it works with every SDK (the Java SDK 1.5.0 cannot
 * replay the protocol's {@code ExecutionRewound} event). The history is rewritten the way the
 * protocol's {@code RewindOrchestrationAction} does it: failed activity results and their {@code
 * TaskScheduled} go (so the replay schedules those activities again), failed sub-orchestration
 * results go (their children are rewound too and report again), the {@code ExecutionCompleted}
 * goes, and the generation gets a new execution id. The instance is RUNNING again and a replay is
 * requested.
 */
final class Rewind implements ServerStep {
  private final String parentExecutionId;
  private final Function<InstanceKey, Optional<InstanceRecord>> instances;
  private final Consumer<Rewind.Child> rewindChild;
  private List<Child> children = List.of();

  /** A failed sub-orchestration to rewind after its parent, pointed at the parent's new run. */
  record Child(InstanceKey key, String parentExecutionId) {}

  /**
   * @param parentExecutionId the new execution id of the parent when this is a child's rewind
   * @param instances reads an instance (to tell which children failed)
   * @param rewindChild rewinds a failed child once this step committed
   */
  Rewind(
      String parentExecutionId,
      Function<InstanceKey, Optional<InstanceRecord>> instances,
      Consumer<Child> rewindChild) {
    this.parentExecutionId = parentExecutionId;
    this.instances = instances;
    this.rewindChild = rewindChild;
  }

  @Override
  public Optional<OrchestrationStep> plan(OrchestrationWorkItem workItem, long now) {
    InstanceRecord instance = workItem.instance();
    if (instance.status() != OrchestrationStatus.ORCHESTRATION_STATUS_FAILED) {
      return Optional.empty();
    }
    InstanceKey key = instance.key();
    String executionId = UUID.randomUUID().toString();
    Set<Integer> failedTasks = new HashSet<>();
    Map<Integer, String> childIds = new HashMap<>();
    for (HistoryEvent event : workItem.history()) {
      if (event.hasTaskFailed()) {
        failedTasks.add(event.getTaskFailed().getTaskScheduledId());
      } else if (event.hasSubOrchestrationInstanceCreated()) {
        childIds.put(
            event.getEventId(), event.getSubOrchestrationInstanceCreated().getInstanceId());
      }
    }
    List<HistoryEvent> history = new ArrayList<>();
    List<Child> failedChildren = new ArrayList<>();
    for (HistoryEvent event : workItem.history()) {
      switch (event.getEventTypeCase()) {
        case TASKFAILED, EXECUTIONCOMPLETED -> {}
        case TASKSCHEDULED -> {
          if (!failedTasks.contains(event.getEventId())) {
            history.add(event);
          }
        }
        case SUBORCHESTRATIONINSTANCEFAILED -> {
          String childId =
              childIds.get(event.getSubOrchestrationInstanceFailed().getTaskScheduledId());
          InstanceKey child = childId == null ? null : new InstanceKey(key.hub(), childId);
          if (child != null && isFailed(child)) {
            failedChildren.add(new Child(child, executionId));
          } else {
            // A child that was terminated (or is gone) cannot be rewound: the failure stays.
            history.add(event);
          }
        }
        case EXECUTIONSTARTED -> history.add(withNewRun(event, executionId));
        default -> history.add(event);
      }
    }
    children = List.copyOf(failedChildren);
    InstanceUpdate update =
        new InstanceUpdate(
            executionId,
            OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING,
            null,
            null,
            instance.customStatus(),
            null,
            now,
            0);
    InboxMessage replay = new InboxMessage(key, executionId, now, Events.orchestratorStarted(now));
    return Optional.of(
        new OrchestrationStep(
            key,
            instance.executionId(),
            instance.historyLength(),
            true,
            history,
            List.of(),
            update,
            List.of(),
            List.of(replay),
            List.of(),
            false));
  }

  @Override
  public void committed(OrchestrationStep step) {
    children.forEach(rewindChild);
  }

  private boolean isFailed(InstanceKey child) {
    return instances
        .apply(child)
        .map(record -> record.status() == OrchestrationStatus.ORCHESTRATION_STATUS_FAILED)
        .orElse(false);
  }

  private HistoryEvent withNewRun(HistoryEvent event, String executionId) {
    ExecutionStartedEvent.Builder started = event.getExecutionStarted().toBuilder();
    started.getOrchestrationInstanceBuilder().setExecutionId(StringValue.of(executionId));
    if (parentExecutionId != null && started.hasParentInstance()) {
      started
          .getParentInstanceBuilder()
          .getOrchestrationInstanceBuilder()
          .setExecutionId(StringValue.of(parentExecutionId));
    }
    return event.toBuilder().setExecutionStarted(started).build();
  }
}
