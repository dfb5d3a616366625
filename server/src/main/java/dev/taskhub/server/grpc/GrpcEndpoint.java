package dev.taskhub.server.grpc;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.security.Authenticator;
import dev.taskhub.server.security.Tls;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The plaintext HTTP/2 gRPC listener. Calls run on virtual threads: waits and store commits block
 * cheaply, and the worker's stream reader is never stuck behind them.
 */
public final class GrpcEndpoint implements AutoCloseable {
  private final Server server;
  private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

  public GrpcEndpoint(
      ServerConfig config,
      Engine engine,
      Clock clock,
      Authenticator authenticator,
      InetAddress listen,
      Optional<Tls> tls) {
    InetSocketAddress address = new InetSocketAddress(listen, config.grpcPort());
    this.server =
        (tls.isPresent()
                ? NettyServerBuilder.forAddress(address, tls.get().grpcCredentials())
                : NettyServerBuilder.forAddress(address))
            .executor(calls)
            .maxInboundMessageSize(config.maxMessageBytes())
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .addService(
                ServerInterceptors.intercept(
                    new SidecarService(engine, clock, chunks(config, clock)),
                    // The last runs first: the hub is known before the caller is checked in it.
                    new AuthInterceptor(authenticator),
                    new TaskHubInterceptor(config.defaultTaskHub(), engine::findHub)))
            .build();
  }

  /**
   * Chunked orchestrator responses: a whole one may be as large as the largest message accepted,
   * all unfinished ones together four times that; a series lives no longer than its episode's
   * lease.
   */
  private static ResponseChunks chunks(ServerConfig config, Clock clock) {
    long message = config.maxMessageBytes();
    return new ResponseChunks(clock, config.leaseTimeout(), message, 4 * message);
  }

  public GrpcEndpoint start() {
    try {
      server.start();
    } catch (IOException e) {
      throw new TaskhubException("Cannot listen for gRPC: " + e.getMessage(), e);
    }
    return this;
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    calls.shutdownNow();
  }
}
