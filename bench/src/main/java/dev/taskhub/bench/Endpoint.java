package dev.taskhub.bench;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

/**
 * Where the scheduler under test listens ({@code host:port}, plaintext) and which task hub to use.
 *
 * @param target gRPC target, e.g. {@code localhost:8080}
 * @param taskHub value of the {@code taskhub} metadata header, or {@code null} to send none (the
 *     server's default hub)
 */
record Endpoint(String target, String taskHub) {
  private static final Metadata.Key<String> TASK_HUB =
      Metadata.Key.of("taskhub", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * A history of 10,000 activities is about 1 MiB and grows with N; allow far more than gRPC's 4
   * MiB default so that a large N measures the scheduler rather than failing on message size.
   */
  private static final int MAX_INBOUND_BYTES = 256 << 20;

  /**
   * Opens a channel (one HTTP/2 connection). Callbacks run on the transport thread: every handler
   * in this module only builds a message and starts an asynchronous call, so it never blocks there.
   */
  ManagedChannel open() {
    ManagedChannelBuilder<?> builder =
        Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
            .maxInboundMessageSize(MAX_INBOUND_BYTES)
            .directExecutor();
    if (taskHub != null && !taskHub.isEmpty()) {
      Metadata headers = new Metadata();
      headers.put(TASK_HUB, taskHub);
      builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    return builder.build();
  }

  @Override
  public String toString() {
    return taskHub == null ? target : target + " (task hub " + taskHub + ")";
  }
}
