package dev.taskhub.server.engine;

import dev.taskhub.server.config.ServerConfig;

/** The engine's share of the server configuration. */
record EngineSettings(
    long leaseTimeoutMillis, int poisonLimit, int defaultStreamConcurrency, long maxWaitMillis) {
  static EngineSettings from(ServerConfig config) {
    return new EngineSettings(
        config.leaseTimeout().toMillis(),
        config.poisonLimit(),
        config.defaultStreamConcurrency(),
        config.maxWait().toMillis());
  }
}
