package dev.taskhub.server.cli;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.TaskhubServer;
import dev.taskhub.server.config.OidcSettings;
import dev.taskhub.server.config.RetentionPolicy;
import dev.taskhub.server.config.ServerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code taskhub serve}: runs the scheduler until SIGTERM or Ctrl-C. Public so that the command
 * line of module {@code cli} can offer it beside the client commands.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the scheduler.",
    footer = {
      "",
      "Examples:",
      "  taskhub serve",
      "  taskhub serve --store postgresql://taskhub@db:5432/taskhub --task-hubs default,staging",
      "  taskhub serve --auth-tokens tokens.txt --tls-cert server.crt --tls-key server.key"
    })
public final class ServeCommand implements Callable<Integer> {
  private static final ServerConfig DEFAULTS = ServerConfig.defaults();

  @Option(
      names = "--store",
      paramLabel = "PATH|URL",
      description =
          "SQLite database file (created if missing), :memory:, or a PostgreSQL URL"
              + " (postgresql://user@host:5432/db). Default: ${DEFAULT-VALUE}")
  String store = DEFAULTS.store();

  @Option(
      names = "--db-password-file",
      paramLabel = "PATH",
      description =
          "File whose first line is the PostgreSQL password; else the URL's, else env "
              + TaskhubServer.DB_PASSWORD_ENV
              + ".")
  Path dbPasswordFile;

  @Option(
      names = "--grpc-port",
      description = "gRPC port for workers and clients. Default: ${DEFAULT-VALUE}")
  int grpcPort = DEFAULTS.grpcPort();

  @Option(
      names = "--http-port",
      description =
          "HTTP port for the dashboard, HTTP APIs, /health and /metrics. Default: ${DEFAULT-VALUE}")
  int httpPort = DEFAULTS.httpPort();

  @Option(
      names = "--task-hubs",
      paramLabel = "NAMES",
      description =
          "Comma-separated task hub names; the first is the default. Env DTS_TASK_HUB_NAMES. Default: default")
  String taskHubs = System.getenv().getOrDefault("DTS_TASK_HUB_NAMES", "default");

  @Option(
      names = "--max-payload-bytes",
      description = "Largest input/output/event payload. Default: ${DEFAULT-VALUE}")
  int maxPayloadBytes = DEFAULTS.maxPayloadBytes();

  @Option(
      names = "--lease-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long a worker may hold a work item (e.g. 10m or PT10M). Default: ${DEFAULT-VALUE}")
  Duration leaseTimeout = DEFAULTS.leaseTimeout();

  @Option(
      names = "--node-lease",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Several nodes on one PostgreSQL database: how long after its last heartbeat a node's"
              + " work is taken over by the others (e.g. 10s). Default: ${DEFAULT-VALUE}")
  Duration nodeLease = DEFAULTS.nodeLease();

  @Option(
      names = "--poison-limit",
      description = "Deliveries of one work item before it is failed. Default: ${DEFAULT-VALUE}")
  int poisonLimit = DEFAULTS.poisonLimit();

  @Option(
      names = "--read-only",
      description = "Serve the dashboard and HTTP APIs for viewing only: every change is refused.")
  boolean readOnly;

  @Option(
      names = "--allow-hub-management",
      description =
          "Let clients create task hubs at run time (CreateTaskHub; they are kept in the store)"
              + " and delete hubs with all their data (DeleteTaskHub). Off: both answer"
              + " UNIMPLEMENTED.")
  boolean allowHubManagement;

  @Option(
      names = "--auth-tokens",
      paramLabel = "FILE",
      description =
          "Require a bearer token on every call: lines of NAME SHA256-HEX ROLES HUBS (roles from"
              + " reader,worker,contributor,admin; hubs a list or *). Read again when it changes."
              + " 'taskhub token new' makes a token and its line.")
  Path authTokens;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description =
          "Address both ports listen on. Default: loopback without authentication, every"
              + " interface with it.")
  String bind;

  @Option(
      names = "--allow-unauthenticated",
      description = "Allow --bind beyond loopback without authentication.")
  boolean allowUnauthenticated;

  @Option(
      names = "--oidc-issuer",
      paramLabel = "URL",
      description =
          "Accept JWTs from this OpenID Connect issuer as bearer tokens (keys from its discovery"
              + " document and JWKS). Needs --oidc-audience.")
  String oidcIssuer;

  @Option(
      names = "--oidc-audience",
      paramLabel = "AUD",
      description = "The audience (aud) the issuer's JWTs must name.")
  String oidcAudience;

  @Option(
      names = "--oidc-roles-claim",
      paramLabel = "CLAIM",
      description = "The claim holding the caller's roles. Default: roles (Entra ID app roles)")
  String oidcRolesClaim;

  @Option(
      names = "--oidc-hubs-claim",
      paramLabel = "CLAIM",
      description = "The claim holding the task hubs the caller may use. Default: all hubs")
  String oidcHubsClaim;

  @Option(
      names = "--oidc-client-id",
      paramLabel = "ID",
      description =
          "The dashboard's public client at the issuer: it signs in with the authorization code"
              + " and PKCE, returning to the dashboard's URL (register it as a redirect URI).")
  String oidcClientId;

  @Option(
      names = "--oidc-scopes",
      paramLabel = "SCOPES",
      description =
          "Scopes the dashboard asks for, space-separated; they must get an access token for"
              + " --oidc-audience. Default: openid profile")
  String oidcScopes;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "PEM certificate (may hold a chain) both ports present: TLS. Needs --tls-key.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PEM (PKCS#8) private key of --tls-cert. Both are re-read when they change.")
  Path tlsKey;

  @Option(
      names = "--tls-client-ca",
      paramLabel = "FILE",
      description = "PEM CA certificates: require client certificates that chain to them (mTLS).")
  Path tlsClientCa;

  @Option(
      names = "--retention",
      paramLabel = "STATUS=DURATION,...",
      description =
          "How long ended instances are kept, per final status, in every task hub that sets no"
              + " policy of its own (PUT /api/v1/hubs/{hub}/retention), e.g."
              + " completed=7d,failed=30d,terminated=7d. Default: keep everything")
  String retention = "";

  @Option(
      names = "--otlp-endpoint",
      paramLabel = "URL",
      description =
          "Export OpenTelemetry traces over OTLP/HTTP (protobuf) to this collector URL, e.g."
              + " http://localhost:4318 (its /v1/traces unless the URL has a path). Env"
              + " TASKHUB_OTLP_ENDPOINT. Default: no traces")
  String otlpEndpoint = System.getenv("TASKHUB_OTLP_ENDPOINT");

  @Option(
      names = "--metrics-open",
      description = "Serve /metrics without credentials when authentication is on.")
  boolean metricsOpen;

  @Override
  public Integer call() throws InterruptedException {
    List<String> hubs =
        Arrays.stream(taskHubs.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    ServerConfig config =
        DEFAULTS
            .withStore(store)
            .withPorts(grpcPort, httpPort)
            .withTaskHubs(hubs)
            .withMaxPayloadBytes(maxPayloadBytes)
            .withLeaseTimeout(leaseTimeout)
            .withPoisonLimit(poisonLimit)
            .withReadOnly(readOnly)
            .withDbPasswordFile(dbPasswordFile)
            .withNodeLease(nodeLease)
            .withHubManagement(allowHubManagement)
            .withAuthTokens(authTokens)
            .withBind(bind, allowUnauthenticated)
            .withMetricsOpen(metricsOpen)
            .withTls(tlsCert, tlsKey, tlsClientCa);
    TaskhubServer server;
    try {
      config = config.withRetention(RetentionPolicy.parse(retention));
      if (otlpEndpoint != null && !otlpEndpoint.isBlank()) {
        config = config.withOtlpEndpoint(URI.create(otlpEndpoint.strip()));
      }
      if (oidcIssuer != null || oidcAudience != null) {
        if (oidcIssuer == null || oidcAudience == null) {
          throw new IllegalArgumentException("--oidc-issuer and --oidc-audience go together");
        }
        config =
            config.withOidc(
                new OidcSettings(
                    oidcIssuer,
                    oidcAudience,
                    oidcRolesClaim,
                    oidcHubsClaim,
                    oidcClientId,
                    oidcScopes));
      } else if (oidcClientId != null || oidcScopes != null) {
        throw new IllegalArgumentException("--oidc-client-id and --oidc-scopes need --oidc-issuer");
      }
      server = TaskhubServer.start(config);
    } catch (TaskhubException | IllegalArgumentException e) {
      System.err.println("taskhub serve: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "taskhub-shutdown"));
    stopped.await();
    return 0;
  }
}
