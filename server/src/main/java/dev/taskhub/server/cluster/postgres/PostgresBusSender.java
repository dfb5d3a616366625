package dev.taskhub.server.cluster.postgres;

import dev.taskhub.server.cluster.ClusterMessage;
import dev.taskhub.server.cluster.postgres.PostgresBus.Backoff;
import dev.taskhub.server.cluster.postgres.PostgresBus.Connector;
import dev.taskhub.server.cluster.postgres.PostgresBus.Throttle;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus's sending thread: takes everything the outbox merged since the last send and sends it in
 * one round trip, on a connection of its own (autocommit, so each send is one short transaction).
 *
 * <p>A send that fails is dropped, not retried later: the receivers will have lost their own
 * connection too (and resync), or scan soon. The one exception is a connection that went stale
 * while idle (the database restarted between two sends): the first failure on it is retried once on
 * a new connection, so a restart does not cost the first hint after it. A NOTIFY sent twice is
 * harmless.
 */
final class PostgresBusSender implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(PostgresBusSender.class);

  /** One statement for any number of payloads: a single round trip and a single transaction. */
  private static final String NOTIFY =
      "SELECT pg_notify(?, payload) FROM unnest(?::text[]) AS payload";

  private final PostgresBusOutbox outbox;
  private final String channel;
  private final Connector connector;
  private final CountDownLatch stopping;
  private final Backoff backoff = new Backoff();
  private final Throttle warnings = new Throttle();

  /** Used by this thread only, except by {@link #abort} when the thread would not stop. */
  private volatile Connection connection;

  PostgresBusSender(
      PostgresBusOutbox outbox,
      String channel,
      Connection connection,
      Connector connector,
      CountDownLatch stopping) {
    this.outbox = outbox;
    this.channel = channel;
    this.connection = connection;
    this.connector = connector;
    this.stopping = stopping;
  }

  @Override
  public void run() {
    try {
      while (true) {
        List<ClusterMessage> messages = outbox.takeAll();
        if (messages.isEmpty()) {
          return; // closed and flushed
        }
        if (!sendAll(messages)) {
          // Nobody waits on the pause but new messages, which merge meanwhile.
          backoff.pause(stopping);
        }
      }
    } catch (InterruptedException e) {
      // Nothing in the bus interrupts this thread (close() signals the outbox instead).
      Thread.currentThread().interrupt();
    } finally {
      PostgresBus.closeQuietly(connection);
    }
  }

  /** Closes the connection under a send that outlived {@link PostgresBus#close}'s wait. */
  void abort() {
    PostgresBus.closeQuietly(connection);
  }

  private boolean sendAll(List<ClusterMessage> messages) {
    try {
      List<String> payloads = new ArrayList<>();
      messages.forEach(message -> payloads.addAll(PostgresBusCodec.encode(message)));
      return payloads.isEmpty() || send(payloads);
    } catch (RuntimeException e) {
      // A bug must not silence this node for good: the batch is lost, the thread carries on.
      log.warn(
          "Cluster bus on {} dropped {} message(s) on an unexpected error",
          channel,
          messages.size(),
          e);
      return false;
    }
  }

  private boolean send(List<String> payloads) {
    boolean mayBeStale = connection != null;
    try {
      sendOnce(payloads);
      backoff.reset();
      return true;
    } catch (SQLException first) {
      PostgresBus.closeQuietly(connection);
      connection = null;
      if (mayBeStale && stopping.getCount() > 0) {
        try {
          sendOnce(payloads);
          backoff.reset();
          return true;
        } catch (SQLException second) {
          first.addSuppressed(second);
          PostgresBus.closeQuietly(connection);
          connection = null;
        }
      }
      if (warnings.allow()) {
        log.warn(
            "Cluster bus cannot send on {}: dropped {} notification(s); other nodes will see"
                + " the work when they scan ({}). Retrying with backoff; this warning repeats at"
                + " most every {} s",
            channel,
            payloads.size(),
            first.getMessage(),
            Throttle.INTERVAL.toSeconds());
      }
      return false;
    }
  }

  private void sendOnce(List<String> payloads) throws SQLException {
    if (connection == null) {
      connection = connector.connect();
    }
    try (PreparedStatement notify = connection.prepareStatement(NOTIFY)) {
      notify.setString(1, channel);
      notify.setArray(2, connection.createArrayOf("text", payloads.toArray()));
      notify.execute();
    }
  }
}
