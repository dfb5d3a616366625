package dev.taskhub.samples.fanout;

import dev.taskhub.sdk.worker.Activity;
import dev.taskhub.sdk.worker.ActivityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The activity {@value #NAME}: processes one work item (simulated work) and returns its metrics.
 * Many run at once, one per item, each on a virtual thread of the worker.
 */
public final class ProcessWorkItem implements Activity {
  public static final String NAME = "process_work_item";
  private static final Logger log = LoggerFactory.getLogger(ProcessWorkItem.class);

  private final WorkSimulator simulator;

  public ProcessWorkItem(WorkSimulator simulator) {
    this.simulator = simulator;
  }

  @Override
  public WorkItemResult run(ActivityContext context) throws InterruptedException {
    String item = context.getInput(String.class);
    log.info("{} started: instance={} item={}", NAME, context.instanceId(), item);
    WorkSimulator.Outcome outcome = simulator.work(item);
    log.info(
        "{} finished: instance={} item={} value={} processing_time={}s",
        NAME,
        context.instanceId(),
        item,
        outcome.value(),
        outcome.processingSeconds());
    return new WorkItemResult(
        item, "Processed_" + item, outcome.value(), outcome.processingSeconds());
  }
}
