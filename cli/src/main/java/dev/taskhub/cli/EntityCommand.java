package dev.taskhub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.client.CleanEntityStorageResult;
import dev.taskhub.sdk.client.EntityMetadata;
import dev.taskhub.sdk.client.EntityQuery;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.entity.EntityInstanceId;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code taskhub entity get|list|signal|clean}: durable entities, through the SDK client's entity
 * operations. An entity id is {@code @name@key} or {@code name@key}.
 */
@Command(
    name = "entity",
    mixinStandardHelpOptions = true,
    description = "Durable entities: get one, list them, signal one, clean storage.",
    subcommands = {
      EntityCommand.Get.class,
      EntityCommand.ListEntities.class,
      EntityCommand.Signal.class,
      EntityCommand.Clean.class
    },
    footer = {
      "",
      "Examples:",
      "  taskhub entity signal counter@visits add 5",
      "  taskhub entity get counter@visits",
      "  taskhub entity list --prefix counter"
    })
final class EntityCommand {
  private EntityCommand() {}

  static EntityInstanceId id(String text) {
    String withAt = text.startsWith("@") ? text : "@" + text;
    try {
      return EntityInstanceId.parse(withAt);
    } catch (IllegalArgumentException e) {
      throw new UsageError("'" + text + "' is not an entity id (name@key): " + e.getMessage());
    }
  }

  static ObjectNode entityJson(EntityMetadata<JsonNode> entity) {
    ObjectNode node = Json.object();
    node.put("id", entity.id().toString());
    node.put("name", entity.id().name());
    node.put("key", entity.id().key());
    node.put("lastModified", entity.lastModified().toString());
    node.put("backlogQueueSize", entity.backlogQueueSize());
    node.put("lockedBy", entity.lockedBy());
    node.set("state", Json.payload(entity.serializedState()));
    return node;
  }

  /** {@code taskhub entity get ID}. */
  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "Show an entity and its state.",
      footer = {"", "Example:", "  taskhub entity get counter@visits -o json"})
  static final class Get extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The entity id, name@key.")
    String entityId;

    @Override
    int run(TaskhubClient client) {
      EntityInstanceId entity = id(entityId);
      EntityMetadata<JsonNode> found =
          client
              .getEntity(entity, JsonNode.class)
              .orElseThrow(
                  () ->
                      new TaskhubException.InstanceNotFound(
                          "No entity with ID '" + entity + "' was found", null));
      if (json()) {
        out().println(Json.line(entityJson(found)));
        return ExitCodes.OK;
      }
      Instant now = session.clock().instant();
      Table lines = new Table("Entity", found.id().toString());
      lines.row("Modified", RelativeTime.full(found.lastModified(), now));
      lines.row("Queued", String.valueOf(found.backlogQueueSize()));
      lines.row("Locked by", found.lockOwner().orElse("-"));
      lines.row("State", found.serializedState() == null ? "-" : found.serializedState());
      lines.print(out());
      return ExitCodes.OK;
    }
  }

  /** {@code taskhub entity list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List entities in id order, with their state (JSON lines with -o json).",
      footer = {"", "Example:", "  taskhub entity list --prefix counter --limit 20"})
  static final class ListEntities extends ClientCommand {
    @Option(
        names = "--prefix",
        paramLabel = "PREFIX",
        description = "Ids starting with PREFIX (name, or name@key start).")
    String prefix;

    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "At most N entities; 0 for all. Default: ${DEFAULT-VALUE}")
    int limit = 100;

    @Override
    int run(TaskhubClient client) {
      EntityQuery query = EntityQuery.all();
      if (prefix != null) {
        query = query.withInstanceIdPrefix(prefix);
      }
      List<EntityMetadata<JsonNode>> found =
          client
              .queryEntities(query, JsonNode.class)
              .limit(limit == 0 ? Long.MAX_VALUE : limit)
              .toList();
      if (json()) {
        found.forEach(entity -> out().println(Json.line(entityJson(entity))));
        return ExitCodes.OK;
      }
      Instant now = session.clock().instant();
      Table table = new Table("ENTITY", "MODIFIED", "QUEUED", "LOCKED BY", "STATE");
      for (EntityMetadata<JsonNode> entity : found) {
        table.row(
            entity.id().toString(),
            RelativeTime.of(entity.lastModified(), now),
            String.valueOf(entity.backlogQueueSize()),
            entity.lockOwner().orElse("-"),
            entity.serializedState() == null ? "-" : entity.serializedState());
      }
      if (table.isEmpty()) {
        out().println("No entities match.");
      } else {
        table.print(out());
      }
      return ExitCodes.OK;
    }
  }

  /** {@code taskhub entity signal ID OPERATION [JSON]}. */
  @Command(
      name = "signal",
      mixinStandardHelpOptions = true,
      description = "Send a one-way operation to an entity (created by its first operation).",
      footer = {"", "Example:", "  taskhub entity signal counter@visits add 5"})
  static final class Signal extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The entity id, name@key.")
    String entityId;

    @Parameters(index = "1", paramLabel = "OPERATION", description = "The operation's name.")
    String operation;

    @Parameters(
        index = "2",
        arity = "0..1",
        paramLabel = "JSON|@FILE",
        description = "The operation's input. Default: none")
    String input;

    @Option(
        names = "--at",
        paramLabel = "TIME",
        converter = When.Converter.class,
        description = "Run it no earlier than TIME: an instant or a delay (10m).")
    When at;

    @Override
    int run(TaskhubClient client) {
      EntityInstanceId entity = id(entityId);
      Object payload = input == null ? null : JsonInput.parse("the operation input", input);
      client.signalEntity(
          entity, operation, payload, at == null ? null : at.fromNow(session.clock()));
      say("Signaled " + operation + " to " + entity);
      if (json()) {
        out()
            .println(
                Json.line(
                    Json.object()
                        .put("entityId", entity.toString())
                        .put("operation", operation)
                        .put("action", "signal")));
      }
      return ExitCodes.OK;
    }
  }

  /** {@code taskhub entity clean}. */
  @Command(
      name = "clean",
      mixinStandardHelpOptions = true,
      description =
          "Remove entities with no state, nothing queued and no lock; release locks of"
              + " orchestrations that ended.",
      footer = {"", "Example:", "  taskhub entity clean"})
  static final class Clean extends ClientCommand {
    @Override
    int run(TaskhubClient client) {
      CleanEntityStorageResult result = client.cleanEntityStorage(true, true);
      if (json()) {
        out()
            .println(
                Json.line(
                    Json.object()
                        .put("emptyEntitiesRemoved", result.emptyEntitiesRemoved())
                        .put("orphanedLocksReleased", result.orphanedLocksReleased())));
      } else {
        out()
            .println(
                "Removed "
                    + result.emptyEntitiesRemoved()
                    + " empty entities, released "
                    + result.orphanedLocksReleased()
                    + " orphaned locks");
      }
      return ExitCodes.OK;
    }
  }
}
