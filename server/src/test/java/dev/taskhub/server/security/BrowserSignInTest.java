package dev.taskhub.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The test issuer's authorization-code flow is a real PKCE check, so the dashboard's browser test
 * proves the dashboard sends the verifier of its challenge: a code is exchanged once, and only with
 * that verifier, the client id and the redirect URI it was issued for.
 */
class BrowserSignInTest {
  private static final String CLIENT = "taskhub-dashboard";
  private static final String REDIRECT = "http://localhost:8082/";
  private static final String VERIFIER = "a-verifier-of-at-least-forty-three-characters-0123";

  private final HttpClient http = HttpClient.newHttpClient();
  private LocalIssuer issuer;
  private RSAKey key;

  @BeforeEach
  void start() throws Exception {
    issuer = new LocalIssuer();
    key = LocalIssuer.rsaKey("k1");
    issuer.publish(key);
    issuer
        .browserSignIn()
        .signsIn(
            CLIENT,
            key,
            () -> new JWTClaimsSet.Builder().issuer(issuer.url()).subject("ada").build());
  }

  @AfterEach
  void stop() {
    issuer.close();
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** Asks for a code with the challenge of {@link #VERIFIER}; the redirect's parameters. */
  private Map<String, String> authorize() throws Exception {
    String query =
        form(
            Map.of(
                "response_type",
                "code",
                "client_id",
                CLIENT,
                "redirect_uri",
                REDIRECT,
                "state",
                "s1",
                "code_challenge",
                BrowserSignIn.s256(VERIFIER),
                "code_challenge_method",
                "S256"));
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(issuer.url() + "/authorize?" + query)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(302);
    String location = answer.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(REDIRECT + "?");
    return BrowserSignIn.queryOf(URI.create(location));
  }

  private HttpResponse<String> exchange(String code, String verifier, String redirect)
      throws Exception {
    String body =
        form(
            Map.of(
                "grant_type", "authorization_code",
                "code", code,
                "client_id", CLIENT,
                "redirect_uri", redirect,
                "code_verifier", verifier));
    return http.send(
        HttpRequest.newBuilder(URI.create(issuer.url() + "/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aCodeIsExchangedOnceAndOnlyWithTheVerifierOfItsChallenge() throws Exception {
    Map<String, String> first = authorize();
    assertThat(first).containsEntry("state", "s1").containsKey("code");
    HttpResponse<String> wrongVerifier =
        exchange(first.get("code"), VERIFIER.replace('a', 'b'), REDIRECT);
    assertThat(wrongVerifier.statusCode()).isEqualTo(400);
    assertThat(wrongVerifier.body()).contains("invalid_grant");
    assertThat(exchange(first.get("code"), VERIFIER, REDIRECT).statusCode())
        .as("a code refused once is spent")
        .isEqualTo(400);

    Map<String, String> second = authorize();
    assertThat(exchange(second.get("code"), VERIFIER, "http://elsewhere/").statusCode())
        .isEqualTo(400);

    String code = authorize().get("code");
    HttpResponse<String> issued = exchange(code, VERIFIER, REDIRECT);
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    String jwt = issued.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    assertThat(SignedJWT.parse(jwt).getJWTClaimsSet().getSubject()).isEqualTo("ada");
    assertThat(exchange(code, VERIFIER, REDIRECT).statusCode()).as("used twice").isEqualTo(400);
    assertThat(issuer.browserSignIn().tokensIssued()).isEqualTo(1);
    assertThat(issuer.browserSignIn().exchangesRefused()).isEqualTo(4);
  }
}
