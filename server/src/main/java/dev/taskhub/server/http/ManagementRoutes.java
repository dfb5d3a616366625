package dev.taskhub.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.dashboard.Timeline;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.engine.WaitingWork;
import dev.taskhub.server.security.Caller;
import dev.taskhub.server.security.Role;
import dev.taskhub.server.store.InstanceFilter;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.InstancePage;
import dev.taskhub.server.store.InstancePageRequest;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.InstanceSort;
import dev.taskhub.server.store.TimeRange;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The management API under {@value #BASE}, which the dashboard reads: lists with filters, counts,
 * one instance, its history and timeline, live updates, and the actions.
 */
final class ManagementRoutes {
  static final String BASE = "/api/v1";
  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 1000;
  private static final String INSTANCE = BASE + "/hubs/{hub}/instances/{instanceId}";

  private final Engine engine;
  private final InstanceActions actions;
  private final Timeline timeline;
  private final LiveUpdates live;
  private final boolean readOnly;
  private final Clock clock;

  ManagementRoutes(
      Engine engine,
      InstanceActions actions,
      Timeline timeline,
      LiveUpdates live,
      boolean readOnly,
      Clock clock) {
    this.engine = engine;
    this.actions = actions;
    this.timeline = timeline;
    this.live = live;
    this.readOnly = readOnly;
    this.clock = clock;
  }

  void register(Javalin app) {
    app.get(BASE + "/info", this::info);
    app.get(BASE + "/hubs/{hub}/instances", this::list);
    app.delete(BASE + "/hubs/{hub}/instances", this::purgeByFilter);
    app.get(BASE + "/hubs/{hub}/counts", this::counts);
    app.get(BASE + "/hubs/{hub}/waiting", this::waiting);
    app.get(INSTANCE, this::instance);
    app.delete(INSTANCE, this::purge);
    app.get(INSTANCE + "/history", this::history);
    app.get(INSTANCE + "/timeline", this::timeline);
    app.post(INSTANCE + "/terminate", this::terminate);
    app.post(INSTANCE + "/suspend", this::suspend);
    app.post(INSTANCE + "/resume", this::resume);
    app.post(INSTANCE + "/events/{eventName}", this::raiseEvent);
    app.post(INSTANCE + "/restart", this::restart);
    app.before(
        BASE + "/hubs/{hub}/live",
        ctx -> {
          actions.hub(ctx.pathParam("hub"));
          String id = ctx.queryParam("instanceId");
          if (id != null && id.isEmpty()) {
            throw new TaskhubException.InvalidArgument("instanceId must not be empty");
          }
          live.requireRoom();
        });
    app.sse(
        BASE + "/hubs/{hub}/live",
        client ->
            live.serve(
                client, client.ctx().pathParam("hub"), client.ctx().queryParam("instanceId")));
  }

  private void info(Context ctx) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("taskHubs", actions.hubs());
    info.put("defaultHub", actions.hubs().get(0));
    info.put("readOnly", readOnly);
    info.put("connectedWorkers", engine.connectedWorkers());
    info.put("serverTime", Json.time(clock.millis()));
    Caller caller = ctx.attribute(HttpAccess.CALLER);
    if (caller != null && caller != Caller.ANONYMOUS) {
      info.put(
          "caller",
          Map.of(
              "name",
              caller.name(),
              "roles",
              caller.roles().stream().map(Role::label).sorted().toList()));
    }
    ctx.json(info);
  }

  private void list(Context ctx) {
    String hub = actions.hub(ctx.pathParam("hub"));
    InstanceFilter filter = filter(ctx, hub, Params.statuses(ctx, "status"));
    InstancePage page = engine.query(filter, pageRequest(ctx));
    ArrayNode instances = Json.NODES.arrayNode();
    page.instances().forEach(instance -> instances.add(InstanceJson.summary(instance)));
    ObjectNode body = Json.NODES.objectNode();
    body.set("instances", instances);
    body.put("continuationToken", page.continuationToken());
    ctx.json(body);
  }

  private void counts(Context ctx) {
    String hub = actions.hub(ctx.pathParam("hub"));
    InstanceFilter filter = filter(ctx, hub, Set.of());
    // The counts take the list's query string and reject a bad sort or page size as the list does.
    pageRequest(ctx);
    Map<OrchestrationStatus, Long> counts = engine.countByStatus(filter);
    ObjectNode byStatus = Json.NODES.objectNode();
    long total = 0;
    for (OrchestrationStatus status : OrchestrationStatus.values()) {
      if (status != OrchestrationStatus.UNRECOGNIZED) {
        long count = counts.getOrDefault(status, 0L);
        byStatus.put(Json.status(status), count);
        total += count;
      }
    }
    ObjectNode body = Json.NODES.objectNode();
    body.set("counts", byStatus);
    body.put("total", total);
    ctx.json(body);
  }

  /**
   * Ready work waiting on this node per kind, name and version, with how many connected workers
   * take it (0: it waits for a worker that hosts it).
   */
  private void waiting(Context ctx) {
    String hub = actions.hub(ctx.pathParam("hub"));
    ArrayNode waiting = Json.NODES.arrayNode();
    long now = clock.millis();
    engine.waitingWork(hub).stream()
        .sorted(
            Comparator.comparing(WaitingWork::kind)
                .thenComparing(w -> w.name().name())
                .thenComparing(w -> w.name().version()))
        .forEach(
            work -> {
              ObjectNode row = waiting.addObject();
              row.put("kind", work.kind());
              row.put("name", work.name().name());
              row.put("version", work.name().version().isEmpty() ? null : work.name().version());
              row.put("waiting", work.waiting());
              row.put("workers", work.streamsTaking());
              if (work.oldestQueuedAt() > 0) {
                row.put("oldestWaitMillis", Math.max(0, now - work.oldestQueuedAt()));
              }
            });
    ObjectNode body = Json.NODES.objectNode();
    body.set("waiting", waiting);
    ctx.json(body);
  }

  /** The instances of {@code hub} the query string selects, with the given statuses. */
  private static InstanceFilter filter(Context ctx, String hub, Set<OrchestrationStatus> statuses) {
    long from = Params.time(ctx, "createdFrom", 0);
    long to = Params.time(ctx, "createdTo", Long.MAX_VALUE);
    Params.range("createdFrom", from, "createdTo", to);
    return new InstanceFilter(
        hub,
        statuses,
        new TimeRange(from, to),
        TimeRange.ANY,
        Params.text(ctx, "instanceIdPrefix"),
        Params.text(ctx, "name"),
        Params.tags(ctx, "tag"),
        Set.copyOf(ctx.queryParams("version")));
  }

  /**
   * The page the query string asks for: {@code sort}, {@code pageSize}, {@code continuationToken}.
   */
  private static InstancePageRequest pageRequest(Context ctx) {
    String token = ctx.queryParam("continuationToken");
    return new InstancePageRequest(
        sort(ctx.queryParam("sort")),
        Params.integer(ctx, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
        token == null || token.isEmpty() ? null : token);
  }

  /** {@code createdAt} (oldest first) or {@code -createdAt} (newest first, the default), ... */
  static InstanceSort sort(String value) {
    if (value == null || value.isBlank()) {
      return InstanceSort.CREATED_DESC;
    }
    return switch (value.strip()) {
      case "createdAt" -> InstanceSort.CREATED_ASC;
      case "-createdAt" -> InstanceSort.CREATED_DESC;
      case "lastUpdatedAt" -> InstanceSort.UPDATED_ASC;
      case "-lastUpdatedAt" -> InstanceSort.UPDATED_DESC;
      case "instanceId" -> InstanceSort.ID_ASC;
      case "-instanceId" -> InstanceSort.ID_DESC;
      default ->
          throw new TaskhubException.InvalidArgument(
              "sort '"
                  + value
                  + "' is not supported; use createdAt, lastUpdatedAt or instanceId, with a"
                  + " leading '-' for descending");
    };
  }

  private void instance(Context ctx) {
    ctx.json(InstanceJson.detail(actions.get(ctx.pathParam("hub"), Params.instanceId(ctx))));
  }

  private void history(Context ctx) {
    InstanceRecord instance = actions.get(ctx.pathParam("hub"), Params.instanceId(ctx));
    List<HistoryEvent> events = engine.history(instance.key().hub(), instance.key().instanceId());
    ArrayNode json = Json.NODES.arrayNode();
    events.forEach(event -> json.add(HistoryJson.event(event)));
    ObjectNode body = Json.NODES.objectNode();
    body.put("instanceId", instance.key().instanceId());
    body.set("events", json);
    ctx.json(body);
  }

  private void timeline(Context ctx) {
    InstanceRecord instance = actions.get(ctx.pathParam("hub"), Params.instanceId(ctx));
    InstanceKey key = instance.key();
    ObjectNode body = Json.NODES.objectNode();
    body.put("instanceId", key.instanceId());
    body.put("status", Json.status(instance.status()));
    body.put("createdAt", instance.createdAt());
    body.put("completedAt", instance.completedAt());
    body.put("now", clock.millis());
    body.set(
        "items",
        Json.MAPPER.valueToTree(timeline.items(key, engine.history(key.hub(), key.instanceId()))));
    ctx.json(body);
  }

  private void terminate(Context ctx) {
    actions.terminate(ctx.pathParam("hub"), Params.instanceId(ctx), Bodies.field(ctx, "reason"));
    accepted(ctx);
  }

  private void suspend(Context ctx) {
    actions.suspend(ctx.pathParam("hub"), Params.instanceId(ctx), Bodies.field(ctx, "reason"));
    accepted(ctx);
  }

  private void resume(Context ctx) {
    actions.resume(ctx.pathParam("hub"), Params.instanceId(ctx), Bodies.field(ctx, "reason"));
    accepted(ctx);
  }

  private void raiseEvent(Context ctx) {
    actions.raiseEvent(
        ctx.pathParam("hub"),
        Params.instanceId(ctx),
        ctx.pathParam("eventName"),
        Bodies.jsonText(ctx));
    accepted(ctx);
  }

  private void restart(Context ctx) {
    String id =
        actions.restart(
            ctx.pathParam("hub"), Params.instanceId(ctx), Bodies.flag(ctx, "newInstanceId", false));
    ctx.status(202).json(Map.of("instanceId", id));
  }

  private void purge(Context ctx) {
    actions.purge(ctx.pathParam("hub"), Params.instanceId(ctx));
    ctx.json(Map.of("purged", 1));
  }

  /** Purges by status and created range only: the store purges by nothing else. */
  private void purgeByFilter(Context ctx) {
    for (String unsupported : List.of("instanceIdPrefix", "name")) {
      if (ctx.queryParam(unsupported) != null) {
        throw new TaskhubException.InvalidArgument(
            unsupported + " cannot filter a purge; use status, createdFrom and createdTo");
      }
    }
    long from = Params.time(ctx, "createdFrom", 0);
    long to = Params.time(ctx, "createdTo", Long.MAX_VALUE);
    Params.range("createdFrom", from, "createdTo", to);
    int purged = actions.purge(ctx.pathParam("hub"), from, to, Params.statuses(ctx, "status"));
    ctx.json(Map.of("purged", purged));
  }

  private static void accepted(Context ctx) {
    ctx.status(202).json(Map.of("accepted", true));
  }
}
