package dev.taskhub.server.dashboard;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.util.Map;

/**
 * The dashboard: plain HTML, CSS and ES modules from {@code resources/dashboard}, served as they
 * are at {@code /} (no build step, nothing loaded from elsewhere). It reads the management API.
 */
public final class Dashboard {
  private Dashboard() {}

  public static void serve(JavalinConfig config) {
    config.staticFiles.add(
        files -> {
          files.hostedPath = "/";
          files.directory = "/dashboard";
          files.location = Location.CLASSPATH;
          // Always revalidate: a new server version must not run against an old cached script.
          files.headers = Map.of("Cache-Control", "no-cache");
        });
  }
}
