package dev.taskhub.sdk.client;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ListInstanceIdsRequest;
import dev.taskhub.protocol.ListInstanceIdsResponse;
import java.util.function.Function;
import java.util.stream.Stream;

/** Turns the paged {@code ListInstanceIds} RPC into a lazy stream over all pages. */
final class InstanceIdPages {
  private InstanceIdPages() {}

  static Stream<String> stream(
      ListInstanceIdsRequest.Builder request,
      Function<ListInstanceIdsRequest, ListInstanceIdsResponse> fetch) {
    return TokenPages.stream(
        lastInstanceKey -> {
          if (lastInstanceKey != null) {
            request.setLastInstanceKey(StringValue.of(lastInstanceKey));
          }
          ListInstanceIdsResponse response = fetch.apply(request.build());
          // No key back: that was the last page.
          return new TokenPages.Page<>(
              response.getInstanceIdsList(),
              response.hasLastInstanceKey() ? response.getLastInstanceKey().getValue() : null);
        });
  }
}
