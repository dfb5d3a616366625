package dev.taskhub.samples.fanout;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.taskhub.sdk.TaskhubException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's HTTP plumbing: JSON answers, and the one place where failures become problem JSON
 * ({@code application/problem+json}, RFC 9457) with the status that fits them.
 */
final class Exchanges {
  private static final Logger log = LoggerFactory.getLogger(Exchanges.class);

  /** Bodies larger than this are refused before they are parsed. */
  static final int MAX_BODY_BYTES = 1 << 20;

  /** A route's body; it may throw the exceptions {@link #handler} maps. */
  @FunctionalInterface
  interface Route {
    void handle(HttpExchange exchange) throws IOException;
  }

  record Problem(String type, String title, int status, String detail) {}

  private Exchanges() {}

  /** Runs {@code route}, answering its failures as problem JSON. */
  static HttpHandler handler(Route route) {
    return exchange -> {
      try (exchange) {
        try {
          route.handle(exchange);
        } catch (NotFound e) {
          problem(exchange, 404, "Not Found", e.getMessage());
        } catch (MethodNotAllowed e) {
          exchange.getResponseHeaders().set("Allow", e.allowed);
          problem(exchange, 405, "Method Not Allowed", e.getMessage());
        } catch (BadRequestException e) {
          problem(exchange, 400, "Bad Request", e.getMessage());
        } catch (TaskhubException.InstanceNotFound e) {
          problem(exchange, 404, "Not Found", e.getMessage());
        } catch (TaskhubException.FailedPrecondition e) {
          problem(exchange, 410, "Gone", e.getMessage());
        } catch (TaskhubException.Unavailable | TaskhubException.Timeout e) {
          log.warn(
              "{} {}: the scheduler did not answer: {}",
              exchange.getRequestMethod(),
              exchange.getRequestURI(),
              e.getMessage());
          problem(exchange, 503, "Service Unavailable", e.getMessage());
        }
      }
    };
  }

  static byte[] body(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
    if (body.length > MAX_BODY_BYTES) {
      throw new BadRequestException("The body is larger than " + MAX_BODY_BYTES + " bytes");
    }
    return body;
  }

  static void requireMethod(HttpExchange exchange, String method) {
    if (!exchange.getRequestMethod().equalsIgnoreCase(method)) {
      throw new MethodNotAllowed(method);
    }
  }

  /** The scheme, host and port the caller used to reach the app, for URIs it can follow. */
  static URI baseUri(HttpExchange exchange) {
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (host == null || host.isBlank()) {
      host = "localhost:" + exchange.getLocalAddress().getPort();
    }
    return URI.create("http://" + host);
  }

  static void json(HttpExchange exchange, int status, Object body) throws IOException {
    send(exchange, status, "application/json", Json.pretty(body));
  }

  static void problem(HttpExchange exchange, int status, String title, String detail)
      throws IOException {
    send(
        exchange,
        status,
        "application/problem+json",
        Json.pretty(new Problem("about:blank", title, status, detail)));
  }

  private static void send(HttpExchange exchange, int status, String type, String text)
      throws IOException {
    byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** A method the route does not serve: 405 with Allow. */
  static final class MethodNotAllowed extends BadRequestException {
    final String allowed;

    MethodNotAllowed(String allowed) {
      super("This resource answers " + allowed + " only");
      this.allowed = allowed;
    }
  }

  /** A path the app does not serve: 404. */
  static final class NotFound extends RuntimeException {
    NotFound(String path) {
      super("No resource at " + path);
    }
  }
}
