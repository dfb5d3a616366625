package dev.taskhub.server.e2e;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.taskhub.server.security.LocalIssuer;
import dev.taskhub.server.security.TokenFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The credentials of {@link CredentialTableTest}'s table, for a scheduler with the token file
 * {@link #writeTokenFile} writes and JWTs from a {@link LocalIssuer} (hubs in the {@code taskhubs}
 * claim): every way a call must be refused, and the admin token that reads the store.
 */
final class TableCredentials {
  static final String ADMIN = "admin-secret";
  static final String HUBS_CLAIM = "taskhubs";

  private TableCredentials() {}

  /** What a credential is, and so how every call with it must be refused. */
  enum Kind {
    /** No credentials, or ones that do not check out: UNAUTHENTICATED / 401 everywhere. */
    INVALID,
    /** A valid caller of another hub: PERMISSION_DENIED / 403 everywhere. */
    OTHER_HUB,
    /** A valid caller of this hub with one role (or none): refused where it is not enough. */
    ROLE
  }

  /**
   * @param role for {@link Kind#ROLE}, the one role it has in hub {@code default}; null for none
   */
  record Credential(String label, String bearer, Kind kind, String role) {
    @Override
    public String toString() {
      return label;
    }
  }

  /** Tokens for an admin of every hub, a reader, worker and contributor of default, and "other". */
  static void writeTokenFile(Path file) throws IOException {
    Files.writeString(
        file,
        String.join(
            "\n",
            "ops " + TokenFile.hashHex(ADMIN) + " admin *",
            "viewer " + TokenFile.hashHex("reader-secret") + " reader default",
            "runner " + TokenFile.hashHex("worker-secret") + " worker default",
            "editor " + TokenFile.hashHex("contributor-secret") + " contributor default",
            "elsewhere " + TokenFile.hashHex("other-hub-secret") + " admin other",
            ""));
  }

  /**
   * Every credential of the table; JWTs are signed by {@code key}, which {@code issuer} publishes.
   */
  static List<Credential> all(LocalIssuer issuer, RSAKey key, String audience)
      throws JOSEException {
    Claims claims = new Claims(issuer.url(), audience);
    Instant now = Instant.now();
    List<Credential> all = new ArrayList<>();
    all.add(new Credential("no credentials", null, Kind.INVALID, null));
    all.add(new Credential("a wrong token", "thk_wrong-secret", Kind.INVALID, null));
    all.add(
        invalid(
            "an expired JWT",
            sign(key, claims.of("admin", "*").expirationTime(Date.from(now.minusSeconds(120))))));
    all.add(
        invalid(
            "a JWT for another audience",
            sign(key, claims.of("admin", "*").audience("api://someone-else"))));
    all.add(
        invalid(
            "a JWT from another issuer",
            sign(key, claims.of("admin", "*").issuer("https://evil.example"))));
    all.add(
        invalid(
            "a JWT badly signed (the issuer's key id, another key)",
            sign(LocalIssuer.rsaKey(key.getKeyID()), claims.of("admin", "*"))));
    all.add(
        invalid(
            "a JWT signed by a key the issuer never published",
            LocalIssuer.sign(LocalIssuer.ecKey("unpublished"), claims.of("admin", "*").build())));
    all.add(
        invalid(
            "an unsigned JWT (alg none)",
            new PlainJWT(claims.of("admin", "*").build()).serialize()));
    all.add(new Credential("a token for another hub", "other-hub-secret", Kind.OTHER_HUB, null));
    all.add(
        new Credential(
            "a JWT for another hub", sign(key, claims.of("admin", "other")), Kind.OTHER_HUB, null));
    all.add(
        new Credential(
            "a JWT without any Taskhub role",
            sign(key, claims.of("unrelated", "*")),
            Kind.ROLE,
            null));
    for (String role : List.of("reader", "worker", "contributor")) {
      all.add(new Credential("a " + role + " token", role + "-secret", Kind.ROLE, role));
      all.add(
          new Credential(
              "a " + role + " JWT", sign(key, claims.of(role, "default")), Kind.ROLE, role));
    }
    return List.copyOf(all);
  }

  private static Credential invalid(String label, String bearer) {
    return new Credential(label, bearer, Kind.INVALID, null);
  }

  private static String sign(RSAKey key, JWTClaimsSet.Builder claims) throws JOSEException {
    return LocalIssuer.sign(key, claims.build());
  }

  /** Claims the issuer would sign: valid for ten minutes, one role, one hub (or {@code *}). */
  private record Claims(String issuer, String audience) {
    JWTClaimsSet.Builder of(String role, String hub) {
      return new JWTClaimsSet.Builder()
          .issuer(issuer)
          .audience(audience)
          .subject("subject-" + role)
          .claim("preferred_username", role + "@example.com")
          .claim("roles", List.of(role))
          .claim(HUBS_CLAIM, List.of(hub))
          .expirationTime(Date.from(Instant.now().plusSeconds(600)));
    }
  }
}
