package dev.taskhub.server.http;

/**
 * An error that only exists at the HTTP layer (read-only mode, too many live connections), with the
 * status it answers.
 */
final class HttpProblem extends RuntimeException {
  final int status;
  final String title;

  HttpProblem(int status, String title, String detail) {
    super(detail);
    this.status = status;
    this.title = title;
  }

  static HttpProblem readOnly(String method, String path) {
    return new HttpProblem(
        403,
        "Read-only mode",
        "This server runs in read-only mode; " + method + " " + path + " is not allowed");
  }

  static HttpProblem unavailable(String detail) {
    return new HttpProblem(503, "Service unavailable", detail);
  }
}
