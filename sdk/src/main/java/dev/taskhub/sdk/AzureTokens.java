package dev.taskhub.sdk;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Bearer tokens from an Azure {@link TokenCredential} (Entra ID), as the DTS SDKs send them: for
 * the scope {@value #DTS_SCOPE} unless told otherwise, cached, and fetched again {@link
 * #REFRESH_BEFORE} before they expire, so a call never carries a token about to lapse. Thread-safe.
 */
public final class AzureTokens implements Supplier<String> {
  /** The scope the Durable Task Scheduler's tokens are for. */
  public static final String DTS_SCOPE = "https://durabletask.io/.default";

  /** How long before its expiry a token is replaced. */
  public static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);

  private final TokenCredential credential;
  private final TokenRequestContext request;
  private final Clock clock;
  private AccessToken current;

  private AzureTokens(TokenCredential credential, String scope, Clock clock) {
    this.credential = Objects.requireNonNull(credential, "credential");
    this.request = new TokenRequestContext().addScopes(Objects.requireNonNull(scope, "scope"));
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Tokens for the DTS scope. */
  public static AzureTokens of(TokenCredential credential) {
    return new AzureTokens(credential, DTS_SCOPE, Clock.systemUTC());
  }

  /** Tokens for {@code scope}, on {@code clock}. */
  public static AzureTokens of(TokenCredential credential, String scope, Clock clock) {
    return new AzureTokens(credential, scope, clock);
  }

  /**
   * @throws TaskhubException.InvalidConfiguration if the credential yields no token
   */
  @Override
  public synchronized String get() {
    if (current == null
        || !current.getExpiresAt().toInstant().isAfter(clock.instant().plus(REFRESH_BEFORE))) {
      AccessToken fresh;
      try {
        fresh = credential.getTokenSync(request);
      } catch (RuntimeException e) {
        throw new TaskhubException.InvalidConfiguration(
            "Could not get an Entra ID token for " + request.getScopes() + ": " + e.getMessage());
      }
      if (fresh == null || fresh.getToken() == null) {
        throw new TaskhubException.InvalidConfiguration(
            "The Azure credential returned no token for " + request.getScopes());
      }
      current = fresh;
    }
    return current.getToken();
  }
}
