package dev.taskhub.server.cluster.postgres;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.taskhub.protocol.ActivityRequest;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.cluster.WorkClaims;
import dev.taskhub.server.engine.WorkFilter;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.WorkName;
import dev.taskhub.server.store.postgres.PostgresTransactions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link WorkClaims} on PostgreSQL. Claims run READ COMMITTED with {@code FOR UPDATE SKIP LOCKED}:
 * nodes claiming at the same moment each take different rows and never wait for each other. The
 * claim queries only look at unowned rows (partial indexes), so claims stay cheap however much work
 * other nodes hold; a dead node's rows become unowned when a live node reaps it.
 */
final class PostgresClaims implements WorkClaims {
  private static final String CLAIM_INSTANCES =
      """
      UPDATE instances AS i SET owner = ?
      FROM (SELECT c.hub, c.instance_id FROM instances c
            WHERE c.hub = ? AND c.completed_at IS NULL AND c.owner IS NULL
              AND EXISTS (SELECT 1 FROM inbox b
                          WHERE b.hub = c.hub AND b.instance_id = c.instance_id
                            AND b.visible_at <= ?)
              AND %s
            LIMIT ? FOR UPDATE OF c SKIP LOCKED) AS picked
      WHERE i.hub = picked.hub AND i.instance_id = picked.instance_id
      RETURNING i.instance_id, i.name, i.version""";
  private static final String CLAIM_ACTIVITIES =
      """
      UPDATE activities AS a SET owner = ?
      FROM (SELECT c.hub, c.instance_id, c.task_id FROM activities c
            WHERE c.hub = ? AND c.completed_at IS NULL AND c.owner IS NULL AND %s
            ORDER BY c.scheduled_at LIMIT ? FOR UPDATE OF c SKIP LOCKED) AS picked
      WHERE a.hub = picked.hub AND a.instance_id = picked.instance_id AND a.task_id = picked.task_id
      RETURNING a.instance_id, a.task_id, a.execution_id, a.request""";

  /**
   * Locks the claiming node's registration for the claim's transaction: a reaper deleting it waits
   * until the claim commits, then releases what it claimed along with the rest.
   */
  private static final String CLAIMANT_ALIVE =
      "SELECT 1 FROM nodes WHERE node_id = ? AND alive_until > ? FOR SHARE";

  private static final String OWNED_WITH_VISIBLE_EVENTS =
      """
      SELECT i.instance_id FROM instances i
      WHERE i.owner = ? AND i.hub = ? AND i.completed_at IS NULL
        AND EXISTS (SELECT 1 FROM inbox b
                    WHERE b.hub = i.hub AND b.instance_id = i.instance_id AND b.visible_at <= ?)""";
  private static final String RELEASE_INSTANCES =
      """
      UPDATE instances SET owner = NULL
      WHERE owner = ? AND hub = ? AND instance_id = ANY (?)""";
  private static final String RELEASE_ACTIVITIES =
      """
      UPDATE activities SET owner = NULL
      WHERE owner = ? AND hub = ? AND instance_id = ? AND task_id = ? AND completed_at IS NULL""";
  private static final String LIVE_NODE =
      "EXISTS (SELECT 1 FROM nodes n WHERE n.node_id = owner" + " AND n.alive_until > ?)";

  private final PostgresTransactions transactions;

  PostgresClaims(PostgresTransactions transactions) {
    this.transactions = transactions;
  }

  @Override
  public void registerNode(String nodeId, long now, long aliveUntil) {
    transactions.write(
        connection -> {
          try (PreparedStatement upsert =
              connection.prepareStatement(
                  """
                  INSERT INTO nodes (node_id, started_at, alive_until) VALUES (?, ?, ?)
                  ON CONFLICT (node_id) DO UPDATE SET alive_until = EXCLUDED.alive_until""")) {
            upsert.setString(1, nodeId);
            upsert.setLong(2, now);
            upsert.setLong(3, aliveUntil);
            upsert.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public boolean renewNode(String nodeId, long now, long aliveUntil) {
    return transactions.writeReadCommitted(
        connection -> {
          try (PreparedStatement renew =
              connection.prepareStatement(
                  "UPDATE nodes SET alive_until = ? WHERE node_id = ? AND alive_until > ?")) {
            renew.setLong(1, aliveUntil);
            renew.setString(2, nodeId);
            renew.setLong(3, now);
            return renew.executeUpdate() == 1;
          }
        });
  }

  @Override
  public void deregisterNode(String nodeId) {
    transactions.writeReadCommitted(
        connection -> {
          releaseEverything(connection, List.of(nodeId));
          try (PreparedStatement delete =
              connection.prepareStatement("DELETE FROM nodes WHERE node_id = ?")) {
            delete.setString(1, nodeId);
            delete.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public int reapDeadNodes(String nodeId, long now) {
    return transactions.writeReadCommitted(
        connection -> {
          List<String> dead = new ArrayList<>();
          try (PreparedStatement delete =
              connection.prepareStatement(
                  "DELETE FROM nodes WHERE alive_until <= ? AND node_id <> ? RETURNING node_id")) {
            delete.setLong(1, now);
            delete.setString(2, nodeId);
            try (ResultSet rows = delete.executeQuery()) {
              while (rows.next()) {
                dead.add(rows.getString(1));
              }
            }
          }
          if (!dead.isEmpty()) {
            releaseEverything(connection, dead);
          }
          return dead.size();
        });
  }

  private static void releaseEverything(Connection connection, List<String> nodeIds)
      throws SQLException {
    Array owners = connection.createArrayOf("text", nodeIds.toArray());
    for (String table : List.of("instances", "activities")) {
      try (PreparedStatement release =
          connection.prepareStatement(
              "UPDATE "
                  + table
                  + " SET owner = NULL WHERE owner = ANY (?) AND completed_at IS NULL")) {
        release.setArray(1, owners);
        release.executeUpdate();
      }
    }
  }

  @Override
  public boolean isAlive(String nodeId, long now) {
    return transactions.read(
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT 1 FROM nodes WHERE node_id = ? AND alive_until > ?")) {
            select.setString(1, nodeId);
            select.setLong(2, now);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next();
            }
          }
        });
  }

  @Override
  public Claimed claim(
      String hub, String nodeId, long now, int maxInstances, int maxActivities, WorkFilter takes) {
    NameCondition instanceNames = NameCondition.forInstances(takes);
    NameCondition activityNames =
        takes.acceptsEverything() ? NameCondition.ANY : NameCondition.of(takes.activities());
    return transactions.writeReadCommitted(
        connection -> {
          if (!isAlive(connection, nodeId, now)) {
            return new Claimed(List.of(), Map.of(), List.of());
          }
          List<InstanceKey> instances = new ArrayList<>();
          Map<InstanceKey, WorkName> names = new HashMap<>();
          if (maxInstances > 0 && !instanceNames.isNone()) {
            String sql = CLAIM_INSTANCES.formatted(instanceNames.sql());
            try (PreparedStatement claim = connection.prepareStatement(sql)) {
              claim.setString(1, nodeId);
              claim.setString(2, hub);
              claim.setLong(3, now);
              int next = instanceNames.bind(claim, 4);
              claim.setInt(next, maxInstances);
              try (ResultSet rows = claim.executeQuery()) {
                while (rows.next()) {
                  InstanceKey key = new InstanceKey(hub, rows.getString(1));
                  instances.add(key);
                  names.put(
                      key, WorkName.ofRow(key.instanceId(), rows.getString(2), rows.getString(3)));
                }
              }
            }
          }
          List<ActivityTask> activities = new ArrayList<>();
          if (maxActivities > 0 && !activityNames.isNone()) {
            String sql = CLAIM_ACTIVITIES.formatted(activityNames.sql());
            try (PreparedStatement claim = connection.prepareStatement(sql)) {
              claim.setString(1, nodeId);
              claim.setString(2, hub);
              int next = activityNames.bind(claim, 3);
              claim.setInt(next, maxActivities);
              try (ResultSet rows = claim.executeQuery()) {
                while (rows.next()) {
                  activities.add(
                      new ActivityTask(
                          new InstanceKey(hub, rows.getString(1)),
                          rows.getString(3),
                          rows.getInt(2),
                          parseRequest(rows.getBytes(4))));
                }
              }
            }
          }
          return new Claimed(instances, names, activities);
        });
  }

  private static boolean isAlive(Connection connection, String nodeId, long now)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(CLAIMANT_ALIVE)) {
      select.setString(1, nodeId);
      select.setLong(2, now);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next();
      }
    }
  }

  @Override
  public List<InstanceKey> ownedWithVisibleEvents(String hub, String nodeId, long now) {
    return transactions.read(
        connection -> {
          List<InstanceKey> ready = new ArrayList<>();
          try (PreparedStatement select = connection.prepareStatement(OWNED_WITH_VISIBLE_EVENTS)) {
            select.setString(1, nodeId);
            select.setString(2, hub);
            select.setLong(3, now);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                ready.add(new InstanceKey(hub, rows.getString(1)));
              }
            }
          }
          return ready;
        });
  }

  @Override
  public void release(
      String nodeId, Collection<InstanceKey> instances, Collection<ActivityKey> activities) {
    if (instances.isEmpty() && activities.isEmpty()) {
      return;
    }
    transactions.writeReadCommitted(
        connection -> {
          try (PreparedStatement release = connection.prepareStatement(RELEASE_INSTANCES)) {
            for (var byHub : groupByHub(instances)) {
              release.setString(1, nodeId);
              release.setString(2, byHub.hub());
              release.setArray(3, connection.createArrayOf("text", byHub.ids().toArray()));
              release.addBatch();
            }
            release.executeBatch();
          }
          try (PreparedStatement release = connection.prepareStatement(RELEASE_ACTIVITIES)) {
            for (ActivityKey activity : activities) {
              release.setString(1, nodeId);
              release.setString(2, activity.instance().hub());
              release.setString(3, activity.instance().instanceId());
              release.setInt(4, activity.taskId());
              release.addBatch();
            }
            release.executeBatch();
          }
          return null;
        });
  }

  private record HubIds(String hub, List<String> ids) {}

  private static List<HubIds> groupByHub(Collection<InstanceKey> keys) {
    List<HubIds> groups = new ArrayList<>();
    for (InstanceKey key : keys) {
      HubIds group =
          groups.stream().filter(g -> g.hub().equals(key.hub())).findFirst().orElse(null);
      if (group == null) {
        group = new HubIds(key.hub(), new ArrayList<>());
        groups.add(group);
      }
      group.ids().add(key.instanceId());
    }
    return groups;
  }

  @Override
  public Optional<String> liveInstanceOwner(InstanceKey key, long now) {
    return owner(
        "SELECT owner FROM instances WHERE hub = ? AND instance_id = ? AND " + LIVE_NODE,
        key,
        null,
        now);
  }

  @Override
  public Optional<String> liveActivityOwner(ActivityKey key, long now) {
    return owner(
        "SELECT owner FROM activities WHERE hub = ? AND instance_id = ? AND task_id = ?"
            + " AND completed_at IS NULL AND "
            + LIVE_NODE,
        key.instance(),
        key.taskId(),
        now);
  }

  private Optional<String> owner(String sql, InstanceKey key, Integer taskId, long now) {
    return transactions.read(
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(sql)) {
            int index = 1;
            select.setString(index++, key.hub());
            select.setString(index++, key.instanceId());
            if (taskId != null) {
              select.setInt(index++, taskId);
            }
            select.setLong(index, now);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public void relay(RelayedCompletion completion) {
    transactions.write(
        connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  """
                  INSERT INTO relayed_completions (node_id, hub, kind, response, created_at)
                  VALUES (?, ?, ?, ?, ?)""")) {
            insert.setString(1, completion.nodeId());
            insert.setString(2, completion.hub());
            insert.setShort(3, (short) (completion.kind().ordinal() + 1));
            insert.setBytes(4, completion.response());
            insert.setLong(5, completion.createdAt());
            insert.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public List<RelayedCompletion> takeRelayed(String nodeId) {
    return takeRelays("node_id = ?", statement -> statement.setString(1, nodeId));
  }

  @Override
  public List<RelayedCompletion> takeOrphanedRelays(long now) {
    return takeRelays(
        "NOT EXISTS (SELECT 1 FROM nodes n WHERE n.node_id = relayed_completions.node_id"
            + " AND n.alive_until > ?)",
        statement -> statement.setLong(1, now));
  }

  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  private List<RelayedCompletion> takeRelays(String condition, Binder binder) {
    return transactions.writeReadCommitted(
        connection -> {
          List<RelayedCompletion> taken = new ArrayList<>();
          try (PreparedStatement delete =
              connection.prepareStatement(
                  "WITH taken AS (DELETE FROM relayed_completions WHERE "
                      + condition
                      + " RETURNING id, node_id, hub, kind, response, created_at)"
                      + " SELECT node_id, hub, kind, response, created_at FROM taken ORDER BY id")) {
            binder.bind(delete);
            try (ResultSet rows = delete.executeQuery()) {
              while (rows.next()) {
                taken.add(
                    new RelayedCompletion(
                        rows.getString(1),
                        rows.getString(2),
                        RelayedCompletion.Kind.values()[rows.getShort(3) - 1],
                        rows.getBytes(4),
                        rows.getLong(5)));
              }
            }
          }
          return taken;
        });
  }

  private static ActivityRequest parseRequest(byte[] bytes) {
    try {
      return ActivityRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new TaskhubException("A stored activity request is corrupt: " + e.getMessage(), e);
    }
  }
}
