package dev.taskhub.server.cluster;

import java.util.List;
import java.util.Objects;

/**
 * What one scheduler node tells the others of a shared database. Messages are hints that save a
 * wait, never the only record of anything: every node also scans the database now and then, so a
 * lost message delays work but loses none.
 *
 * @param fromNode the sending node's id
 * @param kind what happened
 * @param hub the task hub it happened in (null for {@link Kind#RELAY} and {@link Kind#RESYNC})
 * @param instanceIds the instances concerned ({@link Kind#WAKE}, {@link Kind#CHANGED}), else empty
 * @param targetNode the node the message is for ({@link Kind#RELAY}), else null
 */
public record ClusterMessage(
    String fromNode, Kind kind, String hub, List<String> instanceIds, String targetNode) {

  public enum Kind {
    /** Unclaimed work (instances or activities) was committed in the hub: nodes with room claim. */
    WORK,
    /** Events were committed to these instances' inboxes: their owner runs them, else anyone. */
    WAKE,
    /**
     * These instances changed (status, history, an activity finished): wake waiters, live views.
     */
    CHANGED,
    /** Completions that arrived elsewhere wait in the database for {@code targetNode}. */
    RELAY,
    /**
     * Delivered locally (never sent) after the bus lost its connection: messages may have been
     * missed, so the node looks at the database again.
     */
    RESYNC
  }

  public ClusterMessage {
    Objects.requireNonNull(kind, "kind");
    instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
  }

  public static ClusterMessage work(String fromNode, String hub) {
    return new ClusterMessage(fromNode, Kind.WORK, hub, List.of(), null);
  }

  public static ClusterMessage wake(String fromNode, String hub, List<String> instanceIds) {
    return new ClusterMessage(fromNode, Kind.WAKE, hub, instanceIds, null);
  }

  public static ClusterMessage changed(String fromNode, String hub, List<String> instanceIds) {
    return new ClusterMessage(fromNode, Kind.CHANGED, hub, instanceIds, null);
  }

  public static ClusterMessage relay(String fromNode, String targetNode) {
    return new ClusterMessage(fromNode, Kind.RELAY, null, List.of(), targetNode);
  }

  public static ClusterMessage resync() {
    return new ClusterMessage(null, Kind.RESYNC, null, List.of(), null);
  }
}
