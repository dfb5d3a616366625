package dev.taskhub.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenID Connect issuer for tests, on loopback over HTTP: a discovery document and a JWKS of the
 * keys it publishes (which a test may rotate), tokens signed with keys the test generates, and a
 * browser sign-in ({@link BrowserSignIn}: the authorization-code flow with PKCE) for the person the
 * test names.
 */
public final class LocalIssuer implements AutoCloseable {
  private final HttpServer server;
  private final List<JWK> published = new CopyOnWriteArrayList<>();
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private final BrowserSignIn browserSignIn = new BrowserSignIn();

  public LocalIssuer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/.well-known/openid-configuration",
        exchange -> {
          String body =
              "{\"issuer\":\""
                  + url()
                  + "\",\"jwks_uri\":\""
                  + url()
                  + "/jwks\",\"authorization_endpoint\":\""
                  + url()
                  + BrowserSignIn.AUTHORIZE
                  + "\",\"token_endpoint\":\""
                  + url()
                  + BrowserSignIn.TOKEN
                  + "\",\"response_types_supported\":[\"code\"]"
                  + ",\"code_challenge_methods_supported\":[\"S256\"]}";
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          // Browsers read the discovery document across origins, as from any real issuer.
          exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    browserSignIn.serveOn(server);
    server.createContext(
        "/jwks",
        exchange -> {
          jwksFetches.incrementAndGet();
          byte[] bytes =
              new JWKSet(published.stream().map(JWK::toPublicJWK).toList())
                  .toString()
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public int jwksFetches() {
    return jwksFetches.get();
  }

  /** The authorization and token endpoints, which sign in whom the test says. */
  public BrowserSignIn browserSignIn() {
    return browserSignIn;
  }

  public static RSAKey rsaKey(String kid) throws JOSEException {
    return new RSAKeyGenerator(2048).keyID(kid).generate();
  }

  public static ECKey ecKey(String kid) throws JOSEException {
    return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
  }

  /** Publishes the key in the JWKS (keeping the others). */
  public void publish(JWK key) {
    published.add(key);
  }

  /** Replaces the published keys: a rotation. */
  public void publishOnly(JWK key) {
    published.clear();
    published.add(key);
  }

  /** The claims set signed with {@code key} (RS256 for RSA keys, ES256 for EC keys). */
  public static String sign(JWK key, JWTClaimsSet claims) throws JOSEException {
    JWSAlgorithm algorithm = key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
    JWSSigner signer =
        key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
