package dev.taskhub.server.store;

import dev.taskhub.protocol.HistoryEvent;
import java.util.List;

/**
 * What an orchestrator episode needs: the instance, its full history, and the inbox events visible
 * now for its current generation. {@code staleInboxIds} are visible events of older generations, to
 * drop.
 */
public record OrchestrationWorkItem(
    InstanceRecord instance,
    List<HistoryEvent> history,
    List<InboxEvent> inbox,
    List<Long> staleInboxIds) {}
