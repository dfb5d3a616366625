package dev.taskhub.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link LocalIssuer}'s authorization-code flow with PKCE (RFC 7636, S256 only), for a browser:
 * the authorization endpoint signs in the person the test names at once (no page) and sends the
 * browser back to its {@code redirect_uri} with a one-time code; the token endpoint exchanges that
 * code, given the verifier whose SHA-256 was the challenge, for a JWT signed by the test's key.
 * Anything else (another client id or redirect URI, a wrong or missing verifier, a code used twice)
 * is refused as an OAuth error, and counted.
 */
public final class BrowserSignIn {
  static final String AUTHORIZE = "/authorize";
  static final String TOKEN = "/token";

  /** A code handed out and not yet exchanged. */
  private record Grant(String clientId, String redirectUri, String challenge) {}

  private record Person(String clientId, JWK key, Supplier<JWTClaimsSet> claims) {}

  private final Map<String, Grant> grants = new ConcurrentHashMap<>();
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private final AtomicInteger exchangesRefused = new AtomicInteger();
  private final SecureRandom random = new SecureRandom();
  private volatile Person person;
  private volatile Map<String, String> lastAuthorization = Map.of();

  BrowserSignIn() {}

  /**
   * From now on, sign-ins by {@code clientId} are the person whose token claims {@code claims}
   * makes (called at each exchange, so expiry times can be fresh), signed with {@code key}.
   */
  public void signsIn(String clientId, JWK key, Supplier<JWTClaimsSet> claims) {
    person = new Person(clientId, key, claims);
  }

  /** The parameters of the latest request to the authorization endpoint. */
  public Map<String, String> lastAuthorization() {
    return lastAuthorization;
  }

  public int tokensIssued() {
    return tokensIssued.get();
  }

  public int exchangesRefused() {
    return exchangesRefused.get();
  }

  void serveOn(HttpServer server) {
    server.createContext(AUTHORIZE, this::authorize);
    server.createContext(TOKEN, this::token);
  }

  private void authorize(HttpExchange exchange) throws IOException {
    Map<String, String> request = form(exchange.getRequestURI().getRawQuery());
    lastAuthorization = Map.copyOf(request);
    Person signedIn = person;
    String redirectUri = request.get("redirect_uri");
    if (signedIn == null
        || redirectUri == null
        || !signedIn.clientId().equals(request.get("client_id"))) {
      answer(exchange, 400, "text/plain", "unknown client or no redirect_uri");
      return;
    }
    Map<String, String> back = new LinkedHashMap<>();
    if (!"code".equals(request.get("response_type"))
        || !"S256".equals(request.get("code_challenge_method"))
        || request.get("code_challenge") == null) {
      back.put("error", "invalid_request");
      back.put("error_description", "response_type=code with an S256 code_challenge needed");
    } else {
      String code = randomText();
      grants.put(code, new Grant(signedIn.clientId(), redirectUri, request.get("code_challenge")));
      back.put("code", code);
    }
    if (request.get("state") != null) {
      back.put("state", request.get("state"));
    }
    exchange
        .getResponseHeaders()
        .add("Location", redirectUri + (redirectUri.contains("?") ? "&" : "?") + encode(back));
    exchange.sendResponseHeaders(302, -1);
    exchange.close();
  }

  private void token(HttpExchange exchange) throws IOException {
    // A browser's token request comes from the dashboard's origin.
    exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
    if (exchange.getRequestMethod().equals("OPTIONS")) {
      exchange.getResponseHeaders().add("Access-Control-Allow-Methods", "POST");
      exchange.getResponseHeaders().add("Access-Control-Allow-Headers", "Content-Type");
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
      return;
    }
    Map<String, String> request =
        form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    Grant grant = request.get("code") == null ? null : grants.remove(request.get("code"));
    String refusal = refusal(exchange, request, grant);
    if (refusal != null) {
      exchangesRefused.incrementAndGet();
      answer(
          exchange,
          400,
          "application/json",
          "{\"error\":\"invalid_grant\",\"error_description\":\"" + refusal + "\"}");
      return;
    }
    String jwt;
    try {
      jwt = LocalIssuer.sign(person.key(), person.claims().get());
    } catch (JOSEException e) {
      throw new IOException("cannot sign the token", e);
    }
    tokensIssued.incrementAndGet();
    answer(
        exchange,
        200,
        "application/json",
        "{\"access_token\":\"" + jwt + "\",\"token_type\":\"Bearer\",\"expires_in\":300}");
  }

  /** Why the exchange is refused, or null if it may have a token. */
  private static String refusal(HttpExchange exchange, Map<String, String> request, Grant grant) {
    if (!exchange.getRequestMethod().equals("POST")) {
      return "POST needed";
    }
    if (!"authorization_code".equals(request.get("grant_type"))) {
      return "grant_type=authorization_code needed";
    }
    if (grant == null) {
      return "unknown or used code";
    }
    if (!grant.clientId().equals(request.get("client_id"))
        || !grant.redirectUri().equals(request.get("redirect_uri"))) {
      return "client_id or redirect_uri differ from the authorization request";
    }
    String verifier = request.get("code_verifier");
    if (verifier == null || !Objects.equals(s256(verifier), grant.challenge())) {
      return "code_verifier does not match the code_challenge";
    }
    return null;
  }

  static String s256(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private String randomText() {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static Map<String, String> form(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return fields;
    }
    for (String pair : text.split("&")) {
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      fields.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return fields;
  }

  private static String encode(Map<String, String> fields) {
    StringBuilder text = new StringBuilder();
    fields.forEach(
        (key, value) ->
            text.append(text.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(key, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return text.toString();
  }

  private static void answer(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  /**
   * The address a redirect from {@link #AUTHORIZE} carries its code in, for tests that follow it.
   */
  static Map<String, String> queryOf(URI location) {
    return form(location.getRawQuery());
  }
}
