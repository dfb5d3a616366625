package dev.taskhub.server.store.postgres;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.config.ServerConfig;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a PostgreSQL store lives, parsed from what a user writes after {@code --store}: a libpq URL
 * ({@code postgresql://user:password@host:port/db?sslmode=require}, or {@code postgres://...}) or a
 * JDBC URL ({@code jdbc:postgresql://host:port/db?user=...}). The user and password are taken out
 * of the URL and handed to the driver separately, so the URL can be logged; {@link #toString()}
 * never shows the password.
 *
 * @param jdbcUrl the driver URL, without user or password; other parameters are passed through
 * @param user the role to log in as, or null for the driver's default
 * @param password the password, or null when none was given (trust, or {@code ~/.pgpass})
 * @param display the location as the user wrote it, with the password masked ({@link
 *     ServerConfig#maskPassword})
 */
public record PostgresLocation(String jdbcUrl, String user, String password, String display) {
  private static final String JDBC_PREFIX = "jdbc:postgresql:";
  private static final List<String> URL_PREFIXES = List.of("postgresql://", "postgres://");

  /**
   * Parses a location for which {@link dev.taskhub.server.config.ServerConfig#isPostgres} holds.
   *
   * @throws TaskhubException.InvalidArgument if it is malformed; the message never repeats the
   *     password
   */
  public static PostgresLocation parse(String location) {
    if (location.startsWith(JDBC_PREFIX)) {
      return parseJdbc(location);
    }
    String prefix =
        URL_PREFIXES.stream()
            .filter(location::startsWith)
            .findFirst()
            .orElseThrow(
                () ->
                    new TaskhubException.InvalidArgument(
                        "Not a PostgreSQL URL (postgresql://, postgres:// or jdbc:postgresql:)"));
    String rest = location.substring(prefix.length());
    int question = rest.indexOf('?');
    Query query = Query.parse(question < 0 ? "" : rest.substring(question + 1));
    String main = question < 0 ? rest : rest.substring(0, question);
    // The user info ends at the last '@', so an unescaped '@' or '/' in a password still works.
    int at = main.lastIndexOf('@');
    String user = query.user;
    String password = query.password;
    if (at >= 0) {
      String userInfo = main.substring(0, at);
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      if (colon >= 0) {
        password = decode(userInfo.substring(colon + 1));
      }
    }
    String hostsAndDatabase = main.substring(at + 1);
    int slash = hostsAndDatabase.indexOf('/');
    String hosts = slash < 0 ? hostsAndDatabase : hostsAndDatabase.substring(0, slash);
    String database = slash < 0 ? "" : hostsAndDatabase.substring(slash + 1);
    String jdbcUrl =
        "jdbc:postgresql://"
            + (hosts.isEmpty() ? "localhost" : hosts)
            + "/"
            + database
            + query.suffix();
    return new PostgresLocation(
        jdbcUrl, emptyToNull(user), password, ServerConfig.maskPassword(location));
  }

  private static PostgresLocation parseJdbc(String location) {
    int question = location.indexOf('?');
    String main = question < 0 ? location : location.substring(0, question);
    Query query = Query.parse(question < 0 ? "" : location.substring(question + 1));
    return new PostgresLocation(
        main + query.suffix(),
        emptyToNull(query.user),
        query.password,
        ServerConfig.maskPassword(location));
  }

  /**
   * The same location with the password that wins: a password file's beats the URL's, which beats
   * the environment's.
   *
   * @param fromFile the content of {@code --db-password-file}, or null
   * @param fromEnvironment {@code TASKHUB_DB_PASSWORD}, or null
   */
  public PostgresLocation withPassword(String fromFile, String fromEnvironment) {
    String chosen = fromFile != null ? fromFile : password != null ? password : fromEnvironment;
    return new PostgresLocation(jdbcUrl, user, chosen, display);
  }

  @Override
  public String toString() {
    return display;
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  /** Percent-decoding as in URLs: unlike form decoding, a '+' stays a '+'. */
  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new TaskhubException.InvalidArgument(
          "The user or password of the PostgreSQL URL has a malformed %-escape");
    }
  }

  /** The query string, with user and password taken out and everything else kept as written. */
  private record Query(String user, String password, List<String> kept) {
    static Query parse(String query) {
      String user = null;
      String password = null;
      List<String> kept = new ArrayList<>();
      for (String parameter : query.split("&")) {
        if (parameter.isEmpty()) {
          continue;
        }
        int equals = parameter.indexOf('=');
        String name = equals < 0 ? parameter : parameter.substring(0, equals);
        String value = equals < 0 ? "" : decode(parameter.substring(equals + 1));
        switch (name) {
          case "user" -> user = value;
          case "password" -> password = value;
          default -> kept.add(parameter);
        }
      }
      return new Query(user, password, kept);
    }

    String suffix() {
      return kept.isEmpty() ? "" : "?" + String.join("&", kept);
    }
  }
}
