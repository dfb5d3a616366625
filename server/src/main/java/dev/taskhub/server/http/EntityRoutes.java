package dev.taskhub.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.StringValue;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.SignalEntityRequest;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.engine.Entities;
import dev.taskhub.server.store.EntityFilter;
import dev.taskhub.server.store.EntityId;
import dev.taskhub.server.store.EntityPage;
import dev.taskhub.server.store.EntityRecord;
import dev.taskhub.server.store.EntityWorkItem;
import dev.taskhub.server.store.InboxEvent;
import dev.taskhub.server.store.TimeRange;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * Durable entities over HTTP: the Durable Functions entity endpoints ({@code
 * /runtime/webhooks/durabletask/entities/{name}[/{key}]}: read a state, list, signal with {@code
 * op}) and their {@code /api/v1} counterparts the dashboard uses (lists with lock and backlog, one
 * entity with its queued messages, signal, delete the state).
 */
final class EntityRoutes {
  private static final String FUNCTIONS = DurableFunctionsRoutes.BASE + "/entities";
  private static final String MANAGEMENT = ManagementRoutes.BASE + "/hubs/{hub}/entities";
  private static final int DEFAULT_PAGE_SIZE = 100;

  private final Entities entities;
  private final InstanceActions actions;

  EntityRoutes(Engine engine, InstanceActions actions) {
    this.entities = engine.entities();
    this.actions = actions;
  }

  void register(Javalin app) {
    app.get(FUNCTIONS + "/{name}", this::functionsList);
    app.get(FUNCTIONS + "/{name}/{key}", this::functionsState);
    app.post(FUNCTIONS + "/{name}/{key}", this::functionsSignal);
    app.get(MANAGEMENT, this::list);
    app.get(MANAGEMENT + "/{name}/{key}", this::entity);
    app.post(MANAGEMENT + "/{name}/{key}/signal", this::signal);
    app.post(MANAGEMENT + "/{name}/{key}/delete-state", this::deleteState);
  }

  // ---------------------------------------------------------------- Durable Functions

  private String functionsHub(Context ctx) {
    String hub = ctx.queryParam("taskHub");
    return actions.hub(hub == null || hub.isEmpty() ? actions.hubs().get(0) : hub);
  }

  /** The state as the body (200), or 404 when the entity has none. */
  private void functionsState(Context ctx) {
    EntityRecord entity =
        entities
            .get(functionsHub(ctx), id(ctx).instanceId())
            .filter(EntityRecord::hasState)
            .orElseThrow(
                () -> new TaskhubException.NotFound("Entity " + id(ctx) + " has no state"));
    ctx.json(Json.payload(entity.state()));
  }

  /** Queues the operation named by {@code op} with the body as its input: 202. */
  private void functionsSignal(Context ctx) {
    String operation = ctx.queryParam("op");
    signal(functionsHub(ctx), id(ctx), operation == null ? "" : operation, Bodies.jsonText(ctx));
    ctx.status(202);
  }

  private void functionsList(Context ctx) {
    String name = EntityId.parse("@" + ctx.pathParam("name") + "@").name();
    long from = Params.time(ctx, "lastOperationTimeFrom", 0);
    long to = Params.time(ctx, "lastOperationTimeTo", Long.MAX_VALUE);
    Params.range("lastOperationTimeFrom", from, "lastOperationTimeTo", to);
    boolean fetchState = Params.flag(ctx, "fetchState", false);
    String token = ctx.header(DurableFunctionsRoutes.CONTINUATION_HEADER);
    EntityPage page =
        entities.query(
            new EntityFilter(functionsHub(ctx), "@" + name + "@", new TimeRange(from, to), false),
            token == null || token.isEmpty() || token.equals("null") ? null : token,
            Params.integer(ctx, "top", DEFAULT_PAGE_SIZE, 1, ManagementRoutes.MAX_PAGE_SIZE));
    ArrayNode body = Json.NODES.arrayNode();
    for (EntityRecord entity : page.entities()) {
      ObjectNode item = body.addObject();
      ObjectNode entityId = item.putObject("entityId");
      entityId.put("name", entity.id().name());
      entityId.put("key", entity.id().key());
      item.put("lastOperationTime", Json.time(entity.lastModifiedAt()));
      if (fetchState) {
        item.set("state", Json.payload(entity.state()));
      }
    }
    if (page.continuationToken() != null) {
      ctx.header(DurableFunctionsRoutes.CONTINUATION_HEADER, page.continuationToken());
    }
    ctx.json(body);
  }

  // ---------------------------------------------------------------- /api/v1

  private void list(Context ctx) {
    String prefix = Params.text(ctx, "prefix");
    EntityPage page =
        entities.query(
            new EntityFilter(
                actions.hub(ctx.pathParam("hub")),
                EntityId.normalizePrefix(prefix),
                TimeRange.ANY,
                Params.flag(ctx, "includeTransient", true)),
            emptyToNull(Params.text(ctx, "continuationToken")),
            Params.integer(ctx, "pageSize", DEFAULT_PAGE_SIZE, 1, ManagementRoutes.MAX_PAGE_SIZE));
    ObjectNode body = Json.NODES.objectNode();
    ArrayNode items = body.putArray("entities");
    for (EntityRecord entity : page.entities()) {
      ObjectNode item = summary(entity);
      item.set("state", Json.payload(entity.state()));
      items.add(item);
    }
    body.put("continuationToken", page.continuationToken());
    ctx.json(body);
  }

  private void entity(Context ctx) {
    EntityId id = id(ctx);
    EntityWorkItem entity =
        entities
            .inspect(actions.hub(ctx.pathParam("hub")), id.instanceId())
            .orElseThrow(() -> new TaskhubException.NotFound("No entity " + id + " was found"));
    ObjectNode body = summary(entity.entity());
    body.set("state", Json.payload(entity.entity().state()));
    ArrayNode queued = body.putArray("queuedMessages");
    for (InboxEvent message : entity.inbox()) {
      queued.add(queuedMessage(message));
    }
    ctx.json(body);
  }

  private void signal(Context ctx) {
    String operation = Bodies.field(ctx, "operation");
    var body = Bodies.json(ctx);
    String input =
        body != null && body.has("input") && !body.get("input").isNull()
            ? body.get("input").toString()
            : null;
    signal(actions.hub(ctx.pathParam("hub")), id(ctx), operation == null ? "" : operation, input);
    ctx.status(202);
  }

  /** Sends the entity's {@code delete} operation, which the SDKs' entities answer by it. */
  private void deleteState(Context ctx) {
    signal(actions.hub(ctx.pathParam("hub")), id(ctx), "delete", null);
    ctx.status(202);
  }

  // ---------------------------------------------------------------- shared

  private void signal(String hub, EntityId id, String operation, String input) {
    SignalEntityRequest.Builder request =
        SignalEntityRequest.newBuilder().setInstanceId(id.instanceId()).setName(operation);
    if (input != null) {
      request.setInput(StringValue.of(input));
    }
    entities.signal(hub, request.build());
  }

  private static EntityId id(Context ctx) {
    return new EntityId(ctx.pathParam("name"), ctx.pathParam("key"));
  }

  private static ObjectNode summary(EntityRecord entity) {
    ObjectNode item = Json.NODES.objectNode();
    EntityId id = entity.id();
    item.put("id", id.instanceId());
    item.put("name", id.name());
    item.put("key", id.key());
    item.put("hasState", entity.hasState());
    item.put("lastModifiedAt", Json.time(entity.lastModifiedAt()));
    item.put("queued", entity.queued());
    item.put("lockedBy", entity.lockedBy());
    return item;
  }

  private static ObjectNode queuedMessage(InboxEvent message) {
    ObjectNode item = Json.NODES.objectNode();
    HistoryEvent event = message.event();
    item.put("visibleAt", Json.time(message.visibleAt()));
    if (event.hasEntityOperationSignaled()) {
      item.put("kind", "signal");
      item.put("operation", event.getEntityOperationSignaled().getOperation());
    } else if (event.hasEntityOperationCalled()) {
      item.put("kind", "call");
      item.put("operation", event.getEntityOperationCalled().getOperation());
      item.put("from", event.getEntityOperationCalled().getParentInstanceId().getValue());
    } else if (event.hasEntityLockRequested()) {
      item.put("kind", "lock");
      item.put("from", event.getEntityLockRequested().getParentInstanceId().getValue());
    } else if (event.hasEntityUnlockSent()) {
      item.put("kind", "unlock");
      item.put("from", event.getEntityUnlockSent().getParentInstanceId().getValue());
    } else {
      item.put("kind", event.getEventTypeCase().name().toLowerCase(java.util.Locale.ROOT));
    }
    return item;
  }

  private static String emptyToNull(String text) {
    return text.isEmpty() ? null : text;
  }
}
