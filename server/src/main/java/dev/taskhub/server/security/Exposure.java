package dev.taskhub.server.security;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.config.ServerConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;

/**
 * The safe defaults: where the ports listen, and who may call. Without authentication the server
 * listens on loopback only; an address beyond it without authentication is refused unless {@code
 * --allow-unauthenticated} says it is meant.
 */
public final class Exposure {
  private Exposure() {}

  /**
   * The address both ports listen on.
   *
   * @throws TaskhubException if it cannot be resolved, or lies beyond loopback without
   *     authentication and that was not allowed
   */
  public static InetAddress listenAddress(ServerConfig config) {
    if (config.bind() == null) {
      return config.authenticates() ? anyAddress() : InetAddress.getLoopbackAddress();
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(config.bind());
    } catch (UnknownHostException e) {
      throw new TaskhubException("Cannot listen on '" + config.bind() + "': unknown address");
    }
    if (!address.isLoopbackAddress() && !config.authenticates() && !config.allowUnauthenticated()) {
      throw new TaskhubException(
          "Refusing to listen on "
              + config.bind()
              + " without authentication: anyone who reaches it could run, change and read every"
              + " orchestration. Give --auth-tokens FILE or --oidc-issuer, or"
              + " --allow-unauthenticated if that is meant.");
    }
    return address;
  }

  /**
   * Who may call: the token file's callers and the OIDC issuer's (a bearer that looks like a JWT
   * goes to the issuer, others to the file), or everyone when neither is configured.
   */
  public static Authenticator authenticator(ServerConfig config, Clock clock) {
    Authenticator tokens =
        config.authTokens() == null ? null : new TokenFile(config.authTokens(), clock);
    Authenticator jwts = config.oidc() == null ? null : new OidcAuthenticator(config.oidc());
    if (tokens == null && jwts == null) {
      return Authenticator.NONE;
    }
    if (tokens == null || jwts == null) {
      return tokens == null ? jwts : tokens;
    }
    return bearer -> (bearer != null && looksLikeJwt(bearer) ? jwts : tokens).authenticate(bearer);
  }

  /** Three base64url parts separated by dots. */
  static boolean looksLikeJwt(String bearer) {
    return bearer.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
  }

  private static InetAddress anyAddress() {
    try {
      return InetAddress.getByName("0.0.0.0");
    } catch (UnknownHostException e) {
      throw new IllegalStateException("0.0.0.0 is a literal address", e);
    }
  }
}
