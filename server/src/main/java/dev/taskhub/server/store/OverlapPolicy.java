package dev.taskhub.server.store;

import java.util.Locale;

/** What a schedule does when a fire time comes while its previous run has not ended. */
public enum OverlapPolicy {
  /** The fire time is skipped (and counted). */
  SKIP,
  /** One fire time is kept and started once the previous run ends; further ones are skipped. */
  BUFFER_ONE,
  /** The run starts anyway, beside the previous one. */
  ALLOW_ALL,
  /** The previous run is terminated and the new one starts. */
  TERMINATE_PREVIOUS;

  /** The name used in the API and the store: {@code skip}, {@code buffer_one}, … */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException if {@code text} names no policy
   */
  public static OverlapPolicy parse(String text) {
    for (OverlapPolicy policy : values()) {
      if (policy.wireName().equalsIgnoreCase(text)) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "overlap '" + text + "' is not one of skip, buffer_one, allow_all, terminate_previous");
  }
}
