package dev.taskhub.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.engine.Schedules;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * A hub's recurring schedules in {@code /api/v1/hubs/{hub}/schedules}: list, create ({@code POST}),
 * get, replace ({@code PUT}), delete, and {@code POST …/{id}/pause}, {@code resume}, {@code
 * trigger} (which answers with the run's instance id). Bodies and answers: {@link ScheduleJson}.
 */
final class ScheduleRoutes {
  private static final String PATH = ManagementRoutes.BASE + "/hubs/{hub}/schedules";
  private static final String ONE = PATH + "/{id}";

  private final Schedules schedules;
  private final InstanceActions actions;

  ScheduleRoutes(Engine engine, InstanceActions actions) {
    this.schedules = engine.schedules();
    this.actions = actions;
  }

  void register(Javalin app) {
    app.get(PATH, this::list);
    app.post(PATH, this::create);
    app.get(ONE, ctx -> ctx.json(ScheduleJson.of(schedules.get(hub(ctx), id(ctx)))));
    app.put(ONE, this::update);
    app.delete(ONE, this::delete);
    app.post(ONE + "/pause", ctx -> ctx.json(ScheduleJson.of(schedules.pause(hub(ctx), id(ctx)))));
    app.post(
        ONE + "/resume", ctx -> ctx.json(ScheduleJson.of(schedules.resume(hub(ctx), id(ctx)))));
    app.post(ONE + "/trigger", this::trigger);
  }

  private void list(Context ctx) {
    ArrayNode items = Json.NODES.arrayNode();
    schedules.list(hub(ctx)).forEach(schedule -> items.add(ScheduleJson.of(schedule)));
    ObjectNode body = Json.NODES.objectNode();
    body.set("schedules", items);
    ctx.json(body);
  }

  private void create(Context ctx) {
    JsonNode body = Bodies.json(ctx);
    String id = ScheduleJson.id(body);
    if (id == null) {
      throw new TaskhubException.InvalidArgument("id (the schedule's name) is required");
    }
    ctx.status(201)
        .json(ScheduleJson.of(schedules.create(hub(ctx), id, ScheduleJson.definition(body))));
  }

  private void update(Context ctx) {
    JsonNode body = Bodies.json(ctx);
    String id = ScheduleJson.id(body);
    if (id != null && !id.equals(id(ctx))) {
      throw new TaskhubException.InvalidArgument(
          "The body's id '" + id + "' is not the path's '" + id(ctx) + "'");
    }
    ctx.json(ScheduleJson.of(schedules.update(hub(ctx), id(ctx), ScheduleJson.definition(body))));
  }

  private void delete(Context ctx) {
    schedules.delete(hub(ctx), id(ctx));
    ctx.status(204);
  }

  private void trigger(Context ctx) {
    String instanceId = schedules.trigger(hub(ctx), id(ctx));
    ObjectNode body = Json.NODES.objectNode();
    body.put("instanceId", instanceId);
    ctx.status(202).json(body);
  }

  private String hub(Context ctx) {
    return actions.hub(ctx.pathParam("hub"));
  }

  private static String id(Context ctx) {
    return ctx.pathParam("id");
  }
}
