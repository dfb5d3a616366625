package dev.taskhub.server.grpc;

import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.server.TaskhubException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Orchestrator responses that arrive in parts. A worker whose response would exceed a message sends
 * its actions in several {@code CompleteOrchestratorTask} calls with the work item's completion
 * token: {@code chunkIndex} 0, 1, … and {@code isPartial} on all but the last. The parts are held
 * here, in memory, until the last arrives; only then does the engine see the response, whole, and
 * apply it as one step. So a series that breaks off (a part out of order, repeated, missing, or too
 * large; a worker that vanishes) changes nothing: it is dropped, the episode's lease runs out, and
 * the episode is sent again.
 *
 * <p>A series lives on the node that received its first part; a load balancer that spreads one
 * worker's calls over several nodes breaks it (the worker's episode is then sent again).
 */
// isPartial and chunkIndex are deprecated in the proto, yet the Java SDK sends them.
@SuppressWarnings("deprecation")
final class ResponseChunks {
  private record Key(String hub, String instanceId, String completionToken) {}

  private static final class Series {
    final OrchestratorResponse.Builder whole;
    final long startedAt;
    int nextIndex = 1;
    long bytes;

    Series(OrchestratorResponse first, long now) {
      whole = first.toBuilder().clearIsPartial().clearChunkIndex();
      startedAt = now;
      bytes = first.getSerializedSize();
    }
  }

  private final Clock clock;
  private final long maxAgeMillis;
  private final long maxBytesPerResponse;
  private final long maxBytesInAll;
  private final Map<Key, Series> open = new HashMap<>();
  private long bytesInAll;

  /**
   * @param maxAge how long a series may stay open (the episode's lease is gone by then)
   * @param maxBytesPerResponse the largest whole response accepted
   * @param maxBytesInAll what all open series may hold together
   */
  ResponseChunks(Clock clock, Duration maxAge, long maxBytesPerResponse, long maxBytesInAll) {
    this.clock = clock;
    this.maxAgeMillis = maxAge.toMillis();
    this.maxBytesPerResponse = maxBytesPerResponse;
    this.maxBytesInAll = maxBytesInAll;
  }

  /**
   * Takes one call's response.
   *
   * @return the whole response once {@code part} completes it (at once for a response that is not
   *     chunked); empty while more parts are to come
   * @throws TaskhubException.InvalidArgument if the part does not continue its series; the series
   *     is dropped
   */
  Optional<OrchestratorResponse> add(String hub, OrchestratorResponse part) {
    // Nearly every response is whole: it never waits for the lock of the chunked ones.
    if (!part.getIsPartial() && !part.hasChunkIndex()) {
      return Optional.of(part);
    }
    return addPart(hub, part);
  }

  private synchronized Optional<OrchestratorResponse> addPart(
      String hub, OrchestratorResponse part) {
    long now = clock.millis();
    dropExpired(now);
    String instanceId = part.getInstanceId();
    if (part.getCompletionToken().isEmpty()) {
      throw invalid(instanceId, "a chunked response needs its work item's completionToken");
    }
    if (!part.hasChunkIndex()) {
      throw invalid(instanceId, "a part with isPartial needs a chunkIndex");
    }
    Key key = new Key(hub, instanceId, part.getCompletionToken());
    int index = part.getChunkIndex().getValue();
    Series series = open.get(key);
    if (index == 0) {
      if (series != null) {
        drop(key);
        throw invalid(instanceId, "chunk 0 arrived again; the series is dropped");
      }
      series = new Series(part, now);
      bytesInAll += series.bytes;
    } else {
      if (series == null) {
        throw invalid(
            instanceId,
            "chunk " + index + " continues no series (its chunk 0 never came, or it was dropped)");
      }
      if (index != series.nextIndex) {
        drop(key);
        throw invalid(
            instanceId,
            "chunk "
                + index
                + " arrived where chunk "
                + series.nextIndex
                + " was due; the series is dropped");
      }
      append(series, part);
    }
    open.put(key, series);
    if (series.bytes > maxBytesPerResponse || bytesInAll > maxBytesInAll) {
      drop(key);
      throw invalid(
          instanceId,
          series.bytes > maxBytesPerResponse
              ? "the chunks add up to more than " + maxBytesPerResponse + " bytes"
              : "the server holds too many unfinished chunked responses; retry later");
    }
    if (part.getIsPartial()) {
      return Optional.empty();
    }
    drop(key);
    return Optional.of(series.whole.build());
  }

  /** Series open now (for tests and metrics). */
  synchronized int openSeries() {
    return open.size();
  }

  private void append(Series series, OrchestratorResponse part) {
    series.whole.addAllActions(part.getActionsList());
    if (part.hasCustomStatus()) {
      series.whole.setCustomStatus(part.getCustomStatus());
    }
    series.whole.setRequiresHistory(series.whole.getRequiresHistory() || part.getRequiresHistory());
    long size = part.getSerializedSize();
    series.bytes += size;
    bytesInAll += size;
    series.nextIndex++;
  }

  private void dropExpired(long now) {
    Iterator<Map.Entry<Key, Series>> entries = open.entrySet().iterator();
    while (entries.hasNext()) {
      Series series = entries.next().getValue();
      if (now - series.startedAt > maxAgeMillis) {
        bytesInAll -= series.bytes;
        entries.remove();
      }
    }
  }

  private void drop(Key key) {
    Series series = open.remove(key);
    if (series != null) {
      bytesInAll -= series.bytes;
    }
  }

  private static TaskhubException.InvalidArgument invalid(String instanceId, String problem) {
    return new TaskhubException.InvalidArgument(
        "Chunked orchestrator response for instance '" + instanceId + "': " + problem);
  }
}
