package dev.taskhub.sdk.client;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.OrchestrationState;
import dev.taskhub.protocol.QueryInstancesRequest;
import dev.taskhub.protocol.QueryInstancesResponse;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Turns the paged {@code QueryInstances} RPC into a lazy stream over all pages. */
final class QueryPages implements Iterator<OrchestrationMetadata> {
  private final dev.taskhub.protocol.InstanceQuery.Builder query;
  private final Function<QueryInstancesRequest, QueryInstancesResponse> fetch;
  private final Function<OrchestrationState, OrchestrationMetadata> wrap;
  private List<OrchestrationState> page = List.of();
  private int next;
  private boolean lastPage;

  private QueryPages(
      dev.taskhub.protocol.InstanceQuery.Builder query,
      Function<QueryInstancesRequest, QueryInstancesResponse> fetch,
      Function<OrchestrationState, OrchestrationMetadata> wrap) {
    this.query = query;
    this.fetch = fetch;
    this.wrap = wrap;
  }

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
    Iterator<OrchestrationMetadata> pages = new QueryPages(proto, fetch, wrap);
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  @Override
  public boolean hasNext() {
    while (next >= page.size()) {
      if (lastPage) {
        return false;
      }
      QueryInstancesResponse response =
          fetch.apply(QueryInstancesRequest.newBuilder().setQuery(query).build());
      page = response.getOrchestrationStateList();
      next = 0;
      String token =
          response.hasContinuationToken() ? response.getContinuationToken().getValue() : "";
      if (token.isEmpty()) {
        lastPage = true;
      } else {
        query.setContinuationToken(StringValue.of(token));
      }
    }
    return true;
  }

  @Override
  public OrchestrationMetadata next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return wrap.apply(page.get(next++));
  }
}
