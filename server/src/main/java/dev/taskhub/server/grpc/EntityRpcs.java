package dev.taskhub.server.grpc;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.CleanEntityStorageRequest;
import dev.taskhub.protocol.CleanEntityStorageResponse;
import dev.taskhub.protocol.EntityMetadata;
import dev.taskhub.protocol.EntityQuery;
import dev.taskhub.protocol.GetEntityRequest;
import dev.taskhub.protocol.GetEntityResponse;
import dev.taskhub.protocol.QueryEntitiesRequest;
import dev.taskhub.protocol.QueryEntitiesResponse;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.engine.Entities;
import dev.taskhub.server.engine.Events;
import dev.taskhub.server.store.EntityCleanup;
import dev.taskhub.server.store.EntityFilter;
import dev.taskhub.server.store.EntityId;
import dev.taskhub.server.store.EntityPage;
import dev.taskhub.server.store.EntityRecord;
import dev.taskhub.server.store.TimeRange;
import java.util.Optional;

/** The entity RPCs' requests and answers, between the wire and {@link Entities}. */
final class EntityRpcs {
  private EntityRpcs() {}

  /** An entity exists for its callers while it has a state, as in Durable Functions. */
  static GetEntityResponse get(Entities entities, String hub, GetEntityRequest request) {
    Optional<EntityRecord> entity = entities.get(hub, request.getInstanceId());
    if (entity.isEmpty() || !entity.get().hasState()) {
      return GetEntityResponse.newBuilder().setExists(false).build();
    }
    return GetEntityResponse.newBuilder()
        .setExists(true)
        .setEntity(metadata(entity.get(), request.getIncludeState()))
        .build();
  }

  static QueryEntitiesResponse query(Entities entities, String hub, QueryEntitiesRequest request) {
    EntityQuery query = request.getQuery();
    TimeRange modified =
        new TimeRange(
            query.hasLastModifiedFrom() ? Events.millis(query.getLastModifiedFrom()) : 0,
            query.hasLastModifiedTo() ? Events.millis(query.getLastModifiedTo()) : Long.MAX_VALUE);
    int pageSize = query.hasPageSize() ? query.getPageSize().getValue() : Queries.DEFAULT_PAGE_SIZE;
    if (pageSize <= 0 || pageSize > Queries.MAX_PAGE_SIZE) {
      throw new TaskhubException.InvalidArgument(
          "pageSize must be between 1 and " + Queries.MAX_PAGE_SIZE + ", was " + pageSize);
    }
    EntityFilter filter =
        new EntityFilter(
            hub,
            EntityId.normalizePrefix(
                query.hasInstanceIdStartsWith()
                    ? query.getInstanceIdStartsWith().getValue()
                    : null),
            modified,
            query.getIncludeTransient());
    EntityPage page =
        entities.query(
            filter,
            query.hasContinuationToken() && !query.getContinuationToken().getValue().isEmpty()
                ? query.getContinuationToken().getValue()
                : null,
            pageSize);
    QueryEntitiesResponse.Builder response = QueryEntitiesResponse.newBuilder();
    page.entities().forEach(e -> response.addEntities(metadata(e, query.getIncludeState())));
    if (page.continuationToken() != null) {
      response.setContinuationToken(StringValue.of(page.continuationToken()));
    }
    return response.build();
  }

  static CleanEntityStorageResponse clean(
      Entities entities, String hub, CleanEntityStorageRequest request) {
    EntityCleanup cleanup =
        entities.clean(
            hub,
            request.hasContinuationToken() && !request.getContinuationToken().getValue().isEmpty()
                ? request.getContinuationToken().getValue()
                : null,
            request.getRemoveEmptyEntities(),
            request.getReleaseOrphanedLocks());
    CleanEntityStorageResponse.Builder response =
        CleanEntityStorageResponse.newBuilder()
            .setEmptyEntitiesRemoved(cleanup.emptyRemoved())
            .setOrphanedLocksReleased(cleanup.released().size());
    if (cleanup.continuationToken() != null) {
      response.setContinuationToken(StringValue.of(cleanup.continuationToken()));
    }
    return response.build();
  }

  private static EntityMetadata metadata(EntityRecord entity, boolean includeState) {
    EntityMetadata.Builder metadata =
        EntityMetadata.newBuilder()
            .setInstanceId(entity.key().instanceId())
            .setLastModifiedTime(Events.timestamp(entity.lastModifiedAt()))
            .setBacklogQueueSize(entity.queued());
    if (entity.lockedBy() != null) {
      metadata.setLockedBy(StringValue.of(entity.lockedBy()));
    }
    if (includeState && entity.hasState()) {
      metadata.setSerializedState(StringValue.of(entity.state()));
    }
    return metadata.build();
  }
}
