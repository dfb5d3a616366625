package dev.taskhub.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskhub.server.http.HttpDriver;
import dev.taskhub.server.testing.CounterEntityWorker;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;

/**
 * The Entities pages in a real headless Chromium: a counter's list row and page show its state, a
 * signal sent from the page changes it, and delete-state removes it. Screenshots go to
 * target/screenshots.
 */
class EntityDashboardBrowserTest {
  private static HttpDriver server;
  private static CounterEntityWorker worker;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    browser = Browser.launch();
    server = HttpDriver.start();
    worker = CounterEntityWorker.start(server.grpcPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (worker != null) {
      worker.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static void open(String hash) {
    browser.driver.get("about:blank");
    browser.driver.get(server.baseUrl() + "/" + hash);
  }

  /** Waits until the element's text satisfies the condition (the page refreshes every 2 s). */
  private static void awaitText(By locator, String contained) {
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptionsInstanceOf(WebDriverException.class)
        .until(() -> browser.driver.findElement(locator).getText().contains(contained));
  }

  private static void click(By locator) {
    browser.click(locator);
  }

  @Test
  void aCounterIsListedShownSignalledAndItsStateDeletedFromTheUi() throws Exception {
    browser.viewport(1280, 800);
    server.post(
        "/api/v1/hubs/default/entities/counter/visits/signal",
        "{\"operation\":\"add\",\"input\":41}");
    server.post(
        "/api/v1/hubs/default/entities/counter/other/signal",
        "{\"operation\":\"add\",\"input\":1}");

    open("#/hubs/default/entities");
    By row = By.cssSelector("#entities tr[data-id='@counter@visits']");
    awaitText(row, "41");
    assertThat(
            browser
                .driver
                .findElement(By.cssSelector("#sections a[aria-current='page']"))
                .getText())
        .isEqualTo("Entities");
    browser.screenshot("entity-list");

    click(By.cssSelector("#entities tr[data-id='@counter@visits'] a"));
    awaitText(By.id("entity-state"), "41");
    click(By.cssSelector("button[data-action='signal']"));
    browser.driver.findElement(By.id("dialog-field-operation")).sendKeys("add");
    browser.driver.findElement(By.id("dialog-field-input")).sendKeys("1");
    browser.screenshot("entity-signal-dialog");
    browser.driver.findElement(By.id("dialog-confirm")).click();
    awaitText(By.id("entity-state"), "42");
    browser.screenshot("entity-page");

    click(By.cssSelector("button[data-action='delete-state']"));
    browser.driver.findElement(By.id("dialog-confirm")).click();
    awaitText(By.id("entity-state"), "No state.");
  }

  @Test
  void theOrchestrationsAndEntitiesLinksSwitchBetweenTheTwoLists() {
    open("#/hubs/default/instances");
    click(By.cssSelector("#sections a[data-section='entities']"));
    awaitText(By.cssSelector("main h1"), "Entities");
    click(By.cssSelector("#sections a[data-section='instances']"));
    awaitText(By.cssSelector("main h1"), "Orchestrations");
  }
}
