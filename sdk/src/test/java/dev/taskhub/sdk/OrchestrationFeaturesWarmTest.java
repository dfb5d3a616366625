package dev.taskhub.sdk;

/** The context features with warm runs kept between episodes (the worker's default). */
class OrchestrationFeaturesWarmTest extends OrchestrationFeaturesContract {
  @Override
  int cacheSize() {
    return 1000;
  }
}
