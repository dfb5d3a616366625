package dev.taskhub.server.store;

/**
 * Which entities of a hub a query reads: ids starting with {@code idPrefix} (null: any), last
 * modified in {@code lastModified}, and with {@code includeTransient} also those without a state.
 */
public record EntityFilter(
    String hub, String idPrefix, TimeRange lastModified, boolean includeTransient) {}
