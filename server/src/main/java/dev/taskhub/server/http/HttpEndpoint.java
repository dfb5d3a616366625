package dev.taskhub.server.http;

import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.engine.Engine;
import io.javalin.Javalin;
import java.util.LinkedHashMap;
import java.util.Map;

/** The HTTP listener: {@code /health} now; the management API and dashboard will live here too. */
public final class HttpEndpoint implements AutoCloseable {
  private final Javalin app;

  public HttpEndpoint(ServerConfig config, Engine engine) {
    this.app = Javalin.create(javalin -> javalin.showJavalinBanner = false);
    app.get(
        "/health",
        ctx -> {
          Map<String, Object> body = new LinkedHashMap<>();
          boolean storeUp = engine.storeReachable();
          body.put("status", storeUp ? "UP" : "DOWN");
          body.put("store", storeUp ? "UP" : "DOWN");
          body.put("connectedWorkers", engine.connectedWorkers());
          body.put("taskHubs", config.taskHubs());
          ctx.status(storeUp ? 200 : 503).json(body);
        });
  }

  public HttpEndpoint start(int port) {
    app.start(port);
    return this;
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
