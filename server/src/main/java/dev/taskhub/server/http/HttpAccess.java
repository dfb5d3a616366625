package dev.taskhub.server.http;

import dev.taskhub.server.security.Access;
import dev.taskhub.server.security.Authenticator;
import dev.taskhub.server.security.Caller;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Authentication and authorization of every HTTP request, in one place, before any route runs:
 * {@code /health}, the dashboard's static files and its sign-in options are open; {@code /metrics}
 * needs a reader unless it was opened; the APIs need what the method asks (reads: reader; changes:
 * contributor) in the task hub the path or the {@code taskHub} parameter names. Refusals are 401 or
 * 403 problem JSON ({@link Problems}).
 */
final class HttpAccess {
  static final String CALLER = "taskhub.caller";
  private static final String HUBS = ManagementRoutes.BASE + "/hubs/";

  private final Authenticator authenticator;
  private final String defaultHub;
  private final boolean metricsOpen;

  HttpAccess(Authenticator authenticator, String defaultHub, boolean metricsOpen) {
    this.authenticator = authenticator;
    this.defaultHub = defaultHub;
    this.metricsOpen = metricsOpen;
  }

  void check(Context ctx) {
    String path = ctx.path();
    boolean api =
        path.startsWith(ManagementRoutes.BASE) || path.startsWith(DurableFunctionsRoutes.BASE);
    boolean metrics = path.equals("/metrics");
    if (!api && (!metrics || metricsOpen) || path.equals(SignInRoute.PATH)) {
      return; // /health, /metrics when opened, the dashboard's files and how it signs in
    }
    Caller caller = authenticator.authenticate(token(ctx));
    ctx.attribute(CALLER, caller);
    if (metrics || path.equals(ManagementRoutes.BASE + "/info")) {
      caller.require(metrics ? Access.READ : Access.ANY, hubOf(ctx));
      return;
    }
    caller.require(
        HttpEndpoint.READS.contains(ctx.method()) ? Access.READ : Access.CHANGE, hubOf(ctx));
  }

  /**
   * The bearer token; the live-update route also takes it as {@code access_token}, since a
   * browser's EventSource cannot send headers.
   */
  private static String token(Context ctx) {
    String header = ctx.header("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).strip();
    }
    if (ctx.path().endsWith("/live") && ctx.method() == HandlerType.GET) {
      return ctx.queryParam("access_token");
    }
    return null;
  }

  /**
   * The hub of {@code /api/v1/hubs/{hub}/…}, else the {@code taskHub} parameter, else the default.
   */
  String hubOf(Context ctx) {
    String path = ctx.path();
    if (path.startsWith(HUBS)) {
      int end = path.indexOf('/', HUBS.length());
      return decode(path.substring(HUBS.length(), end < 0 ? path.length() : end));
    }
    String hub = ctx.queryParam("taskHub");
    return hub == null || hub.isEmpty() ? defaultHub : hub;
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment, StandardCharsets.UTF_8);
  }
}
