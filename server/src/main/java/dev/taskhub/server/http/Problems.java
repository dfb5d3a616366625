package dev.taskhub.server.http;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.security.AccessDenied;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns exceptions into HTTP problem answers. */
final class Problems {
  private static final Logger log = LoggerFactory.getLogger(Problems.class);
  static final String PROBLEM_JSON = "application/problem+json";
  private static final String TYPE_BASE = "https://taskhub.dev/problems/";

  /**
   * How a family of routes answers an operation on an instance in the wrong state: the management
   * API says 409 Conflict; the Durable Functions API says 410 Gone, as Durable Functions does.
   */
  enum Dialect {
    MANAGEMENT,
    DURABLE_FUNCTIONS
  }

  private Problems() {}

  static Problem toProblem(Exception error, Dialect dialect) {
    return switch (error) {
      case AccessDenied.Unauthenticated e -> problem("unauthenticated", "Unauthenticated", 401, e);
      case AccessDenied.Forbidden e -> problem("forbidden", "Forbidden", 403, e);
      case TaskhubException.NotFound e -> problem("not-found", "Not found", 404, e);
      case TaskhubException.AlreadyExists e -> problem("already-exists", "Already exists", 409, e);
      case TaskhubException.FailedPrecondition e ->
          dialect == Dialect.DURABLE_FUNCTIONS
              ? problem("wrong-state", "Gone", 410, e)
              : problem("wrong-state", "Wrong instance state", 409, e);
      case TaskhubException.LeaseLost e -> problem("conflict", "Conflict", 409, e);
      case TaskhubException.InvalidArgument e -> problem("invalid-argument", "Bad request", 400, e);
      case TaskhubException.DeadlineExceeded e -> problem("timeout", "Timed out", 408, e);
      case TaskhubException.Unimplemented e -> problem("not-offered", "Not implemented", 501, e);
      case TaskhubException.StoreUnavailable e -> {
        log.warn("HTTP request failed: {}", e.getMessage());
        yield problem("store-unavailable", "Store unavailable", 503, e);
      }
      case HttpProblem e -> new Problem("about:blank", e.title, e.status, e.getMessage());
      case HttpResponseException e ->
          new Problem("about:blank", title(e.getStatus()), e.getStatus(), e.getMessage());
      default -> {
        log.error("HTTP request failed unexpectedly", error);
        yield new Problem("about:blank", "Internal server error", 500, error.toString());
      }
    };
  }

  static void answer(Context ctx, Problem problem) {
    if (problem.status() == 401) {
      ctx.header("WWW-Authenticate", "Bearer");
    }
    ctx.status(problem.status()).json(problem).contentType(PROBLEM_JSON);
  }

  static Problem noRoute(String method, String path) {
    return new Problem(
        TYPE_BASE + "no-route", "Not found", 404, "There is no route for " + method + " " + path);
  }

  static Dialect dialectOf(Context ctx) {
    return ctx.path().startsWith(DurableFunctionsRoutes.BASE)
        ? Dialect.DURABLE_FUNCTIONS
        : Dialect.MANAGEMENT;
  }

  private static Problem problem(String type, String title, int status, Exception error) {
    return new Problem(TYPE_BASE + type, title, status, error.getMessage());
  }

  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 404 -> "Not found";
      case 405 -> "Method not allowed";
      default -> "HTTP " + status;
    };
  }
}
