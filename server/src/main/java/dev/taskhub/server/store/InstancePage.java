package dev.taskhub.server.store;

import java.util.List;

/** One page of a query; {@code continuationToken} is null on the last page. */
public record InstancePage(List<InstanceRecord> instances, String continuationToken) {}
