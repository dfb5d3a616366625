package dev.taskhub.sdk.client;

import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import dev.taskhub.protocol.QueryEntitiesRequest;
import dev.taskhub.protocol.QueryEntitiesResponse;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Turns the paged {@code QueryEntities} RPC into a lazy stream over all pages. */
final class EntityPages<S> implements Iterator<EntityMetadata<S>> {
  private final dev.taskhub.protocol.EntityQuery.Builder query;
  private final Function<QueryEntitiesRequest, QueryEntitiesResponse> fetch;
  private final Function<dev.taskhub.protocol.EntityMetadata, EntityMetadata<S>> wrap;
  private List<dev.taskhub.protocol.EntityMetadata> page = List.of();
  private int next;
  private boolean lastPage;

  private EntityPages(
      dev.taskhub.protocol.EntityQuery.Builder query,
      Function<QueryEntitiesRequest, QueryEntitiesResponse> fetch,
      Function<dev.taskhub.protocol.EntityMetadata, EntityMetadata<S>> wrap) {
    this.query = query;
    this.fetch = fetch;
    this.wrap = wrap;
  }

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
    Iterator<EntityMetadata<S>> pages = new EntityPages<>(proto, fetch, wrap);
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
      QueryEntitiesResponse response =
          fetch.apply(QueryEntitiesRequest.newBuilder().setQuery(query).build());
      page = response.getEntitiesList();
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
  public EntityMetadata<S> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return wrap.apply(page.get(next++));
  }
}
