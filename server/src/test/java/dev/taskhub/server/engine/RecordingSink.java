package dev.taskhub.server.engine;

import dev.taskhub.protocol.WorkItem;
import java.util.ArrayList;
import java.util.List;

/** A worker's end of a stream, in memory: records what the engine sends and how it ended. */
public final class RecordingSink implements WorkItemSink {
  private final List<WorkItem> received = new ArrayList<>();
  private volatile boolean ready = true;
  private volatile StreamEnd end;

  @Override
  public synchronized void send(WorkItem item) {
    if (end == null) {
      received.add(item);
    }
  }

  @Override
  public boolean isReady() {
    return ready;
  }

  public void ready(boolean ready) {
    this.ready = ready;
  }

  @Override
  public void close(StreamEnd reason) {
    end = reason;
  }

  public StreamEnd end() {
    return end;
  }

  public synchronized List<WorkItem> received() {
    return List.copyOf(received);
  }

  public synchronized List<WorkItem> activities() {
    return received.stream().filter(WorkItem::hasActivityRequest).toList();
  }

  public synchronized List<WorkItem> orchestrations() {
    return received.stream().filter(WorkItem::hasOrchestratorRequest).toList();
  }
}
