package dev.taskhub.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything a scheduler process is configured with. Validated on construction, so a running server
 * never holds an impossible setting.
 *
 * @param store where state lives: a SQLite file path, {@code :memory:} for a throwaway store, or a
 *     PostgreSQL URL ({@code postgresql://user@host:port/db}, {@code postgres://...}, {@code
 *     jdbc:postgresql://...}); its password, if any, is never logged
 * @param grpcPort gRPC port (0 picks a free one)
 * @param httpPort HTTP port for health, API and dashboard (0 picks a free one, -1 disables HTTP)
 * @param taskHubs task hub names served; the first is used when a call names none
 * @param maxPayloadBytes largest input, output, event payload or custom status accepted
 * @param maxMessageBytes largest gRPC message accepted
 * @param leaseTimeout how long a dispatched work item may stay uncompleted before it is given back
 * @param poisonLimit deliveries of one work item without completion before it is failed for good
 * @param defaultStreamConcurrency work items in flight on a stream that states no limits of its own
 * @param maxWait longest a WaitFor* call blocks, whatever its deadline
 * @param readOnly whether the HTTP APIs and dashboard refuse every change (views only)
 * @param dbPasswordFile a file holding the PostgreSQL password (its first line), or null; it wins
 *     over a password in the URL and over {@code TASKHUB_DB_PASSWORD}
 * @param nodeLease with several nodes on one PostgreSQL database: how long a node's claims on work
 *     outlive its last heartbeat (a node that dies hands its work over after this long)
 * @param allowHubManagement whether {@code CreateTaskHub} and {@code DeleteTaskHub} may create task
 *     hubs at run time and delete hubs with all their data (off: they answer UNIMPLEMENTED)
 * @param authTokens the token file ({@code NAME SHA256-HEX ROLES HUBS} lines), or null for no
 *     authentication
 * @param bind the address both ports listen on, or null: loopback without authentication, every
 *     interface with it
 * @param allowUnauthenticated whether the server may listen beyond loopback without authentication
 * @param metricsOpen whether {@code /metrics} is served without credentials when authentication is
 *     on
 * @param tlsCert PEM certificate (chain) both ports present, or null for plaintext
 * @param tlsKey PEM (PKCS#8) private key of {@code tlsCert}, or null
 * @param tlsClientCa PEM CA certificates client certificates must chain to (mTLS), or null
 * @param oidc OpenID Connect JWTs accepted as bearer tokens, or null
 * @param retention how long ended instances are kept, per final status
 * @param otlpEndpoint where traces are exported over OTLP/HTTP (protobuf), an {@code http} or
 *     {@code https} URL; a URL without a path gets the collector's {@code /v1/traces}; null (the
 *     default) traces nothing
 */
public record ServerConfig(
    String store,
    int grpcPort,
    int httpPort,
    List<String> taskHubs,
    int maxPayloadBytes,
    int maxMessageBytes,
    Duration leaseTimeout,
    int poisonLimit,
    int defaultStreamConcurrency,
    Duration maxWait,
    boolean readOnly,
    Path dbPasswordFile,
    Duration nodeLease,
    boolean allowHubManagement,
    Path authTokens,
    String bind,
    boolean allowUnauthenticated,
    boolean metricsOpen,
    Path tlsCert,
    Path tlsKey,
    Path tlsClientCa,
    OidcSettings oidc,
    RetentionPolicy retention,
    URI otlpEndpoint) {

  public static final String MEMORY_STORE = ":memory:";
  public static final int MAX_INSTANCE_ID_LENGTH = 100;

  public ServerConfig {
    Objects.requireNonNull(store, "store");
    taskHubs = List.copyOf(taskHubs);
    Objects.requireNonNull(retention, "retention");
    if (taskHubs.isEmpty()) {
      throw new IllegalArgumentException("at least one task hub must be configured");
    }
    requirePort("grpcPort", grpcPort, 0);
    requirePort("httpPort", httpPort, -1);
    requirePositive("maxPayloadBytes", maxPayloadBytes);
    requirePositive("maxMessageBytes", maxMessageBytes);
    requirePositive("poisonLimit", poisonLimit);
    requirePositive("defaultStreamConcurrency", defaultStreamConcurrency);
    if (leaseTimeout.isNegative() || leaseTimeout.isZero()) {
      throw new IllegalArgumentException("leaseTimeout must be positive, was " + leaseTimeout);
    }
    if (maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("maxWait must be positive, was " + maxWait);
    }
    if (nodeLease.toMillis() < 400) {
      throw new IllegalArgumentException("nodeLease must be at least 400 ms, was " + nodeLease);
    }
    otlpEndpoint = otlpEndpoint == null ? null : otlpTracesUrl(otlpEndpoint);
    if (dbPasswordFile != null && !isPostgres(store)) {
      throw new IllegalArgumentException(
          "dbPasswordFile applies to a PostgreSQL store only; the store is " + store);
    }
  }

  /**
   * An OTLP/HTTP endpoint as exporters take it: the collector's traces path when none is given.
   *
   * @throws IllegalArgumentException if it is not an absolute http(s) URL with a host
   */
  private static URI otlpTracesUrl(URI endpoint) {
    String scheme = endpoint.getScheme();
    if (scheme == null
        || !(scheme.equals("http") || scheme.equals("https"))
        || endpoint.getHost() == null) {
      throw new IllegalArgumentException(
          "otlpEndpoint must be an http:// or https:// URL with a host, was " + endpoint);
    }
    String path = endpoint.getRawPath();
    return path == null || path.isEmpty() || path.equals("/")
        ? endpoint.resolve("/v1/traces")
        : endpoint;
  }

  /** True when {@code store} names a PostgreSQL database rather than a SQLite file. */
  public static boolean isPostgres(String store) {
    return store.startsWith("postgresql://")
        || store.startsWith("postgres://")
        || store.startsWith("jdbc:postgresql:");
  }

  /** The store location with any password in it masked, for logs and messages. */
  public String storeForDisplay() {
    return maskPassword(store);
  }

  /**
   * A store location with the password masked: the user info's after its first ':' (up to the last
   * '@', so that an unescaped '@' or '/' in it is masked too) and a {@code password} parameter's.
   */
  public static String maskPassword(String store) {
    if (!isPostgres(store)) {
      return store;
    }
    return store
        .replaceAll("^([a-z:]+//[^/?@:]*):.*@", "$1:***@")
        .replaceAll("([?&]password=)[^&]*", "$1***");
  }

  /** Like the record's own, but with the store's password masked. */
  @Override
  public String toString() {
    return "ServerConfig[store="
        + storeForDisplay()
        + ", grpcPort="
        + grpcPort
        + ", httpPort="
        + httpPort
        + ", taskHubs="
        + taskHubs
        + ", maxPayloadBytes="
        + maxPayloadBytes
        + ", maxMessageBytes="
        + maxMessageBytes
        + ", leaseTimeout="
        + leaseTimeout
        + ", poisonLimit="
        + poisonLimit
        + ", defaultStreamConcurrency="
        + defaultStreamConcurrency
        + ", maxWait="
        + maxWait
        + ", readOnly="
        + readOnly
        + ", dbPasswordFile="
        + dbPasswordFile
        + ", nodeLease="
        + nodeLease
        + ", allowHubManagement="
        + allowHubManagement
        + ", authTokens="
        + authTokens
        + ", bind="
        + bind
        + ", allowUnauthenticated="
        + allowUnauthenticated
        + ", metricsOpen="
        + metricsOpen
        + ", tlsCert="
        + tlsCert
        + ", tlsKey="
        + tlsKey
        + ", tlsClientCa="
        + tlsClientCa
        + ", oidc="
        + oidc
        + ", retention="
        + retention
        + ", otlpEndpoint="
        + otlpEndpoint
        + "]";
  }

  /**
   * The defaults of {@code taskhub serve}: ports of the DTS emulator, store under ./taskhub-data.
   */
  public static ServerConfig defaults() {
    return new ServerConfig(
        Path.of("taskhub-data", "taskhub.db").toString(),
        8080,
        8082,
        List.of("default"),
        1 << 20,
        64 << 20,
        Duration.ofMinutes(10),
        10,
        1,
        Duration.ofMinutes(10),
        false,
        null,
        Duration.ofSeconds(10),
        false,
        null,
        null,
        false,
        false,
        null,
        null,
        null,
        null,
        RetentionPolicy.NONE,
        null);
  }

  /** Defaults for tests: in-memory store, free ports. */
  public static ServerConfig forTests() {
    return defaults().withStore(MEMORY_STORE).withPorts(0, 0);
  }

  public ServerConfig withStore(String newStore) {
    return copy(c -> c.store = newStore);
  }

  public ServerConfig withPorts(int newGrpcPort, int newHttpPort) {
    return copy(
        c -> {
          c.grpcPort = newGrpcPort;
          c.httpPort = newHttpPort;
        });
  }

  public ServerConfig withTaskHubs(List<String> newTaskHubs) {
    return copy(c -> c.taskHubs = newTaskHubs);
  }

  public ServerConfig withMaxPayloadBytes(int newMaxPayloadBytes) {
    return copy(c -> c.maxPayloadBytes = newMaxPayloadBytes);
  }

  public ServerConfig withLeaseTimeout(Duration newLeaseTimeout) {
    return copy(c -> c.leaseTimeout = newLeaseTimeout);
  }

  public ServerConfig withPoisonLimit(int newPoisonLimit) {
    return copy(c -> c.poisonLimit = newPoisonLimit);
  }

  public ServerConfig withDefaultStreamConcurrency(int concurrency) {
    return copy(c -> c.defaultStreamConcurrency = concurrency);
  }

  public ServerConfig withReadOnly(boolean newReadOnly) {
    return copy(c -> c.readOnly = newReadOnly);
  }

  public ServerConfig withDbPasswordFile(Path newDbPasswordFile) {
    return copy(c -> c.dbPasswordFile = newDbPasswordFile);
  }

  public ServerConfig withNodeLease(Duration newNodeLease) {
    return copy(c -> c.nodeLease = newNodeLease);
  }

  public ServerConfig withHubManagement(boolean allowed) {
    return copy(c -> c.allowHubManagement = allowed);
  }

  public ServerConfig withAuthTokens(Path tokenFile) {
    return copy(c -> c.authTokens = tokenFile);
  }

  /** Where both ports listen, and whether that may be beyond loopback without authentication. */
  public ServerConfig withBind(String address, boolean unauthenticatedAllowed) {
    return copy(
        c -> {
          c.bind = address;
          c.allowUnauthenticated = unauthenticatedAllowed;
        });
  }

  public ServerConfig withMetricsOpen(boolean open) {
    return copy(c -> c.metricsOpen = open);
  }

  /** TLS on both ports; with {@code clientCa} (may be null) client certificates are required. */
  public ServerConfig withTls(Path cert, Path key, Path clientCa) {
    return copy(
        c -> {
          c.tlsCert = cert;
          c.tlsKey = key;
          c.tlsClientCa = clientCa;
        });
  }

  public ServerConfig withOidc(OidcSettings settings) {
    return copy(c -> c.oidc = settings);
  }

  /** How long ended instances are kept in every hub that sets no policy of its own. */
  public ServerConfig withRetention(RetentionPolicy policy) {
    return copy(c -> c.retention = policy);
  }

  /** Exports traces over OTLP/HTTP to {@code endpoint}; null turns tracing off. */
  public ServerConfig withOtlpEndpoint(URI endpoint) {
    return copy(c -> c.otlpEndpoint = endpoint);
  }

  /** Whether calls must carry credentials. */
  public boolean authenticates() {
    return authTokens != null || oidc != null;
  }

  /** A validated copy with the changes {@code change} makes. */
  private ServerConfig copy(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return draft.build();
  }

  /** The mutable form of a config, only for {@link #copy}. */
  private static final class Draft {
    String store;
    int grpcPort;
    int httpPort;
    List<String> taskHubs;
    int maxPayloadBytes;
    int maxMessageBytes;
    Duration leaseTimeout;
    int poisonLimit;
    int defaultStreamConcurrency;
    Duration maxWait;
    boolean readOnly;
    Path dbPasswordFile;
    Duration nodeLease;
    boolean allowHubManagement;
    Path authTokens;
    String bind;
    boolean allowUnauthenticated;
    boolean metricsOpen;
    Path tlsCert;
    Path tlsKey;
    Path tlsClientCa;
    OidcSettings oidc;
    RetentionPolicy retention;
    URI otlpEndpoint;

    Draft(ServerConfig config) {
      store = config.store;
      grpcPort = config.grpcPort;
      httpPort = config.httpPort;
      taskHubs = config.taskHubs;
      maxPayloadBytes = config.maxPayloadBytes;
      maxMessageBytes = config.maxMessageBytes;
      leaseTimeout = config.leaseTimeout;
      poisonLimit = config.poisonLimit;
      defaultStreamConcurrency = config.defaultStreamConcurrency;
      maxWait = config.maxWait;
      readOnly = config.readOnly;
      dbPasswordFile = config.dbPasswordFile;
      nodeLease = config.nodeLease;
      allowHubManagement = config.allowHubManagement;
      authTokens = config.authTokens;
      bind = config.bind;
      allowUnauthenticated = config.allowUnauthenticated;
      metricsOpen = config.metricsOpen;
      tlsCert = config.tlsCert;
      tlsKey = config.tlsKey;
      tlsClientCa = config.tlsClientCa;
      oidc = config.oidc;
      retention = config.retention;
      otlpEndpoint = config.otlpEndpoint;
    }

    ServerConfig build() {
      return new ServerConfig(
          store,
          grpcPort,
          httpPort,
          taskHubs,
          maxPayloadBytes,
          maxMessageBytes,
          leaseTimeout,
          poisonLimit,
          defaultStreamConcurrency,
          maxWait,
          readOnly,
          dbPasswordFile,
          nodeLease,
          allowHubManagement,
          authTokens,
          bind,
          allowUnauthenticated,
          metricsOpen,
          tlsCert,
          tlsKey,
          tlsClientCa,
          oidc,
          retention,
          otlpEndpoint);
    }
  }

  public String defaultTaskHub() {
    return taskHubs.get(0);
  }

  private static void requirePort(String name, int port, int min) {
    if (port < min || port > 65535) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and 65535, was " + port);
    }
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
