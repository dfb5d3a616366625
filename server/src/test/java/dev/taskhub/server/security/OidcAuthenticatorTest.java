package dev.taskhub.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.taskhub.server.config.OidcSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * JWTs from an OpenID Connect issuer served by the test: RS256 and ES256 tokens with the right
 * issuer, audience and times are accepted with their roles and hubs; expired, not yet valid,
 * wrong-audience, wrong-issuer and badly signed ones are refused; a rotated key is picked up.
 */
class OidcAuthenticatorTest {
  private static final String AUDIENCE = "api://taskhub";

  private LocalIssuer issuer;
  private RSAKey rsa;
  private ECKey ec;
  private OidcAuthenticator authenticator;

  @BeforeEach
  void start() throws Exception {
    issuer = new LocalIssuer();
    rsa = LocalIssuer.rsaKey("rsa-1");
    ec = LocalIssuer.ecKey("ec-1");
    issuer.publish(rsa);
    issuer.publish(ec);
    authenticator =
        new OidcAuthenticator(new OidcSettings(issuer.url(), AUDIENCE, null, "taskhubs"));
  }

  @AfterEach
  void stop() {
    issuer.close();
  }

  private JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(issuer.url())
        .audience(AUDIENCE)
        .subject("00000000-app")
        .claim("preferred_username", "ci@example.com")
        .claim("roles", List.of("Taskhub.Worker", "contributor", "unrelated"))
        .claim("taskhubs", List.of("default"))
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now.minusSeconds(5)))
        .expirationTime(Date.from(now.plusSeconds(300)));
  }

  @Test
  void rs256AndEs256TokensAreAcceptedWithTheirRolesAndHubs() throws Exception {
    Caller caller = authenticator.authenticate(LocalIssuer.sign(rsa, claims().build()));
    assertThat(caller.name()).isEqualTo("ci@example.com");
    assertThat(caller.roles()).isEqualTo(Set.of(Role.WORKER, Role.CONTRIBUTOR));
    assertThat(caller.mayUse("default")).isTrue();
    assertThat(caller.mayUse("other")).isFalse();

    Caller viaEc =
        authenticator.authenticate(
            LocalIssuer.sign(ec, claims().claim("taskhubs", "*").claim("roles", "reader").build()));
    assertThat(viaEc.roles()).isEqualTo(Set.of(Role.READER));
    assertThat(viaEc.mayUse("anything")).isTrue();
  }

  @Test
  void tokensWithBadTimesAudienceIssuerOrSignatureAreRefused() throws Exception {
    Instant now = Instant.now();
    List<String> refused =
        List.of(
            LocalIssuer.sign(
                rsa, claims().expirationTime(Date.from(now.minusSeconds(120))).build()),
            LocalIssuer.sign(rsa, claims().notBeforeTime(Date.from(now.plusSeconds(600))).build()),
            LocalIssuer.sign(rsa, claims().audience("api://someone-else").build()),
            LocalIssuer.sign(rsa, claims().issuer("https://evil.example").build()),
            LocalIssuer.sign(LocalIssuer.rsaKey("rsa-1"), claims().build()), // same kid, other key
            LocalIssuer.sign(LocalIssuer.ecKey("unpublished"), claims().build()),
            "not.a.jwt");
    for (String token : refused) {
      assertThatThrownBy(() -> authenticator.authenticate(token))
          .isInstanceOf(AccessDenied.Unauthenticated.class)
          .hasMessageContaining("not valid");
    }
    assertThatThrownBy(() -> authenticator.authenticate(null))
        .isInstanceOf(AccessDenied.Unauthenticated.class);
  }

  @Test
  void aKeyRotatedAtTheIssuerIsFetchedWhenATokenNamesItsNewKeyId() throws Exception {
    authenticator.authenticate(LocalIssuer.sign(rsa, claims().build()));
    RSAKey rotated = LocalIssuer.rsaKey("rsa-2");
    issuer.publishOnly(rotated);
    String token = LocalIssuer.sign(rotated, claims().build());

    // The JWKS is fetched again for the unknown key id once the rate limit (1 s) allows.
    Caller caller =
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptionsInstanceOf(AccessDenied.Unauthenticated.class)
            .until(() -> authenticator.authenticate(token), c -> true);

    assertThat(caller.name()).isEqualTo("ci@example.com");
    assertThat(issuer.jwksFetches()).isGreaterThanOrEqualTo(2);
  }
}
