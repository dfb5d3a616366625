package dev.taskhub.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskhub.server.http.HttpDriver;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;

/**
 * The Schedules page in a real headless Chromium: each schedule's row shows when it fires, its
 * status, overlap policy, next and last runs; pause, run now and delete work from the page.
 * Screenshots go to target/screenshots.
 */
class ScheduleDashboardBrowserTest {
  private static HttpDriver server;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    browser = Browser.launch();
    server = HttpDriver.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static void awaitText(By locator, String contained) {
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptionsInstanceOf(WebDriverException.class)
        .until(() -> browser.driver.findElement(locator).getText().contains(contained));
  }

  @Test
  void schedulesAreListedWithTheirRunsAndPausedTriggeredAndDeletedFromTheUi() throws Exception {
    browser.viewport(1400, 700);
    server.post(
        "/api/v1/hubs/default/schedules",
        """
        {"id": "nightly-report", "orchestration": "Report", "cron": "0 2 * * *",
         "timeZone": "Europe/Berlin", "overlap": "buffer_one", "input": {"region": "eu"}}""");
    server.post(
        "/api/v1/hubs/default/schedules",
        """
        {"id": "heartbeat", "orchestration": "Ping", "interval": "1h", "overlap": "allow_all"}""");
    server.post("/api/v1/hubs/default/schedules/heartbeat/trigger", null);

    browser.driver.get(server.baseUrl() + "/#/hubs/default/schedules");
    By nightly = By.cssSelector("#schedules tr[data-id='nightly-report']");
    By heartbeat = By.cssSelector("#schedules tr[data-id='heartbeat']");
    awaitText(nightly, "0 2 * * * (Europe/Berlin)");
    awaitText(heartbeat, "heartbeat-");
    assertThat(browser.driver.findElement(nightly).getText()).contains("Active", "buffer one");
    assertThat(browser.driver.findElement(heartbeat).getText()).contains("every 1h", "allow all");
    assertThat(
            browser
                .driver
                .findElement(By.cssSelector("#sections a[aria-current='page']"))
                .getText())
        .isEqualTo("Schedules");
    browser.screenshot("schedules");

    browser.click(
        By.cssSelector("#schedules tr[data-id='nightly-report'] button[data-action='pause']"));
    awaitText(nightly, "Paused");
    browser.click(
        By.cssSelector("#schedules tr[data-id='nightly-report'] button[data-action='trigger']"));
    awaitText(nightly, "nightly-report-");
    browser.screenshot("schedules-paused-and-run");

    browser.click(
        By.cssSelector("#schedules tr[data-id='heartbeat'] button[data-action='delete']"));
    browser.driver.findElement(By.id("dialog-confirm")).click();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> browser.driver.findElements(heartbeat).isEmpty());
    assertThat(server.get("/api/v1/hubs/default/schedules/heartbeat").status()).isEqualTo(404);
  }
}
