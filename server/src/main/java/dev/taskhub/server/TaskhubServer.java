package dev.taskhub.server;

import dev.taskhub.server.cluster.ClusterNode;
import dev.taskhub.server.cluster.postgres.PostgresCluster;
import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.engine.SystemTimers;
import dev.taskhub.server.engine.Timers;
import dev.taskhub.server.engine.Tracing;
import dev.taskhub.server.grpc.GrpcEndpoint;
import dev.taskhub.server.http.HttpEndpoint;
import dev.taskhub.server.security.Authenticator;
import dev.taskhub.server.security.Exposure;
import dev.taskhub.server.security.Tls;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.postgres.PostgresLocation;
import dev.taskhub.server.store.sqlite.SqliteStore;
import dev.taskhub.server.tracing.OtelTracing;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root of a scheduler process: store → engine → gRPC and HTTP endpoints. */
public final class TaskhubServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskhubServer.class);

  /** The environment variable with the PostgreSQL password, when neither file nor URL has one. */
  public static final String DB_PASSWORD_ENV = "TASKHUB_DB_PASSWORD";

  private final Timers timers;
  private final Store store;
  private final Engine engine;
  private final GrpcEndpoint grpc;
  private final HttpEndpoint http;
  private final Tls tls;
  private final Tracing tracing;

  private TaskhubServer(
      Timers timers,
      Store store,
      Engine engine,
      GrpcEndpoint grpc,
      HttpEndpoint http,
      Tls tls,
      Tracing tracing) {
    this.timers = timers;
    this.tracing = tracing;
    this.store = store;
    this.engine = engine;
    this.grpc = grpc;
    this.http = http;
    this.tls = tls;
  }

  /** Opens the store, recovers outstanding work and starts listening, on the system clock. */
  public static TaskhubServer start(ServerConfig config) {
    return start(config, SystemTimers.utc());
  }

  /**
   * Like {@link #start(ServerConfig)}, on the given clock and timers (which the server closes when
   * it stops): a test's settable clock drives every timer, lease and heartbeat of the server.
   */
  public static TaskhubServer start(ServerConfig config, Timers timers) {
    return start(
        config,
        timers,
        config.otlpEndpoint() == null ? Tracing.NONE : OtelTracing.otlp(config.otlpEndpoint()));
  }

  /**
   * Like {@link #start(ServerConfig, Timers)}, with spans going to {@code tracing} whatever the
   * config's OTLP endpoint says (tests: an in-memory exporter); the server closes it when it stops.
   */
  public static TaskhubServer start(ServerConfig config, Timers timers, Tracing tracing) {
    InetAddress listen = Exposure.listenAddress(config);
    Authenticator authenticator = Exposure.authenticator(config, timers.clock());
    Optional<Tls> tls = Tls.from(config);
    Store store;
    Engine engine;
    if (ServerConfig.isPostgres(config.store())) {
      // On PostgreSQL a scheduler is always a node: others may join it on the database.
      PostgresCluster.Shared shared = PostgresCluster.open(postgresLocation(config));
      store = shared.store();
      ClusterNode node =
          new ClusterNode(shared.claims(), shared.bus(), timers, config.nodeLease().toMillis());
      engine = new Engine(config, store, timers, node);
    } else {
      store = openStore(config);
      engine = new Engine(config, store, timers);
    }
    engine.traceTo(tracing);
    engine.start();
    GrpcEndpoint grpc =
        new GrpcEndpoint(config, engine, timers.clock(), authenticator, listen, tls).start();
    HttpEndpoint http =
        config.httpPort() < 0
            ? null
            : new HttpEndpoint(config, engine, timers.clock(), authenticator, listen, tls).start();
    log.info(
        "Taskhub scheduler ready: gRPC on port {}, HTTP on port {}, on {}, {}, store {}, task hubs"
            + " {}{}",
        grpc.port(),
        http == null ? "(off)" : http.port(),
        listen.getHostAddress(),
        (tls.isEmpty() ? "plaintext" : tls.get().requiresClientCertificates() ? "mTLS" : "TLS")
            + ", "
            + (config.authenticates() ? "tokens required" : "no authentication"),
        config.storeForDisplay(),
        engine.hubs(),
        engine.nodeId().map(id -> ", cluster node " + id).orElse(""));
    if (tracing != Tracing.NONE) {
      log.info("Tracing: spans exported to {}", config.otlpEndpoint());
    }
    return new TaskhubServer(timers, store, engine, grpc, http, tls.orElse(null), tracing);
  }

  private static Store openStore(ServerConfig config) {
    String location = config.store();
    if (location.equals(ServerConfig.MEMORY_STORE)) {
      return SqliteStore.inMemory();
    }
    return SqliteStore.open(Path.of(location));
  }

  private static PostgresLocation postgresLocation(ServerConfig config) {
    return PostgresLocation.parse(config.store())
        .withPassword(readPassword(config.dbPasswordFile()), System.getenv(DB_PASSWORD_ENV));
  }

  /** The first line of the password file, or null when there is none. */
  private static String readPassword(Path file) {
    if (file == null) {
      return null;
    }
    try {
      String content = Files.readString(file, StandardCharsets.UTF_8);
      int end = content.indexOf('\n');
      String line = end < 0 ? content : content.substring(0, end);
      return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    } catch (IOException e) {
      throw new TaskhubException("Cannot read the database password file " + file + ": " + e, e);
    }
  }

  public int grpcPort() {
    return grpc.port();
  }

  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  public Engine engine() {
    return engine;
  }

  /** Where spans go: {@link Tracing#NONE} without an OTLP endpoint. */
  public Tracing tracing() {
    return tracing;
  }

  /** Ends worker streams with UNAVAILABLE, stops listening, then closes the store. */
  @Override
  public void close() {
    engine.close();
    tracing.close();
    timers.close();
    grpc.close();
    if (http != null) {
      http.close();
    }
    store.close();
    if (tls != null) {
      tls.close();
    }
    log.info("Taskhub scheduler stopped");
  }
}
