package dev.taskhub.server.engine;

import dev.taskhub.protocol.WorkItem;

/**
 * Where the engine sends one worker's work items: the transport's side of a {@code GetWorkItems}
 * stream. The engine never sees the transport itself; {@code grpc/} adapts its stream to this.
 * Implementations are thread-safe.
 */
public interface WorkItemSink {
  /** Sends one item; an item sent after the worker went away is dropped silently. */
  void send(WorkItem item);

  /**
   * True while the transport can take another item without buffering it (HTTP/2 flow control); the
   * engine sends only to ready sinks and is told through {@link Engine#streamReady} when one is.
   */
  boolean isReady();

  /** Ends the stream for the reason given; sends after this are dropped. */
  void close(StreamEnd reason);

  /** Why the engine ends a worker's stream. Every reason asks the worker to reconnect. */
  enum StreamEnd {
    /** The scheduler is stopping: reconnect after a backoff. */
    SCHEDULER_STOPPING("The Taskhub scheduler is shutting down"),

    /** A completion sent on the stream could not be recorded: reconnect and work on. */
    COMPLETION_FAILED("A completion on this stream could not be recorded; reconnect"),

    /** The stream's task hub was deleted (DeleteTaskHub). */
    HUB_DELETED("The task hub was deleted");

    private final String description;

    StreamEnd(String description) {
      this.description = description;
    }

    /** What the worker is told. */
    public String description() {
      return description;
    }
  }
}
