package dev.taskhub.samples.fanout;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What process_work_item returns for one item: the seed's per-item metrics. */
public record WorkItemResult(
    @JsonProperty("item") String item,
    @JsonProperty("processed_item") String processedItem,
    @JsonProperty("value") int value,
    @JsonProperty("processing_time") double processingTime) {}
