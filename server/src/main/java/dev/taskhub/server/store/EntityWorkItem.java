package dev.taskhub.server.store;

import java.util.List;
import java.util.Set;

/**
 * What planning an entity's next batch needs: its row, the inbox messages visible now (in arrival
 * order), and which of the orchestrations they name (the lock holder, lock requesters) are still
 * running, read in the same snapshot.
 */
public record EntityWorkItem(EntityRecord entity, List<InboxEvent> inbox, Set<String> running) {}
