package dev.taskhub.sdk.client;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.OrchestrationState;
import dev.taskhub.protocol.QueryInstancesRequest;
import dev.taskhub.protocol.QueryInstancesResponse;
import java.util.function.Function;
import java.util.stream.Stream;

/** Turns the paged {@code QueryInstances} RPC into a lazy stream over all pages. */
final class QueryPages {
  private QueryPages() {}

  static Stream<OrchestrationMetadata> stream(
      InstanceQuery query,
      Function<QueryInstancesRequest, QueryInstancesResponse> fetch,
      Function<OrchestrationState, OrchestrationMetadata> wrap) {
    dev.taskhub.protocol.InstanceQuery.Builder proto =
        dev.taskhub.protocol.InstanceQuery.newBuilder()
            .setMaxInstanceCount(query.pageSize())
            .setFetchInputsAndOutputs(query.fetchInputsAndOutputs());
    query.statuses().forEach(status -> proto.addRuntimeStatus(status.toProto()));
    if (query.createdFrom() != null) {
      proto.setCreatedTimeFrom(TaskhubClient.timestamp(query.createdFrom()));
    }
    if (query.createdTo() != null) {
      proto.setCreatedTimeTo(TaskhubClient.timestamp(query.createdTo()));
    }
    if (query.instanceIdPrefix() != null) {
      proto.setInstanceIdPrefix(StringValue.of(query.instanceIdPrefix()));
    }
    return TokenPages.stream(
        token -> {
          if (token != null) {
            proto.setContinuationToken(StringValue.of(token));
          }
          QueryInstancesResponse response =
              fetch.apply(QueryInstancesRequest.newBuilder().setQuery(proto).build());
          return new TokenPages.Page<>(
              response.getOrchestrationStateList().stream().map(wrap).toList(),
              response.hasContinuationToken() ? response.getContinuationToken().getValue() : null);
        });
  }
}
