package dev.taskhub.server.store;

import java.util.List;

/** One page of entities in id order; {@code continuationToken} is null on the last page. */
public record EntityPage(List<EntityRecord> entities, String continuationToken) {}
