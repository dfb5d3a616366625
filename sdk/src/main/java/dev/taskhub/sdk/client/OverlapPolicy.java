package dev.taskhub.sdk.client;

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

  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static OverlapPolicy fromWire(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
