package dev.taskhub.sdk.client;

import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import dev.taskhub.protocol.QueryEntitiesRequest;
import dev.taskhub.protocol.QueryEntitiesResponse;
import java.util.function.Function;
import java.util.stream.Stream;

/** Turns the paged {@code QueryEntities} RPC into a lazy stream over all pages. */
final class EntityPages {
  private EntityPages() {}

  static <S> Stream<EntityMetadata<S>> stream(
      EntityQuery query,
      boolean includeState,
      Function<QueryEntitiesRequest, QueryEntitiesResponse> fetch,
      Function<dev.taskhub.protocol.EntityMetadata, EntityMetadata<S>> wrap) {
    dev.taskhub.protocol.EntityQuery.Builder proto =
        dev.taskhub.protocol.EntityQuery.newBuilder()
            .setIncludeState(includeState)
            .setIncludeTransient(query.includeTransient())
            .setPageSize(Int32Value.of(query.pageSize()));
    if (query.normalizedPrefix() != null) {
      proto.setInstanceIdStartsWith(StringValue.of(query.normalizedPrefix()));
    }
    if (query.lastModifiedFrom() != null) {
      proto.setLastModifiedFrom(TaskhubClient.timestamp(query.lastModifiedFrom()));
    }
    if (query.lastModifiedTo() != null) {
      proto.setLastModifiedTo(TaskhubClient.timestamp(query.lastModifiedTo()));
    }
    return TokenPages.stream(
        token -> {
          if (token != null) {
            proto.setContinuationToken(StringValue.of(token));
          }
          QueryEntitiesResponse response =
              fetch.apply(QueryEntitiesRequest.newBuilder().setQuery(proto).build());
          return new TokenPages.Page<>(
              response.getEntitiesList().stream().map(wrap).toList(),
              response.hasContinuationToken() ? response.getContinuationToken().getValue() : null);
        });
  }
}
