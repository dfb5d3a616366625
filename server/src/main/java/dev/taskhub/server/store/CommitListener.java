package dev.taskhub.server.store;

/**
 * Hears of every commit a store makes: how many units of work it carried (more than one where
 * writes are group-committed) and how long it took from its first statement to durable. Called on
 * the committing thread: implementations must be quick and thread-safe.
 */
@FunctionalInterface
public interface CommitListener {
  CommitListener NONE = (units, nanos) -> {};

  void committed(int units, long nanos);
}
