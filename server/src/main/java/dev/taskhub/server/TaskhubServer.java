package dev.taskhub.server;

import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.grpc.GrpcEndpoint;
import dev.taskhub.server.http.HttpEndpoint;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root of a scheduler process: store → engine → gRPC and HTTP endpoints. */
public final class TaskhubServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskhubServer.class);

  private final Store store;
  private final Engine engine;
  private final GrpcEndpoint grpc;
  private final HttpEndpoint http;

  private TaskhubServer(Store store, Engine engine, GrpcEndpoint grpc, HttpEndpoint http) {
    this.store = store;
    this.engine = engine;
    this.grpc = grpc;
    this.http = http;
  }

  /** Opens the store, recovers outstanding work and starts listening. */
  public static TaskhubServer start(ServerConfig config) {
    Clock clock = Clock.systemUTC();
    Store store = openStore(config.store());
    Engine engine = new Engine(config, store, clock);
    engine.start();
    GrpcEndpoint grpc = new GrpcEndpoint(config, engine, clock).start();
    HttpEndpoint http =
        config.httpPort() < 0 ? null : new HttpEndpoint(config, engine).start(config.httpPort());
    log.info(
        "Taskhub scheduler ready: gRPC on port {}, HTTP on port {}, store {}, task hubs {}",
        grpc.port(),
        http == null ? "(off)" : http.port(),
        config.store(),
        config.taskHubs());
    return new TaskhubServer(store, engine, grpc, http);
  }

  private static Store openStore(String location) {
    if (location.equals(ServerConfig.MEMORY_STORE)) {
      return SqliteStore.inMemory();
    }
    if (location.startsWith("postgres")) {
      // TODO(#7): the PostgreSQL store.
      throw new TaskhubException("PostgreSQL stores are not supported yet; use a SQLite file path");
    }
    return SqliteStore.open(Path.of(location));
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

  /** Ends worker streams with UNAVAILABLE, stops listening, then closes the store. */
  @Override
  public void close() {
    engine.close();
    grpc.close();
    if (http != null) {
      http.close();
    }
    store.close();
    log.info("Taskhub scheduler stopped");
  }
}
