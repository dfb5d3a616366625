package dev.taskhub.server.cluster.postgres;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.cluster.ClusterBus;
import dev.taskhub.server.cluster.ClusterMessage;
import dev.taskhub.server.store.postgres.PostgresLocation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster bus over PostgreSQL's LISTEN/NOTIFY, on two plain driver connections of its own (not
 * the store's pools): one that listens, one that sends.
 *
 * <p><b>One channel per schema.</b> NOTIFY channels belong to the database, but several stores may
 * share a database in different schemas (the URL's {@code currentSchema}). The channel is therefore
 * {@code taskhub_} followed by a hash of the connection's current schema, so stores in different
 * schemas never hear each other.
 *
 * <p><b>Threads.</b> {@link #publish} only merges the message into a bounded {@link
 * PostgresBusOutbox}; the {@code taskhub-bus-send} thread ({@link PostgresBusSender}) sends what
 * gathered in one round trip, and the {@code taskhub-bus-listen} thread ({@link
 * PostgresBusListener}) runs the handler. Both outlive a database restart: they connect again with
 * backoff, and the listener then has the node resync.
 */
public final class PostgresBus implements ClusterBus {
  private static final Logger log = LoggerFactory.getLogger(PostgresBus.class);

  /** Instance ids waiting to be sent, at most; past it a hub's ids become one WORK for the hub. */
  static final int MAX_QUEUED_INSTANCE_IDS = 100_000;

  /** How long {@link #close} waits for each thread: the last send, the listener's current poll. */
  private static final long CLOSE_WAIT_MILLIS = 1_000;

  private final String channel;
  private final String schema;
  private final Connector connector;
  private final PostgresBusOutbox outbox = new PostgresBusOutbox(MAX_QUEUED_INSTANCE_IDS);
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final Throttle overflowWarnings = new Throttle();
  private final PostgresBusSender sender;
  private final Thread sendThread;

  /** Set by {@link #start}; the listening connection is the listener's from then on. */
  private Connection listening;

  private PostgresBusListener listener;
  private Thread listenThread;
  private boolean closed;

  private PostgresBus(
      String schema, Connector connector, Connection sending, Connection listening) {
    this.schema = schema;
    this.channel = channelFor(schema);
    this.connector = connector;
    this.listening = listening;
    this.sender = new PostgresBusSender(outbox, channel, sending, connector, stopping);
    this.sendThread = Thread.ofPlatform().name("taskhub-bus-send").daemon().unstarted(sender);
  }

  /**
   * Connects to the database of a store; messages can be published at once, and are received once
   * {@link #start} is called.
   *
   * @throws TaskhubException.StoreUnavailable if the database cannot be reached
   */
  public static PostgresBus open(PostgresLocation location) {
    Connector connector = () -> connect(location);
    Connection sending = null;
    Connection listening = null;
    try {
      sending = connector.connect();
      String schema = currentSchema(sending);
      listening = connector.connect();
      PostgresBus bus = new PostgresBus(schema, connector, sending, listening);
      bus.sendThread.start();
      return bus;
    } catch (SQLException e) {
      closeQuietly(sending);
      closeQuietly(listening);
      throw new TaskhubException.StoreUnavailable(
          "Cannot open the cluster bus on PostgreSQL " + location + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Returns once this bus LISTENs (or, if the database is unreachable just then, once the
   * listener is retrying: it resyncs when it gets through).
   *
   * @throws IllegalStateException if the bus was started before or is closed
   */
  @Override
  public synchronized void start(String nodeId, Consumer<ClusterMessage> handler) {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(handler, "handler");
    if (listener != null || closed) {
      throw new IllegalStateException(
          "The cluster bus on " + channel + " was already started or closed");
    }
    listener = new PostgresBusListener(channel, connector, stopping, nodeId, handler);
    listener.listenFirst(listening);
    listening = null;
    listenThread = Thread.ofPlatform().name("taskhub-bus-listen").daemon().unstarted(listener);
    listenThread.start();
    log.info("Cluster bus on PostgreSQL channel {} (schema {})", channel, schema);
  }

  @Override
  public void publish(ClusterMessage message) {
    // RESYNC is a local event, never sent.
    if (message == null || message.kind() == ClusterMessage.Kind.RESYNC) {
      return;
    }
    if (outbox.add(message) == PostgresBusOutbox.Outcome.REPLACED_BY_WORK
        && overflowWarnings.allow()) {
      log.warn(
          "Cluster bus on {}: over {} instance ids wait to be sent; sending WORK per hub instead"
              + " (other nodes scan the hub). This warning repeats at most every {} s",
          channel,
          MAX_QUEUED_INSTANCE_IDS,
          Throttle.INTERVAL.toSeconds());
    }
  }

  /** Sends what is queued (waiting about a second at most), then stops both threads. */
  @Override
  public void close() {
    Thread listenerThread;
    PostgresBusListener startedListener;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      closeQuietly(listening); // never started
      listenerThread = listenThread;
      startedListener = listener;
    }
    outbox.close();
    stopping.countDown();
    stopWithin(sendThread, sender::abort);
    // A handler may close the bus: its own thread then ends when the handler returns.
    if (listenerThread != null && listenerThread != Thread.currentThread()) {
      stopWithin(listenerThread, startedListener::abort);
    }
  }

  /** The channel of this bus's schema. */
  String channel() {
    return channel;
  }

  /** {@code taskhub_} and 16 hex digits of the schema name's SHA-256: stable, short, no quoting. */
  static String channelFor(String schema) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(schema.getBytes(StandardCharsets.UTF_8));
      return "taskhub_" + HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
  }

  static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("Closing a cluster bus connection failed: {}", e.getMessage());
    }
  }

  private static void stopWithin(Thread thread, Runnable abort) {
    try {
      thread.join(CLOSE_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.debug("Cluster bus thread {} did not stop in time; closing its connection", thread);
      abort.run();
    }
  }

  /**
   * A plain driver connection (autocommit) with short timeouts like the store's pools, so that a
   * database that went away is noticed within seconds.
   */
  private static Connection connect(PostgresLocation location) throws SQLException {
    Properties properties = new Properties();
    if (location.user() != null) {
      properties.setProperty("user", location.user());
    }
    if (location.password() != null) {
      properties.setProperty("password", location.password());
    }
    // Driver defaults; parameters in the URL win over these.
    properties.setProperty("connectTimeout", "5");
    properties.setProperty("socketTimeout", "10");
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("ApplicationName", "taskhub-bus");
    return DriverManager.getConnection(location.jdbcUrl(), properties);
  }

  private static String currentSchema(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT current_schema()")) {
      row.next();
      // Null when no schema on the search path exists: such a store cannot work anyway.
      return Objects.requireNonNullElse(row.getString(1), "");
    }
  }

  /** Opens a new connection to the bus's database. */
  @FunctionalInterface
  interface Connector {
    Connection connect() throws SQLException;
  }

  /** Reconnection delays: 100 ms, doubling up to 5 s, back to 100 ms after a success. */
  static final class Backoff {
    private static final long FIRST_MILLIS = 100;
    private static final long MAX_MILLIS = 5_000;
    private long nextMillis = FIRST_MILLIS;

    void reset() {
      nextMillis = FIRST_MILLIS;
    }

    /** Waits the current delay, or less if the bus is stopping, and doubles the next one. */
    void pause(CountDownLatch stopping) throws InterruptedException {
      stopping.await(nextMillis, TimeUnit.MILLISECONDS);
      nextMillis = Math.min(nextMillis * 2, MAX_MILLIS);
    }
  }

  /** Lets a repeated warning through at most once per {@link #INTERVAL}, from any thread. */
  static final class Throttle {
    static final Duration INTERVAL = Duration.ofSeconds(10);
    private final AtomicLong nextAllowedNanos = new AtomicLong(System.nanoTime());

    boolean allow() {
      long now = System.nanoTime();
      long next = nextAllowedNanos.get();
      return now - next >= 0 && nextAllowedNanos.compareAndSet(next, now + INTERVAL.toNanos());
    }
  }
}
