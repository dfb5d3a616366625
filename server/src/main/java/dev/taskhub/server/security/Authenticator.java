package dev.taskhub.server.security;

/** Turns the credentials a call presents into a {@link Caller}. Thread-safe. */
public interface Authenticator {
  /**
   * @param bearer the token after {@code Authorization: Bearer}, or null if the call sent none
   * @throws AccessDenied.Unauthenticated if there is none or it does not check out
   */
  Caller authenticate(String bearer);

  /** No authentication configured: every call is {@link Caller#ANONYMOUS}. */
  Authenticator NONE = bearer -> Caller.ANONYMOUS;
}
