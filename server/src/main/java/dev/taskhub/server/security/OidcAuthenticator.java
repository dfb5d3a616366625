package dev.taskhub.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.taskhub.server.config.OidcSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callers with JWTs from an OpenID Connect issuer ({@code --oidc-issuer}, {@code --oidc-audience}):
 * the keys come from the issuer's discovery document and JWKS (cached, fetched again for a key id
 * it does not know, as after a rotation); RS256 and ES256 signatures; {@code iss}, {@code aud},
 * {@code exp} and {@code nbf} checked with a minute of clock skew. Roles come from the roles claim
 * (names matching {@code reader}, {@code worker}, {@code contributor}, {@code admin}, case ignored,
 * optionally after a prefix such as {@code Taskhub.}; others are ignored), hubs from the hubs claim
 * or all. Signature and claims are checked by nimbus-jose-jwt, not by hand.
 */
public final class OidcAuthenticator implements Authenticator {
  private static final Logger log = LoggerFactory.getLogger(OidcAuthenticator.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int CLOCK_SKEW_SECONDS = 60;

  /** Least time between two fetches of the JWKS, so unknown key ids cannot flood the issuer. */
  static final long JWKS_REFETCH_MILLIS = 1_000;

  private final OidcSettings settings;
  private volatile DefaultJWTProcessor<SecurityContext> processor;

  public OidcAuthenticator(OidcSettings settings) {
    this.settings = settings;
    try {
      processor = processor();
    } catch (IOException | RuntimeException e) {
      log.warn(
          "Cannot read the OIDC discovery document of {} yet; trying again with the first token: {}",
          settings.issuer(),
          e.getMessage());
    }
  }

  @Override
  public Caller authenticate(String bearer) {
    if (bearer == null || bearer.isBlank()) {
      throw new AccessDenied.Unauthenticated(
          "This Taskhub requires a token: send 'Authorization: Bearer <token>'");
    }
    JWTClaimsSet claims;
    try {
      claims = processor().process(bearer, null);
    } catch (IOException e) {
      throw new AccessDenied.Unauthenticated(
          "The token cannot be checked: the issuer " + settings.issuer() + " is not reachable");
    } catch (Exception e) {
      throw new AccessDenied.Unauthenticated(
          "The token is not valid for this Taskhub: " + reason(e));
    }
    return new Caller(nameOf(claims), rolesOf(claims), hubsOf(claims) == null, hubsOrEmpty(claims));
  }

  private static String reason(Exception e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  private DefaultJWTProcessor<SecurityContext> processor() throws IOException {
    DefaultJWTProcessor<SecurityContext> current = processor;
    if (current == null) {
      synchronized (this) {
        if (processor == null) {
          processor = newProcessor();
        }
        current = processor;
      }
    }
    return current;
  }

  private DefaultJWTProcessor<SecurityContext> newProcessor() throws IOException {
    URL jwks = URI.create(discover().path("jwks_uri").asText()).toURL();
    JWKSource<SecurityContext> keys =
        JWKSourceBuilder.create(jwks).rateLimited(JWKS_REFETCH_MILLIS).retrying(true).build();
    DefaultJWTProcessor<SecurityContext> jwt = new DefaultJWTProcessor<>();
    jwt.setJWSKeySelector(
        new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
    DefaultJWTClaimsVerifier<SecurityContext> verifier =
        new DefaultJWTClaimsVerifier<>(
            Set.of(settings.audience()),
            new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
            Set.of("exp"),
            null);
    verifier.setMaxClockSkew(CLOCK_SKEW_SECONDS);
    jwt.setJWTClaimsSetVerifier(verifier);
    return jwt;
  }

  /** The issuer's discovery document, which must name the issuer itself and a JWKS. */
  private JsonNode discover() throws IOException {
    String url = settings.issuer().replaceAll("/+$", "") + "/.well-known/openid-configuration";
    HttpResponse<String> response;
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      response =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted reading " + url, e);
    }
    if (response.statusCode() != 200) {
      throw new IOException(url + " answered HTTP " + response.statusCode());
    }
    JsonNode document = JSON.readTree(response.body());
    if (!settings.issuer().equals(document.path("issuer").asText())
        || !document.path("jwks_uri").isTextual()) {
      throw new IOException(
          url + " does not describe issuer " + settings.issuer() + " with a jwks_uri");
    }
    return document;
  }

  private static String nameOf(JWTClaimsSet claims) {
    for (String claim : List.of("preferred_username", "azp", "appid", "sub")) {
      Object value = claims.getClaim(claim);
      if (value instanceof String name && !name.isBlank()) {
        return name;
      }
    }
    return "unnamed";
  }

  private Set<Role> rolesOf(JWTClaimsSet claims) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : strings(claims.getClaim(settings.rolesClaim()))) {
      String bare = name.substring(name.lastIndexOf('.') + 1);
      for (Role role : Role.values()) {
        if (role.label().equalsIgnoreCase(bare)) {
          roles.add(role);
        }
      }
    }
    return roles;
  }

  /** The hubs the hubs claim names, or null for all (no hubs claim configured, or {@code *}). */
  private Set<String> hubsOf(JWTClaimsSet claims) {
    if (settings.hubsClaim() == null) {
      return null;
    }
    Set<String> hubs = new LinkedHashSet<>(strings(claims.getClaim(settings.hubsClaim())));
    return hubs.contains("*") ? null : hubs;
  }

  private Set<String> hubsOrEmpty(JWTClaimsSet claims) {
    Set<String> hubs = hubsOf(claims);
    return hubs == null ? Set.of() : hubs;
  }

  /** A claim as strings: a list, or one string of names separated by spaces or commas. */
  private static List<String> strings(Object claim) {
    List<String> values = new ArrayList<>();
    if (claim instanceof List<?> list) {
      list.forEach(item -> values.add(String.valueOf(item)));
    } else if (claim instanceof String text) {
      for (String part : text.split("[\\s,]+")) {
        if (!part.isEmpty()) {
          values.add(part);
        }
      }
    }
    return values;
  }
}
