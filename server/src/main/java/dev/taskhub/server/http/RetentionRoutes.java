package dev.taskhub.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.config.RetentionPolicy;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.engine.Retention;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * A hub's retention policy in {@code /api/v1}: read it, give the hub its own ({@code PUT} with
 * {@code {"policy": "completed=7d,failed=30d"}}), or return it to the server's ({@code DELETE}). A
 * change applies at once.
 */
final class RetentionRoutes {
  private static final String PATH = ManagementRoutes.BASE + "/hubs/{hub}/retention";

  private final Retention retention;
  private final InstanceActions actions;

  RetentionRoutes(Engine engine, InstanceActions actions) {
    this.retention = engine.retention();
    this.actions = actions;
  }

  void register(Javalin app) {
    app.get(PATH, this::get);
    app.put(PATH, this::put);
    app.delete(PATH, this::delete);
  }

  private void get(Context ctx) {
    String hub = actions.hub(ctx.pathParam("hub"));
    ctx.json(body(hub, retention.policy(hub)));
  }

  private void put(Context ctx) {
    String hub = actions.hub(ctx.pathParam("hub"));
    String text = Bodies.field(ctx, "policy");
    if (text == null || text.isBlank()) {
      throw new TaskhubException.InvalidArgument(
          "policy is required, e.g. {\"policy\": \"completed=7d,failed=30d,terminated=7d\"}");
    }
    RetentionPolicy policy;
    try {
      policy = RetentionPolicy.parse(text);
    } catch (IllegalArgumentException e) {
      throw new TaskhubException.InvalidArgument(e.getMessage());
    }
    retention.setPolicy(hub, policy);
    ctx.json(body(hub, retention.policy(hub)));
  }

  private void delete(Context ctx) {
    String hub = actions.hub(ctx.pathParam("hub"));
    retention.setPolicy(hub, null);
    ctx.json(body(hub, retention.policy(hub)));
  }

  private static ObjectNode body(String hub, Retention.Policy policy) {
    ObjectNode body = Json.NODES.objectNode();
    body.put("hub", hub);
    body.put("policy", policy.policy().format());
    body.put("source", policy.own() ? "hub" : "server");
    ObjectNode keep = body.putObject("keep");
    policy
        .policy()
        .keep()
        .forEach((status, duration) -> keep.put(Json.status(status), duration.toString()));
    return body;
  }
}
