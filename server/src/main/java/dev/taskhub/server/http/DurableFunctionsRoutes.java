package dev.taskhub.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.store.InstanceFilter;
import dev.taskhub.server.store.InstancePage;
import dev.taskhub.server.store.InstancePageRequest;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.InstanceSort;
import dev.taskhub.server.store.TimeRange;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Map;

/**
 * The Durable Functions HTTP management API under {@value #BASE}: the routes, parameters, status
 * codes and body shapes Durable Functions documents, so its tooling and scripts work unchanged. The
 * task hub is the {@code taskHub} query parameter (the server's first hub when absent); an action
 * on an ended instance answers 410 Gone, as Durable Functions does.
 */
final class DurableFunctionsRoutes {
  static final String BASE = "/runtime/webhooks/durabletask";
  static final String CONTINUATION_HEADER = "x-ms-continuation-token";
  private static final String INSTANCE = BASE + "/instances/{instanceId}";
  private static final int DEFAULT_TOP = 100;

  private final Engine engine;
  private final InstanceActions actions;

  DurableFunctionsRoutes(Engine engine, InstanceActions actions) {
    this.engine = engine;
    this.actions = actions;
  }

  void register(Javalin app) {
    app.get(BASE + "/instances", this::list);
    app.delete(BASE + "/instances", this::purgeByFilter);
    app.get(INSTANCE, this::status);
    app.delete(INSTANCE, this::purge);
    app.post(INSTANCE + "/raiseEvent/{eventName}", this::raiseEvent);
    app.post(INSTANCE + "/terminate", this::terminate);
    app.post(INSTANCE + "/suspend", this::suspend);
    app.post(INSTANCE + "/resume", this::resume);
    app.post(INSTANCE + "/restart", this::restart);
    app.post(INSTANCE + "/rewind", this::rewind);
  }

  private String hub(Context ctx) {
    String hub = ctx.queryParam("taskHub");
    return actions.hub(hub == null || hub.isEmpty() ? actions.hubs().get(0) : hub);
  }

  /** 200 once the instance has ended, 202 while it runs (500 for a failure when asked). */
  private void status(Context ctx) {
    InstanceRecord instance = actions.get(hub(ctx), Params.instanceId(ctx));
    boolean showHistory = Params.flag(ctx, "showHistory", false);
    boolean showHistoryOutput = Params.flag(ctx, "showHistoryOutput", false);
    boolean showInput = Params.flag(ctx, "showInput", true);
    boolean failAsError = Params.flag(ctx, "returnInternalServerErrorOnFailure", false);
    ObjectNode body = DurableFunctionsJson.status(instance, showInput);
    if (showHistory) {
      body.set(
          "historyEvents",
          DurableFunctionsJson.history(
              engine.history(instance.key().hub(), instance.key().instanceId()),
              showHistoryOutput));
    }
    int code;
    if (!instance.isTerminal()) {
      code = 202;
      ctx.header("Location", ctx.fullUrl());
    } else if (failAsError
        && instance.status() == OrchestrationStatus.ORCHESTRATION_STATUS_FAILED) {
      code = 500;
    } else {
      code = 200;
    }
    ctx.status(code).json(body);
  }

  private void list(Context ctx) {
    String hub = hub(ctx);
    long from = Params.time(ctx, "createdTimeFrom", 0);
    long to = Params.time(ctx, "createdTimeTo", Long.MAX_VALUE);
    Params.range("createdTimeFrom", from, "createdTimeTo", to);
    boolean showInput = Params.flag(ctx, "showInput", false);
    String token = ctx.header(CONTINUATION_HEADER);
    InstanceFilter filter =
        new InstanceFilter(
            hub,
            Params.statuses(ctx, "runtimeStatus"),
            new TimeRange(from, to),
            TimeRange.ANY,
            Params.text(ctx, "instanceIdPrefix"),
            "");
    InstancePage page =
        engine.query(
            filter,
            new InstancePageRequest(
                InstanceSort.CREATED_ASC,
                Params.integer(ctx, "top", DEFAULT_TOP, 1, ManagementRoutes.MAX_PAGE_SIZE),
                token == null || token.isEmpty() || token.equals("null") ? null : token));
    ArrayNode body = Json.NODES.arrayNode();
    page.instances()
        .forEach(instance -> body.add(DurableFunctionsJson.status(instance, showInput)));
    if (page.continuationToken() != null) {
      ctx.header(CONTINUATION_HEADER, page.continuationToken());
    }
    ctx.json(body);
  }

  private void raiseEvent(Context ctx) {
    actions.raiseEvent(
        hub(ctx), Params.instanceId(ctx), ctx.pathParam("eventName"), Bodies.jsonText(ctx));
    ctx.status(202);
  }

  private void terminate(Context ctx) {
    actions.terminate(hub(ctx), Params.instanceId(ctx), ctx.queryParam("reason"));
    ctx.status(202);
  }

  private void suspend(Context ctx) {
    actions.suspend(hub(ctx), Params.instanceId(ctx), ctx.queryParam("reason"));
    ctx.status(202);
  }

  private void resume(Context ctx) {
    actions.resume(hub(ctx), Params.instanceId(ctx), ctx.queryParam("reason"));
    ctx.status(202);
  }

  private void restart(Context ctx) {
    String id =
        actions.restart(
            hub(ctx), Params.instanceId(ctx), Params.flag(ctx, "restartWithNewInstanceId", false));
    ctx.status(202).json(Map.of("instanceId", id));
  }

  private void rewind(Context ctx) {
    actions.rewind(hub(ctx), Params.instanceId(ctx), ctx.queryParam("reason"));
    ctx.status(202);
  }

  private void purge(Context ctx) {
    actions.purge(hub(ctx), Params.instanceId(ctx));
    ctx.json(Map.of("instancesDeleted", 1));
  }

  /**
   * Durable Functions requires {@code createdTimeFrom} here, so no call purges a hub by accident.
   */
  private void purgeByFilter(Context ctx) {
    String hub = hub(ctx);
    if (ctx.queryParam("createdTimeFrom") == null) {
      throw new TaskhubException.InvalidArgument("createdTimeFrom is required to purge instances");
    }
    long from = Params.time(ctx, "createdTimeFrom", 0);
    long to = Params.time(ctx, "createdTimeTo", Long.MAX_VALUE);
    Params.range("createdTimeFrom", from, "createdTimeTo", to);
    int deleted = actions.purge(hub, from, to, Params.statuses(ctx, "runtimeStatus"));
    if (deleted == 0) {
      throw new TaskhubException.NotFound("No ended instances matched the filter");
    }
    ctx.json(Map.of("instancesDeleted", deleted));
  }
}
