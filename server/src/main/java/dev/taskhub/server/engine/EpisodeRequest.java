package dev.taskhub.server.engine;

import dev.taskhub.protocol.OrchestratorRequest;

/**
 * An episode's request as sent on one dispatch.
 *
 * @param request what the worker is sent
 * @param pastEventsSeen how many past events the worker has seen once it read the request: those it
 *     was sent and those it was told it has
 */
record EpisodeRequest(OrchestratorRequest request, int pastEventsSeen) {

  /**
   * Whether past events the worker saw before were left out ({@link Episode#PAST_EVENTS_FROM}): the
   * worker may then answer that it needs them after all.
   */
  boolean trimmed() {
    return request.containsProperties(Episode.PAST_EVENTS_FROM);
  }
}
