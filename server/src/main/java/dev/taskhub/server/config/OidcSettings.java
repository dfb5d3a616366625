package dev.taskhub.server.config;

import java.util.Objects;

/**
 * OpenID Connect for callers' JWTs ({@code --oidc-issuer}, {@code --oidc-audience}): keys come from
 * the issuer's discovery document and JWKS; roles from {@code rolesClaim} (Entra ID app roles use
 * {@code roles}); hubs from {@code hubsClaim}, or every hub when it is null.
 *
 * @param dashboardClientId the public client the dashboard signs in as ({@code --oidc-client-id},
 *     authorization code with PKCE), or null: the dashboard then only takes a pasted token
 * @param dashboardScopes the scopes the dashboard asks the issuer for ({@code --oidc-scopes}); they
 *     must get it an access token for {@code audience}
 */
public record OidcSettings(
    String issuer,
    String audience,
    String rolesClaim,
    String hubsClaim,
    String dashboardClientId,
    String dashboardScopes) {
  public static final String DEFAULT_DASHBOARD_SCOPES = "openid profile";

  public OidcSettings {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? "roles" : rolesClaim;
    dashboardClientId =
        dashboardClientId == null || dashboardClientId.isBlank() ? null : dashboardClientId;
    dashboardScopes =
        dashboardScopes == null || dashboardScopes.isBlank()
            ? DEFAULT_DASHBOARD_SCOPES
            : dashboardScopes.strip();
    if (!issuer.startsWith("https://") && !issuer.startsWith("http://")) {
      throw new IllegalArgumentException("The OIDC issuer must be an http(s) URL, was " + issuer);
    }
  }

  /** Settings for callers' JWTs only: no dashboard sign-in through the issuer. */
  public OidcSettings(String issuer, String audience, String rolesClaim, String hubsClaim) {
    this(issuer, audience, rolesClaim, hubsClaim, null, null);
  }

  /**
   * These settings with the dashboard signing in as {@code clientId}, asking for {@code scopes}.
   */
  public OidcSettings withDashboardClient(String clientId, String scopes) {
    return new OidcSettings(issuer, audience, rolesClaim, hubsClaim, clientId, scopes);
  }
}
