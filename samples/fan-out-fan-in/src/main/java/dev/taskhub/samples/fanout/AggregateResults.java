package dev.taskhub.samples.fanout;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.taskhub.sdk.worker.Activity;
import dev.taskhub.sdk.worker.ActivityContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The activity {@value #NAME}: combines the results of every item into the seed's summary. */
public final class AggregateResults implements Activity {
  public static final String NAME = "aggregate_results";
  private static final Logger log = LoggerFactory.getLogger(AggregateResults.class);

  /** The orchestration's output, exactly the seed's shape. */
  public record Summary(
      @JsonProperty("total_items_processed") int totalItemsProcessed,
      @JsonProperty("total_value") long totalValue,
      @JsonProperty("average_value") double averageValue,
      @JsonProperty("total_processing_time") double totalProcessingTime,
      @JsonProperty("processed_items") List<String> processedItems,
      @JsonProperty("success") boolean success) {}

  @Override
  public Summary run(ActivityContext context) {
    List<WorkItemResult> results = List.of(context.getInput(WorkItemResult[].class));
    log.info("{} started: instance={} results={}", NAME, context.instanceId(), results.size());
    Summary summary = aggregate(results);
    log.info(
        "{} finished: instance={} total_value={}",
        NAME,
        context.instanceId(),
        summary.totalValue());
    return summary;
  }

  /** The summary of {@code results}, in their order (the order of the request's items). */
  public static Summary aggregate(List<WorkItemResult> results) {
    int count = results.size();
    long total = results.stream().mapToLong(WorkItemResult::value).sum();
    double time = results.stream().mapToDouble(WorkItemResult::processingTime).sum();
    return new Summary(
        count,
        total,
        count == 0 ? 0.0 : WorkSimulator.round2((double) total / count),
        WorkSimulator.round2(time),
        results.stream().map(WorkItemResult::processedItem).toList(),
        true);
  }
}
