package dev.taskhub.bench;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL store location as the scheduler's {@code --store} takes it ({@code
 * postgresql://user:password@host:port/db?params}, {@code postgres://...} or {@code
 * jdbc:postgresql://host:port/db?user=...}), taken apart for the JDBC driver, which wants user and
 * password separately.
 *
 * @param jdbcUrl the driver URL, without user or password
 * @param user the role, or null for the driver's default
 * @param password the password, or null when the URL has none
 */
record PostgresUrl(String jdbcUrl, String user, String password) {
  private static final String JDBC_PREFIX = "jdbc:postgresql:";
  private static final List<String> PREFIXES = List.of("postgresql://", "postgres://");

  /**
   * Parses a location.
   *
   * @throws IllegalArgumentException if it is not a PostgreSQL URL
   */
  static PostgresUrl parse(String location) {
    String rest;
    if (location.startsWith(JDBC_PREFIX)) {
      rest = location.substring(JDBC_PREFIX.length());
      if (!rest.startsWith("//")) {
        throw new IllegalArgumentException("Expected jdbc:postgresql://host/db, got " + location);
      }
      rest = rest.substring(2);
    } else {
      String prefix =
          PREFIXES.stream()
              .filter(location::startsWith)
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "Not a PostgreSQL URL (postgresql://, postgres:// or"
                              + " jdbc:postgresql://): "
                              + mask(location)));
      rest = location.substring(prefix.length());
    }
    int question = rest.indexOf('?');
    String main = question < 0 ? rest : rest.substring(0, question);
    String user = null;
    String password = null;
    List<String> kept = new ArrayList<>();
    if (question >= 0) {
      for (String parameter : rest.substring(question + 1).split("&")) {
        int equals = parameter.indexOf('=');
        String name = equals < 0 ? parameter : parameter.substring(0, equals);
        String value = equals < 0 ? "" : decode(parameter.substring(equals + 1));
        switch (name) {
          case "" -> {}
          case "user" -> user = value;
          case "password" -> password = value;
          default -> kept.add(parameter);
        }
      }
    }
    // The user info ends at the last '@', so an unescaped '@' in a password still works.
    int at = main.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = main.substring(0, at);
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      if (colon >= 0) {
        password = decode(userInfo.substring(colon + 1));
      }
    }
    String hostAndDatabase = main.substring(at + 1);
    String jdbcUrl =
        "jdbc:postgresql://"
            + (hostAndDatabase.startsWith("/") ? "localhost" : "")
            + hostAndDatabase
            + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    return new PostgresUrl(jdbcUrl, user == null || user.isEmpty() ? null : user, password);
  }

  /** {@code location} with {@code currentSchema} added, so that a store opened on it uses it. */
  static String withSchema(String location, String schema) {
    return location + (location.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** The location with any password in its user info replaced by {@code ***}, for messages. */
  static String mask(String location) {
    return location.replaceAll("://([^:/@]*):[^@]*@", "://$1:***@");
  }

  /** Percent-decoding as in URLs: unlike form decoding, a '+' stays a '+'. */
  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return jdbcUrl + (user == null ? "" : " as " + user);
  }
}
