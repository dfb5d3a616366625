package dev.taskhub.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.StringValue;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.server.http.HttpDriver;
import dev.taskhub.server.http.Workflows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in a real headless Chromium against a real server with three official-SDK workers
 * (each runs one item at a time, so three activities run in parallel): a fan-out is listed live,
 * its timeline shows three overlapping activity bars, and an instance is terminated from the UI.
 * Screenshots go to target/screenshots.
 */
class DashboardBrowserTest {
  private static HttpDriver server;
  private static Browser browser;

  /** Task1..Task3 take 300, 450 and 600 ms: parallel, and finishing at different times. */
  private static Duration workTime(String item) {
    return Duration.ofMillis(150L + 150L * Integer.parseInt(item.replaceAll("\\D", "")));
  }

  @BeforeAll
  static void start() throws Exception {
    browser = Browser.launch();
    server = HttpDriver.start().workers(3, DashboardBrowserTest::workTime);
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

  /** Loads the dashboard afresh at the given route (a hash change alone would not reload it). */
  private static void open(String hash) {
    browser.driver.get("about:blank");
    browser.driver.get(server.baseUrl() + "/" + hash);
  }

  private static List<WebElement> all(String css) {
    return browser.driver.findElements(By.cssSelector(css));
  }

  /** Waits until {@code css} matches an element whose attribute has the value (re-rendered DOM). */
  private static void awaitAttribute(String css, String attribute, String value) {
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(WebDriverException.class)
        .until(
            () -> browser.driver.findElement(By.cssSelector(css)).getDomAttribute(attribute),
            value::equals);
  }

  /** The element's text, read afresh if live updates re-render it between finding and reading. */
  private static String textOf(By locator) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptionsInstanceOf(WebDriverException.class)
        .until(() -> browser.driver.findElement(locator).getText(), text -> true);
  }

  /** Clicks {@code css}, retrying while live updates re-render it. */
  private static void click(String css) {
    browser.click(By.cssSelector(css));
  }

  @Test
  void fanOutIsListedLiveAndItsTimelineShowsThreeOverlappingActivities() throws Exception {
    browser.viewport(1280, 800);
    open("#/hubs/default/instances");
    awaitAttribute("#live-indicator", "data-state", "on");

    String id = "fan-out-" + System.nanoTime();
    server.start(Workflows.FAN_OUT, id, List.of("Task1", "Task2", "Task3"));
    String row = "tr[data-instance-id='" + id + "']";
    // Listed by the live refresh, then shown completed without reloading the page.
    awaitAttribute(row, "data-status", "COMPLETED");
    assertThat(textOf(By.cssSelector(row + " .status"))).isEqualTo("Completed");
    assertThat(textOf(By.cssSelector(".chip[data-status='COMPLETED']"))).contains("Completed");
    browser.screenshot("instance-list");

    click(row + " a");
    awaitAttribute("#instance-status", "data-status", "COMPLETED");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> all(".tl-bar[data-kind='activity'][data-state='COMPLETED']").size() == 4);

    List<Bar> bars =
        all(".tl-bar[data-kind='activity']").stream()
            .map(Bar::of)
            .filter(bar -> bar.label().startsWith(Workflows.PROCESS))
            .toList();
    assertThat(bars).hasSize(3);
    long latestStart = bars.stream().mapToLong(Bar::start).max().orElseThrow();
    long earliestEnd = bars.stream().mapToLong(Bar::end).min().orElseThrow();
    assertThat(latestStart).as("all three run at one moment").isLessThan(earliestEnd);
    assertThat(bars.stream().map(Bar::end).distinct())
        .as("they finish at different times")
        .hasSize(3);
    int rightmostLeft = bars.stream().mapToInt(bar -> bar.box().x).max().orElseThrow();
    int leftmostRight =
        bars.stream().mapToInt(bar -> bar.box().x + bar.box().width).min().orElseThrow();
    assertThat(rightmostLeft).as("the bars overlap on screen").isLessThan(leftmostRight);
    Bar longest =
        bars.stream().max(Comparator.comparingLong(bar -> bar.end() - bar.start())).orElseThrow();
    Bar shortest =
        bars.stream().min(Comparator.comparingLong(bar -> bar.end() - bar.start())).orElseThrow();
    assertThat(longest.box().width).isGreaterThan(shortest.box().width);

    assertThat(textOf(By.id("payload-output"))).contains("total_value");
    assertThat(all("#history tbody tr[data-event-type='TaskCompleted']")).hasSize(4);

    browser.screenshot("instance-page");
    long height = (Long) browser.script("return document.documentElement.scrollHeight;");
    browser.viewport(1280, (int) Math.min(height, 2400));
    Path full = browser.screenshot("instance-page-full");
    assertThat(Files.size(full)).isPositive();
    browser.viewport(1280, 800);
  }

  @Test
  void terminatingARunningInstanceFromTheUiEndsIt() throws Exception {
    browser.viewport(1280, 800);
    String id = server.runningWaiter("terminate-me-" + System.nanoTime());
    open("#/hubs/default/instances/" + id);
    awaitAttribute("#instance-status", "data-status", "RUNNING");

    click("button[data-action='terminate']");
    WebElement reason = browser.driver.findElement(By.id("dialog-field-reason"));
    assertThat(browser.driver.findElement(By.id("dialog")).isDisplayed()).isTrue();
    reason.sendKeys("stopped from the dashboard");
    browser.screenshot("terminate-dialog");
    browser.driver.findElement(By.id("dialog-confirm")).click();

    awaitAttribute("#instance-status", "data-status", "TERMINATED");
    server.awaitStatus(id, OrchestrationRuntimeStatus.TERMINATED);
    assertThat(textOf(By.id("payload-output"))).contains("stopped from the dashboard");
    assertThat(all("button[data-action='terminate']")).isEmpty();
    browser.screenshot("instance-terminated");
  }

  @Test
  void theTagFilterListsOnlyTaggedInstancesUnderTheirDisplayName() throws Exception {
    String tag = "run=" + System.nanoTime();
    TaskHubSidecarServiceGrpc.newBlockingStub(server.channel())
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .startInstance(
            CreateInstanceRequest.newBuilder()
                .setInstanceId("tagged-" + System.nanoTime())
                .setName("fan_out_fan_in_orchestrator")
                .setInput(StringValue.of("[\"Task1\"]"))
                .putTags("run", tag.substring(4))
                .putTags("durabletask.displayName", "Nightly billing")
                .build());
    server.completedFanOut("untagged-" + System.nanoTime(), 1);
    open("#/hubs/default/instances");
    awaitAttribute("#live-indicator", "data-state", "on");

    browser.driver.findElement(By.id("filter-tag")).sendKeys(tag, Keys.ENTER);

    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptionsInstanceOf(WebDriverException.class)
        .until(
            () ->
                all("table.instances tbody tr").size() == 1
                    && all("table.instances tbody tr td[data-label='Name']")
                        .get(0)
                        .getText()
                        .equals("Nightly billing"));
    assertThat(browser.driver.getCurrentUrl()).contains("tag=");
    browser.screenshot("instance-list-tag-filter");
  }

  @Test
  void worksAtPhoneWidthAndByKeyboard() throws Exception {
    String id = server.completedFanOut("phone-" + System.nanoTime(), 2);
    browser.viewport(390, 844);
    open("#/hubs/default/instances");
    awaitAttribute("#live-indicator", "data-state", "on");
    WebElement search = browser.driver.findElement(By.id("filter-id"));
    search.sendKeys(id, Keys.ENTER);
    awaitAttribute("tr[data-instance-id='" + id + "']", "data-status", "COMPLETED");
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptionsInstanceOf(WebDriverException.class)
        .until(() -> all("table.instances tbody tr").size() == 1);
    long overflow =
        (Long)
            browser.script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    assertThat(overflow).as("no horizontal scrolling at phone width").isLessThanOrEqualTo(0);
    browser.screenshot("instance-list-phone");

    // Keyboard only: focus the row's link and follow it with Enter.
    WebElement link =
        browser.driver.findElement(By.cssSelector("tr[data-instance-id='" + id + "'] a"));
    browser.script("arguments[0].focus();", link);
    browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
    awaitAttribute("#instance-status", "data-status", "COMPLETED");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> all(".tl-bar[data-state='COMPLETED']").size() == 3);
    browser.screenshot("instance-page-phone");
    browser.viewport(1280, 800);
  }

  /** A timeline bar as drawn: its task, times (epoch ms) and box on screen. */
  private record Bar(String label, long start, long end, Rectangle box) {
    static Bar of(WebElement element) {
      return new Bar(
          element.getDomAttribute("aria-label"),
          Long.parseLong(element.getDomAttribute("data-start")),
          Long.parseLong(element.getDomAttribute("data-end")),
          element.getRect());
    }
  }
}
