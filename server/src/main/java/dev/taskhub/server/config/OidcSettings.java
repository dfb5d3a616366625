package dev.taskhub.server.config;

import java.util.Objects;

/**
 * OpenID Connect for callers' JWTs ({@code --oidc-issuer}, {@code --oidc-audience}): keys come from
 * the issuer's discovery document and JWKS; roles from {@code rolesClaim} (Entra ID app roles use
 * {@code roles}); hubs from {@code hubsClaim}, or every hub when it is null.
 */
public record OidcSettings(String issuer, String audience, String rolesClaim, String hubsClaim) {
  public OidcSettings {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? "roles" : rolesClaim;
    if (!issuer.startsWith("https://") && !issuer.startsWith("http://")) {
      throw new IllegalArgumentException("The OIDC issuer must be an http(s) URL, was " + issuer);
    }
  }
}
