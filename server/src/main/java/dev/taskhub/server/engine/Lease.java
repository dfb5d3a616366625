package dev.taskhub.server.engine;

import dev.taskhub.server.store.InstanceKey;

/**
 * A dispatched work item held by one stream until {@code expiresAt}. States: held → completing (a
 * completion is being written; expiry and disconnect leave it alone) → released; or held → given
 * back (expired, abandoned, stream gone), after which the item is dispatched again.
 */
final class Lease {
  enum Kind {
    ORCHESTRATION,
    ACTIVITY,
    ENTITY
  }

  final String token;
  final WorkerStream stream;
  final Kind kind;
  final InstanceKey key;
  final Episode episode;

  /** How the episode was sent on this dispatch. */
  final EpisodeRequest sent;

  final PendingActivity activity;
  final EntityBatch entityBatch;
  final long expiresAt;
  boolean completing;

  private Lease(
      String token,
      WorkerStream stream,
      Kind kind,
      InstanceKey key,
      Episode episode,
      EpisodeRequest sent,
      PendingActivity activity,
      EntityBatch entityBatch,
      long expiresAt) {
    this.token = token;
    this.stream = stream;
    this.kind = kind;
    this.key = key;
    this.episode = episode;
    this.sent = sent;
    this.activity = activity;
    this.entityBatch = entityBatch;
    this.expiresAt = expiresAt;
  }

  static Lease orchestration(
      String token,
      WorkerStream stream,
      InstanceKey key,
      Episode episode,
      EpisodeRequest sent,
      long expiresAt) {
    return new Lease(token, stream, Kind.ORCHESTRATION, key, episode, sent, null, null, expiresAt);
  }

  static Lease activity(
      String token, WorkerStream stream, PendingActivity activity, long expiresAt) {
    return new Lease(
        token, stream, Kind.ACTIVITY, activity.task.key(), null, null, activity, null, expiresAt);
  }

  static Lease entity(
      String token, WorkerStream stream, InstanceKey key, EntityBatch batch, long expiresAt) {
    return new Lease(token, stream, Kind.ENTITY, key, null, null, null, batch, expiresAt);
  }
}
