package dev.taskhub.sdk;

/** The context features with every episode replayed from history (no warm runs). */
class OrchestrationFeaturesColdReplayTest extends OrchestrationFeaturesContract {
  @Override
  int cacheSize() {
    return 0;
  }
}
