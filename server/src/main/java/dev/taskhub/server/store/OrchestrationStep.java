package dev.taskhub.server.store;

import dev.taskhub.protocol.HistoryEvent;
import java.util.List;

/**
 * The effects of one orchestrator episode, applied by {@link Store#applyStep} in one transaction.
 *
 * @param expectedExecutionId the generation the episode was computed from
 * @param expectedHistoryLength the history length the episode was computed from; if the stored
 *     generation or length differs, another step got there first and this one is rejected whole
 * @param resetHistory true when the instance continued as new: the old generation's history,
 *     pending activities and generation-bound inbox events are dropped before {@code history} is
 *     appended
 * @param history events to append, in order
 * @param consumedInboxIds inbox rows the episode delivered
 * @param update the instance row's new values
 * @param activities activities to schedule
 * @param messages events for inboxes (this instance's timers, other instances' messages)
 * @param children sub-orchestrations to create
 * @param terminal true when the instance ended: its remaining inbox and activities are dropped
 */
public record OrchestrationStep(
    InstanceKey key,
    String expectedExecutionId,
    int expectedHistoryLength,
    boolean resetHistory,
    List<HistoryEvent> history,
    List<Long> consumedInboxIds,
    InstanceUpdate update,
    List<ActivityTask> activities,
    List<InboxMessage> messages,
    List<ChildInstance> children,
    boolean terminal) {}
