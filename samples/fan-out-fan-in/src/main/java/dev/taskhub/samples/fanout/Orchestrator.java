package dev.taskhub.samples.fanout;

import dev.taskhub.sdk.orchestration.Orchestration;
import dev.taskhub.sdk.orchestration.OrchestrationContext;
import dev.taskhub.sdk.orchestration.Task;
import java.util.List;

/**
 * The orchestrator {@value #NAME}: fans out one {@link ProcessWorkItem} per item, all in parallel,
 * fans in when every one has finished, then runs {@link AggregateResults}. Its custom status
 * reports progress; its logs go through the replay-safe {@code ctx.logger()}.
 */
public final class Orchestrator implements Orchestration {
  public static final String NAME = "fan_out_fan_in_orchestrator";

  /** The custom status: which stage the run is in and how many items have finished. */
  public record Progress(String stage, int completed, int total) {}

  @Override
  public AggregateResults.Summary run(OrchestrationContext ctx) {
    List<String> items = List.of(ctx.getInput(String[].class));
    ctx.logger().info("{}: instance={} fanning out {} items", NAME, ctx.instanceId(), items.size());
    ctx.setCustomStatus(new Progress("processing", 0, items.size()));

    List<Task<WorkItemResult>> work =
        items.stream()
            .map(item -> ctx.callActivity(ProcessWorkItem.NAME, item, WorkItemResult.class))
            .toList();
    // Fan in, reporting progress as items finish (in whatever order they do).
    List<Task<WorkItemResult>> pending = work.stream().filter(t -> !t.isDone()).toList();
    while (!pending.isEmpty()) {
      ctx.anyOf(pending).await();
      pending = pending.stream().filter(t -> !t.isDone()).toList();
      ctx.setCustomStatus(new Progress("processing", items.size() - pending.size(), items.size()));
    }
    List<WorkItemResult> results = ctx.allOf(work).await();

    ctx.logger().info("{}: instance={} all {} items done", NAME, ctx.instanceId(), items.size());
    ctx.setCustomStatus(new Progress("aggregating", items.size(), items.size()));
    AggregateResults.Summary summary =
        ctx.callActivity(AggregateResults.NAME, results, AggregateResults.Summary.class).await();
    ctx.setCustomStatus(new Progress("completed", items.size(), items.size()));
    ctx.logger()
        .info("{}: instance={} total_value={}", NAME, ctx.instanceId(), summary.totalValue());
    return summary;
  }
}
