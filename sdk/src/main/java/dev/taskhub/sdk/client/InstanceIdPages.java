package dev.taskhub.sdk.client;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ListInstanceIdsRequest;
import dev.taskhub.protocol.ListInstanceIdsResponse;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Turns the paged {@code ListInstanceIds} RPC into a lazy stream over all pages. */
final class InstanceIdPages implements Iterator<String> {
  private final ListInstanceIdsRequest.Builder request;
  private final Function<ListInstanceIdsRequest, ListInstanceIdsResponse> fetch;
  private Iterator<String> page = Collections.emptyIterator();
  private String lastInstanceKey;
  private boolean lastPage;

  private InstanceIdPages(
      ListInstanceIdsRequest.Builder request,
      Function<ListInstanceIdsRequest, ListInstanceIdsResponse> fetch) {
    this.request = request;
    this.fetch = fetch;
  }

  static Stream<String> stream(
      ListInstanceIdsRequest.Builder request,
      Function<ListInstanceIdsRequest, ListInstanceIdsResponse> fetch) {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(
            new InstanceIdPages(request, fetch), Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  @Override
  public boolean hasNext() {
    while (!page.hasNext() && !lastPage) {
      if (lastInstanceKey != null) {
        request.setLastInstanceKey(StringValue.of(lastInstanceKey));
      }
      ListInstanceIdsResponse response = fetch.apply(request.build());
      page = response.getInstanceIdsList().iterator();
      lastInstanceKey =
          response.hasLastInstanceKey() ? response.getLastInstanceKey().getValue() : null;
      // No key back: that was the last page.
      lastPage = lastInstanceKey == null || lastInstanceKey.isEmpty();
    }
    return page.hasNext();
  }

  @Override
  public String next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return page.next();
  }
}
