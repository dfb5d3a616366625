package dev.taskhub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.protocol.CreateTaskHubRequest;
import dev.taskhub.protocol.DeleteTaskHubRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.sdk.CallHeaders;
import dev.taskhub.sdk.ConnectionSettings;
import dev.taskhub.sdk.client.TaskhubClient;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code taskhub hubs}: the task hubs a Taskhub scheduler serves, and creating and deleting them.
 * The protocol has no call that lists hubs, so the list comes from Taskhub's HTTP API ({@code GET
 * /api/v1/info}); create and delete are the protocol's {@code CreateTaskHub} and {@code
 * DeleteTaskHub}, which the SDK's client does not offer.
 */
@Command(
    name = "hubs",
    mixinStandardHelpOptions = true,
    description = {
      "List the task hubs the scheduler serves (from its HTTP API), or create and delete them"
          + " (the server needs --allow-hub-management)."
    },
    subcommands = {HubsCommand.Create.class, HubsCommand.Delete.class},
    footer = {
      "",
      "Examples:",
      "  taskhub hubs",
      "  taskhub hubs --http-endpoint https://sched.example.com:8082 --token $TASKHUB_TOKEN",
      "  taskhub hubs create staging",
      "  taskhub hubs delete staging --yes"
    })
final class HubsCommand extends ClientCommand {
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

  @Option(
      names = "--http-endpoint",
      paramLabel = "URL",
      description = "The scheduler's HTTP API. Default: the gRPC endpoint's host, port 8082")
  String httpEndpoint;

  @Override
  int run(TaskhubClient client) {
    URI base =
        URI.create(
            httpEndpoint != null
                ? httpEndpoint
                : (settings.tls() ? "https://" : "http://")
                    + (settings.host().contains(":")
                        ? "[" + settings.host() + "]"
                        : settings.host())
                    + ":8082");
    JsonNode info = getInfo(base.resolve("/api/v1/info"));
    if (json()) {
      out().println(Json.line(info));
      return ExitCodes.OK;
    }
    Table table = new Table("TASK HUB", "");
    String defaultHub = info.path("defaultHub").asText();
    info.path("taskHubs")
        .forEach(
            hub ->
                table.row(
                    hub.asText(),
                    hub.asText().equals(defaultHub)
                        ? terminal().paint(Terminal.Colour.GREY, "(default)")
                        : ""));
    table.print(out());
    return ExitCodes.OK;
  }

  private JsonNode getInfo(URI uri) {
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT);
    if (settings.trustedCertificates() != null) {
      http.sslContext(TrustedCertificates.sslContext(settings.trustedCertificates()));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).GET();
    if (settings.token() != null) {
      request.header("Authorization", "Bearer " + settings.token());
    }
    HttpResponse<String> response;
    try (HttpClient httpClient = http.build()) {
      response = httpClient.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new UnreachableServer(uri.getAuthority(), e);
    } catch (IOException e) {
      throw new UnreachableServer(uri.getAuthority(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while asking " + uri, e);
    }
    if (response.statusCode() != 200) {
      throw new dev.taskhub.sdk.TaskhubException(
          "GET " + uri + " answered " + response.statusCode(), null);
    }
    return JsonInput.parse("the answer of " + uri, response.body());
  }

  /** Runs one call of the protocol's hub management on a channel of its own. */
  static void manage(
      ConnectionSettings settings,
      String hub,
      Consumer<TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub> call) {
    ManagedChannel channel = settings.withTaskHub(hub).openChannel();
    try {
      call.accept(
          TaskHubSidecarServiceGrpc.newBlockingStub(channel)
              .withInterceptors(CallHeaders.of(settings.withTaskHub(hub)))
              .withDeadlineAfter(30, TimeUnit.SECONDS));
    } finally {
      channel.shutdownNow();
    }
  }

  /** {@code taskhub hubs create NAME}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a task hub (CreateTaskHub; the server needs --allow-hub-management).",
      footer = {"", "Example:", "  taskhub hubs create staging"})
  static final class Create extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The task hub's name.")
    String hub;

    @Option(names = "--recreate", description = "Empty the hub if it exists.")
    boolean recreate;

    @Override
    int run(TaskhubClient client) {
      manage(
          settings,
          hub,
          stub ->
              stub.createTaskHub(
                  CreateTaskHubRequest.newBuilder().setRecreateIfExists(recreate).build()));
      say("Created task hub " + hub);
      if (json()) {
        out().println(Json.line(Json.object().put("taskHub", hub).put("action", "create")));
      }
      return ExitCodes.OK;
    }
  }

  /** {@code taskhub hubs delete NAME --yes}. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description =
          "Delete a task hub with all its instances and entities (DeleteTaskHub; the server needs"
              + " --allow-hub-management).",
      footer = {"", "Example:", "  taskhub hubs delete staging --yes"})
  static final class Delete extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The task hub's name.")
    String hub;

    @Option(names = "--yes", description = "Yes, delete it and everything in it.")
    boolean yes;

    @Override
    int run(TaskhubClient client) {
      if (!yes) {
        throw new UsageError("deleting task hub " + hub + " deletes all its data: add --yes");
      }
      manage(settings, hub, stub -> stub.deleteTaskHub(DeleteTaskHubRequest.getDefaultInstance()));
      say("Deleted task hub " + hub);
      if (json()) {
        out().println(Json.line(Json.object().put("taskHub", hub).put("action", "delete")));
      }
      return ExitCodes.OK;
    }
  }
}
