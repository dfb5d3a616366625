package dev.taskhub.server.http;

import dev.taskhub.server.config.OidcSettings;
import dev.taskhub.server.config.ServerConfig;
import io.javalin.Javalin;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@value #PATH}: how the dashboard may sign in, asked before it has credentials (so {@link
 * HttpAccess} leaves it open). It holds nothing secret: whether tokens are taken, and the issuer,
 * public client id and scopes of the OpenID Connect sign-in (authorization code with PKCE, run in
 * the browser), if one is configured.
 */
final class SignInRoute {
  static final String PATH = ManagementRoutes.BASE + "/sign-in";

  private final Map<String, Object> options;

  SignInRoute(ServerConfig config) {
    OidcSettings oidc = config.oidc();
    boolean browserSignIn = oidc != null && oidc.dashboardClientId() != null;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("authentication", config.authenticates());
    // A pasted token works with a token file, and with an issuer the dashboard cannot sign in at.
    body.put("tokens", config.authTokens() != null || (oidc != null && !browserSignIn));
    if (browserSignIn) {
      body.put(
          "oidc",
          Map.of(
              "issuer", oidc.issuer(),
              "clientId", oidc.dashboardClientId(),
              "scopes", oidc.dashboardScopes()));
    }
    this.options = Map.copyOf(body);
  }

  void register(Javalin app) {
    app.get(PATH, ctx -> ctx.json(options));
  }
}
