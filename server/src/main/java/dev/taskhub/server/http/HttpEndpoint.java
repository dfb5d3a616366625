package dev.taskhub.server.http;

import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.dashboard.ActivityClock;
import dev.taskhub.server.dashboard.Dashboard;
import dev.taskhub.server.dashboard.Timeline;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.engine.EngineMetrics;
import dev.taskhub.server.metrics.PrometheusMetrics;
import dev.taskhub.server.security.Audit;
import dev.taskhub.server.security.Authenticator;
import dev.taskhub.server.security.Caller;
import dev.taskhub.server.security.Tls;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import java.net.InetAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTP listener: the dashboard at {@code /}, the management API ({@code /api/v1}), the Durable
 * Functions management API ({@code /runtime/webhooks/durabletask}), {@code /health} and {@code
 * /metrics}. Errors of every route become problem JSON in {@link Problems}.
 */
public final class HttpEndpoint implements AutoCloseable {
  static final int MAX_LIVE_CLIENTS = 64;
  private static final int ACTIVITY_CLOCK_CAPACITY = 100_000;

  /** Methods that change nothing: allowed in read-only mode, and to readers. */
  static final Set<HandlerType> READS =
      Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);

  private final Javalin app;
  private final LiveUpdates live = new LiveUpdates(MAX_LIVE_CLIENTS);
  private final Engine engine;

  public HttpEndpoint(
      ServerConfig config,
      Engine engine,
      Clock clock,
      Authenticator authenticator,
      InetAddress listen,
      Optional<Tls> tls) {
    this.engine = engine;
    ActivityClock activityClock = new ActivityClock(ACTIVITY_CLOCK_CAPACITY);
    PrometheusMetrics metrics = new PrometheusMetrics(engine);
    engine.reportTo(EngineMetrics.all(metrics, activityClock));
    engine.subscribe(live);
    InstanceActions actions = new InstanceActions(engine);

    this.app =
        Javalin.create(
            javalin -> {
              javalin.showJavalinBanner = false;
              javalin.useVirtualThreads = true;
              javalin.jsonMapper(new JavalinJackson(Json.MAPPER, true));
              Dashboard.serve(javalin);
              String host = listen.getHostAddress();
              if (tls.isPresent()) {
                javalin.jetty.addConnector(
                    (server, http) ->
                        tlsConnector(server, http, tls.get(), host, config.httpPort()));
              } else {
                javalin.jetty.defaultHost = host;
                javalin.jetty.defaultPort = config.httpPort();
              }
            });
    HttpAccess access =
        new HttpAccess(authenticator, config.defaultTaskHub(), config.metricsOpen());
    app.before(access::check);
    app.before(
        ctx -> {
          if (config.readOnly() && isApi(ctx.path()) && !READS.contains(ctx.method())) {
            throw HttpProblem.readOnly(ctx.method().name(), ctx.path());
          }
        });
    app.after(
        ctx -> {
          if (isApi(ctx.path()) && !READS.contains(ctx.method())) {
            Caller caller = ctx.attribute(HttpAccess.CALLER);
            if (caller != null) {
              Audit.change(
                  caller,
                  access.hubOf(ctx),
                  ctx.method().name() + " " + ctx.path(),
                  null,
                  String.valueOf(ctx.statusCode()));
            }
          }
        });
    app.exception(
        Exception.class,
        (error, ctx) -> Problems.answer(ctx, Problems.toProblem(error, Problems.dialectOf(ctx))));
    app.error(
        404,
        ctx -> {
          String contentType = ctx.res().getContentType();
          boolean answered = contentType != null && contentType.startsWith(Problems.PROBLEM_JSON);
          if (isApi(ctx.path()) && !answered) {
            Problems.answer(ctx, Problems.noRoute(ctx.method().name(), ctx.path()));
          }
        });
    app.get(
        "/health",
        ctx -> {
          Map<String, Object> body = new LinkedHashMap<>();
          boolean storeUp = engine.storeReachable();
          body.put("status", storeUp ? "UP" : "DOWN");
          body.put("store", storeUp ? "UP" : "DOWN");
          body.put("connectedWorkers", engine.connectedWorkers());
          body.put("taskHubs", engine.hubs());
          engine.nodeId().ifPresent(node -> body.put("clusterNode", node));
          ctx.status(storeUp ? 200 : 503).json(body);
        });
    app.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    new ManagementRoutes(
            engine, actions, new Timeline(activityClock), live, config.readOnly(), clock)
        .register(app);
    new DurableFunctionsRoutes(engine, actions).register(app);
    new EntityRoutes(engine, actions).register(app);
    new RetentionRoutes(engine, actions).register(app);
    new ScheduleRoutes(engine, actions).register(app);
    new SignInRoute(config).register(app);
  }

  private static boolean isApi(String path) {
    return path.startsWith(ManagementRoutes.BASE) || path.startsWith(DurableFunctionsRoutes.BASE);
  }

  /** An HTTPS connector on the TLS context's (rotating) certificates; no plaintext one. */
  private static ServerConnector tlsConnector(
      Server server, HttpConfiguration http, Tls tls, String host, int port) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(tls.sslContext());
    ssl.setNeedClientAuth(tls.requiresClientCertificates());
    // Clients reach us by IP or by a name the certificate may not carry: no SNI host check.
    http.addCustomizer(new SecureRequestCustomizer(false));
    ServerConnector connector =
        new ServerConnector(
            server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    return connector;
  }

  public HttpEndpoint start() {
    app.start();
    return this;
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    engine.unsubscribe(live);
    engine.reportTo(EngineMetrics.NONE);
    live.close();
    app.stop();
  }
}
