package dev.taskhub.server.cluster.postgres;

import dev.taskhub.server.cluster.ClusterMessage;
import dev.taskhub.server.cluster.postgres.PostgresBus.Backoff;
import dev.taskhub.server.cluster.postgres.PostgresBus.Connector;
import dev.taskhub.server.cluster.postgres.PostgresBus.Throttle;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus's listening thread: LISTENs on a connection of its own and hands every other node's
 * message to the handler. When the connection fails it connects again with backoff, LISTENs again
 * and hands the handler a {@link ClusterMessage#resync()}, since whatever was sent meanwhile is
 * lost.
 */
final class PostgresBusListener implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(PostgresBusListener.class);

  /** How long one wait for notifications lasts: also how soon the thread sees that it must stop. */
  private static final int POLL_MILLIS = 500;

  /**
   * Silence after which the connection is tested with a query. A server that vanished without
   * closing the socket (a network partition, a killed VM) is otherwise only noticed by TCP
   * keepalive, hours later; the query fails within the socket timeout.
   */
  private static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final String channel;
  private final Connector connector;
  private final CountDownLatch stopping;
  private final String nodeId;
  private final Consumer<ClusterMessage> handler;
  private final Backoff backoff = new Backoff();
  private final Throttle warnings = new Throttle();

  /** Used by this thread only, except by {@link #abort} when the thread would not stop. */
  private volatile Connection connection;

  private long lastHeardNanos = System.nanoTime();

  PostgresBusListener(
      String channel,
      Connector connector,
      CountDownLatch stopping,
      String nodeId,
      Consumer<ClusterMessage> handler) {
    this.channel = channel;
    this.connector = connector;
    this.stopping = stopping;
    this.nodeId = nodeId;
    this.handler = handler;
  }

  /**
   * LISTENs on {@code listening} before the thread starts, so that a message published once {@link
   * PostgresBus#start} returned is received. If that fails, the thread connects anew and resyncs.
   */
  void listenFirst(Connection listening) {
    try {
      listen(listening);
      connection = listening;
    } catch (SQLException e) {
      PostgresBus.closeQuietly(listening);
      log.warn("Cluster bus cannot LISTEN on {} yet ({}); retrying", channel, e.getMessage());
    }
  }

  @Override
  public void run() {
    try {
      while (stopping.getCount() > 0) {
        if (connection == null && !reconnect()) {
          continue;
        }
        try {
          poll();
        } catch (SQLException e) {
          dropConnection();
          if (stopping.getCount() > 0 && warnings.allow()) {
            log.warn(
                "Cluster bus lost its connection on {} ({}); reconnecting",
                channel,
                e.getMessage());
          }
        } catch (RuntimeException e) {
          // A bug (the handler's exceptions are caught in deliver) must not end the thread:
          // start afresh, and resync, as after a lost connection.
          dropConnection();
          log.warn("Cluster bus on {} failed unexpectedly; reconnecting", channel, e);
        }
      }
    } catch (InterruptedException e) {
      // Nothing in the bus interrupts this thread (close() counts down the stopping latch).
      Thread.currentThread().interrupt();
    } finally {
      PostgresBus.closeQuietly(connection);
    }
  }

  private void dropConnection() {
    PostgresBus.closeQuietly(connection);
    connection = null;
  }

  /** Closes the connection under a wait that outlived {@link PostgresBus#close}'s. */
  void abort() {
    PostgresBus.closeQuietly(connection);
  }

  private boolean reconnect() throws InterruptedException {
    Connection fresh = null;
    try {
      fresh = connector.connect();
      listen(fresh);
    } catch (SQLException e) {
      PostgresBus.closeQuietly(fresh);
      if (warnings.allow()) {
        log.warn("Cluster bus cannot reconnect on {} ({}); retrying", channel, e.getMessage());
      }
      backoff.pause(stopping);
      return false;
    }
    connection = fresh;
    lastHeardNanos = System.nanoTime();
    backoff.reset();
    log.info("Cluster bus reconnected on {}; resyncing", channel);
    deliver(ClusterMessage.resync());
    return true;
  }

  private void listen(Connection listening) throws SQLException {
    try (Statement statement = listening.createStatement()) {
      statement.execute("LISTEN \"" + channel + "\"");
    }
  }

  private void poll() throws SQLException {
    PGNotification[] notifications =
        connection.unwrap(PGConnection.class).getNotifications(POLL_MILLIS);
    long now = System.nanoTime();
    if (notifications != null && notifications.length > 0) {
      lastHeardNanos = now;
      for (PGNotification notification : notifications) {
        receive(notification.getParameter());
      }
    } else if (now - lastHeardNanos > IDLE_CHECK_NANOS) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT 1");
      }
      lastHeardNanos = now;
    }
  }

  private void receive(String payload) {
    Optional<ClusterMessage> message = PostgresBusCodec.decode(payload);
    if (message.isEmpty()) {
      log.debug("Cluster bus skipped a malformed payload on {}: {}", channel, payload);
    } else if (!nodeId.equals(message.get().fromNode())) {
      deliver(message.get());
    }
  }

  private void deliver(ClusterMessage message) {
    try {
      handler.accept(message);
    } catch (RuntimeException e) {
      // The handler's bug must not end the bus: log it where it is caught, and carry on.
      log.warn("Cluster bus handler failed on a {} message", message.kind(), e);
    }
  }
}
