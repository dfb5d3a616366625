package dev.taskhub.sdk.client;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A lazy stream over a paged RPC whose pages are linked by a token (a continuation token, a last
 * key): the next page is fetched only when the items of the last one run out, and a page without a
 * token is the last.
 */
final class TokenPages<T> implements Iterator<T> {
  /** One page's items and the token that leads to the next (null or empty: none). */
  record Page<T>(List<T> items, String nextToken) {}

  private final Function<String, Page<T>> fetch;
  private Iterator<T> page = Collections.emptyIterator();
  private String token;
  private boolean lastPage;

  private TokenPages(Function<String, Page<T>> fetch) {
    this.fetch = fetch;
  }

  /**
   * @param fetch reads the page a token leads to (null for the first page)
   */
  static <T> Stream<T> stream(Function<String, Page<T>> fetch) {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(
            new TokenPages<>(fetch), Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  @Override
  public boolean hasNext() {
    while (!page.hasNext() && !lastPage) {
      Page<T> next = fetch.apply(token);
      page = next.items().iterator();
      token = next.nextToken();
      lastPage = token == null || token.isEmpty();
    }
    return page.hasNext();
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return page.next();
  }
}
