package dev.taskhub.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub;
import dev.taskhub.server.security.TokenFile;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;

/**
 * The dashboard of a scheduler that requires tokens, in a real headless Chromium: it asks for a
 * token, refuses a wrong one, shows who is signed in, shows a reader no action buttons, lets a
 * contributor terminate an instance, and signs out.
 */
class DashboardSignInBrowserTest {
  private static final String READER = "reader-secret";
  private static final String CONTRIBUTOR = "contributor-secret";
  private static final String ADMIN = "admin-secret";

  @TempDir static Path dir;
  private static TestScheduler server;
  private static Browser browser;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(
        tokens,
        "viewer "
            + TokenFile.hashHex(READER)
            + " reader default\n"
            + "editor "
            + TokenFile.hashHex(CONTRIBUTOR)
            + " contributor default\n"
            + "ops "
            + TokenFile.hashHex(ADMIN)
            + " admin *\n");
    server = TestScheduler.builder().http().config(c -> c.withAuthTokens(tokens)).start();
    channel = server.channel();
    browser = Browser.launch();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    channel.shutdownNow();
    server.close();
  }

  private static TaskHubSidecarServiceBlockingStub admin() {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + ADMIN);
    return TaskHubSidecarServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static void signIn(String token) {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptionsInstanceOf(WebDriverException.class)
        .until(() -> browser.driver.findElement(By.id("sign-in-token")).isDisplayed());
    browser.driver.findElement(By.id("sign-in-token")).sendKeys(token);
    browser.driver.findElement(By.cssSelector("#sign-in button[type='submit']")).click();
  }

  private static String text(String css) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptionsInstanceOf(WebDriverException.class)
        .until(() -> browser.driver.findElement(By.cssSelector(css)).getText(), t -> !t.isEmpty());
  }

  @Test
  void aReaderSeesNoActionsAContributorTerminatesAndSignOutAsksAgain() throws Exception {
    browser.viewport(1280, 800);
    admin()
        .startInstance(
            CreateInstanceRequest.newBuilder()
                .setInstanceId("waiting-1")
                .setName("nobody-hosts-it")
                .build());
    String base = "http://localhost:" + server.httpPort() + "/";
    browser.driver.get(base + "#/hubs/default/instances/waiting-1");

    signIn("not-a-token");
    assertThat(text("#sign-in .error")).contains("not accepted");
    signIn(READER);
    assertThat(text("#caller-name")).isEqualTo("Signed in as viewer (reader)");
    assertThat(text("#instance-status")).isNotEmpty();
    assertThat(browser.driver.findElements(By.cssSelector("button[data-action='terminate']")))
        .as("a reader sees no actions")
        .isEmpty();
    browser.screenshot("signed-in-reader");

    browser.driver.findElement(By.id("sign-out")).click();
    signIn(CONTRIBUTOR);
    assertThat(text("#caller-name")).isEqualTo("Signed in as editor (contributor)");
    browser.driver.get(base + "#/hubs/default/instances/waiting-1");
    browser.click(By.cssSelector("button[data-action='terminate']"));
    browser.driver.findElement(By.id("dialog-confirm")).click();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                admin()
                        .getInstance(
                            GetInstanceRequest.newBuilder().setInstanceId("waiting-1").build())
                        .getOrchestrationState()
                        .getOrchestrationStatus()
                    == OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED);
    browser.screenshot("signed-in-contributor-terminated");
  }
}
