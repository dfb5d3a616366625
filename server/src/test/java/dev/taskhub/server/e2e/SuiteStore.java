package dev.taskhub.server.e2e;

import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.store.TestPostgres;
import dev.taskhub.server.testing.TestScheduler;

/**
 * The store the semantics suites run on: in memory by default, PostgreSQL (a fresh schema, one
 * cluster node) when the build runs them again with {@code -Dtaskhub.test.store=postgres}, which
 * {@code server/pom.xml} does, so every semantic is checked on both claim-free and claim-driven
 * dispatch.
 */
final class SuiteStore {
  static final String PROPERTY = "taskhub.test.store";

  private SuiteStore() {}

  /** Starts an in-process scheduler (free gRPC port, no HTTP) on the suite's store. */
  static TestScheduler start() {
    return TestScheduler.builder()
        .store(
            "postgres".equals(System.getProperty(PROPERTY))
                ? TestPostgres.newSchema()
                : ServerConfig.MEMORY_STORE)
        .start();
  }
}
