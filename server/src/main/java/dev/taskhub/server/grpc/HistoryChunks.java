package dev.taskhub.server.grpc;

import com.google.protobuf.CodedOutputStream;
import dev.taskhub.protocol.HistoryChunk;
import dev.taskhub.protocol.HistoryEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * A history cut into {@link HistoryChunk}s for {@code StreamInstanceHistory}: in order, each chunk
 * as many events as fit in the budget. Clients receive at most 4 MiB per message unless configured
 * otherwise (gRPC's default), so the budget stays well below that. An event larger than the budget
 * travels alone in its chunk: it was accepted within the server's payload limit, and cutting it is
 * not possible.
 */
final class HistoryChunks {
  /** Serialized bytes per chunk, at most (but for a single larger event). */
  static final int BUDGET_BYTES = 1024 * 1024;

  private HistoryChunks() {}

  static List<HistoryChunk> split(List<HistoryEvent> events, int budgetBytes) {
    List<HistoryChunk> chunks = new ArrayList<>();
    HistoryChunk.Builder chunk = HistoryChunk.newBuilder();
    int size = 0;
    for (HistoryEvent event : events) {
      int eventSize = CodedOutputStream.computeMessageSize(1, event);
      if (size > 0 && size + eventSize > budgetBytes) {
        chunks.add(chunk.build());
        chunk = HistoryChunk.newBuilder();
        size = 0;
      }
      chunk.addEvents(event);
      size += eventSize;
    }
    if (size > 0) {
      chunks.add(chunk.build());
    }
    return chunks;
  }
}
