package dev.taskhub.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub;
import dev.taskhub.server.config.OidcSettings;
import dev.taskhub.server.security.BrowserSignIn;
import dev.taskhub.server.security.LocalIssuer;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WindowType;

/**
 * The dashboard of a scheduler started with {@code --oidc-issuer} and {@code --oidc-client-id}, in
 * a real headless Chromium, signing in at the test's issuer with the authorization code and PKCE:
 * "Sign in with …" goes to the issuer and back, the view the person was on is shown with who is
 * signed in, the token stays in the tab, a reader sees no actions, a contributor terminates an
 * instance, a person without a Taskhub role is told so, a token the server stops accepting ends the
 * sign-in, and signing out asks again.
 */
class DashboardOidcSignInBrowserTest {
  private static final String AUDIENCE = "api://taskhub";
  private static final String CLIENT_ID = "taskhub-dashboard";
  private static final String SCOPES = "openid profile api://taskhub/.default";

  private static LocalIssuer issuer;
  private static RSAKey key;
  private static TestScheduler server;
  private static Browser browser;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    issuer = new LocalIssuer();
    key = LocalIssuer.rsaKey("k1");
    issuer.publish(key);
    server =
        TestScheduler.builder()
            .http()
            .config(
                c ->
                    c.withOidc(
                        new OidcSettings(issuer.url(), AUDIENCE, null, null)
                            .withDashboardClient(CLIENT_ID, SCOPES)))
            .start();
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
    issuer.close();
  }

  /** The claims of a token for {@code person} with {@code roles}, valid for five minutes. */
  private static JWTClaimsSet person(String person, String... roles) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(issuer.url())
        .audience(AUDIENCE)
        .subject(person + "-subject")
        .claim("preferred_username", person)
        .claim("roles", List.of(roles))
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300)))
        .build();
  }

  private static TaskHubSidecarServiceBlockingStub admin() throws Exception {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + LocalIssuer.sign(key, person("ops", "admin")));
    return TaskHubSidecarServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static BrowserSignIn signInAt() {
    return issuer.browserSignIn();
  }

  /** Clicks "Sign in with …" once the sign-in page shows it. */
  private static void signInThroughTheIssuer() {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptionsInstanceOf(WebDriverException.class)
        .until(() -> browser.driver.findElement(By.id("sign-in-oidc")).isDisplayed());
    browser.driver.findElement(By.id("sign-in-oidc")).click();
  }

  private static String text(String css) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptionsInstanceOf(WebDriverException.class)
        .until(() -> browser.driver.findElement(By.cssSelector(css)).getText(), t -> !t.isEmpty());
  }

  private static Object sessionToken() {
    return browser.script("return sessionStorage.getItem('taskhub.token');");
  }

  @Test
  void signsInThroughTheIssuerWithPkceShowsWhoAndWhatTheyMayDoAndSignsOut() throws Exception {
    browser.viewport(1280, 800);
    admin()
        .startInstance(
            CreateInstanceRequest.newBuilder()
                .setInstanceId("waiting-oidc")
                .setName("nobody-hosts-it")
                .build());
    String base = "http://localhost:" + server.httpPort() + "/";
    String instancePage = base + "#/hubs/default/instances/waiting-oidc";

    // Someone the issuer knows but who has no Taskhub role is told so, and may sign in again.
    signInAt().signsIn(CLIENT_ID, key, () -> person("stranger@example.com", "unrelated"));
    browser.driver.get(instancePage);
    assertThat(text("#sign-in-oidc"))
        .isEqualTo("Sign in with " + URI.create(issuer.url()).getAuthority());
    assertThat(browser.driver.findElements(By.id("sign-in-token")))
        .as("without a token file there is no token field")
        .isEmpty();
    browser.screenshot("oidc-sign-in");
    signInThroughTheIssuer();
    assertThat(text("#sign-in .error")).contains("stranger@example.com", "needs the role");
    assertThat(sessionToken()).isNull();
    browser.screenshot("oidc-sign-in-without-a-role");

    signInAt().signsIn(CLIENT_ID, key, () -> person("ada@example.com", "reader"));
    signInThroughTheIssuer();
    assertThat(text("#caller-name")).isEqualTo("Signed in as ada@example.com (reader)");
    assertThat(text("#instance-status")).isNotEmpty();
    assertThat(browser.driver.getCurrentUrl())
        .as("back on the page the sign-in started from, with no code in the address")
        .isEqualTo(instancePage);
    assertThat(browser.driver.findElements(By.cssSelector("button[data-action='terminate']")))
        .as("a reader sees no actions")
        .isEmpty();
    assertThat(signInAt().lastAuthorization())
        .containsEntry("client_id", CLIENT_ID)
        .containsEntry("scope", SCOPES)
        .containsEntry("code_challenge_method", "S256")
        .containsEntry("redirect_uri", base)
        .containsKeys("code_challenge", "state");
    assertThat(signInAt().exchangesRefused()).as("the verifier matched its challenge").isZero();
    assertThat((String) sessionToken()).as("the issuer's JWT, kept in the tab").startsWith("ey");
    assertThat(browser.script("return localStorage.length;")).isEqualTo(0L);
    browser.screenshot("oidc-signed-in-reader");

    String signedInTab = browser.driver.getWindowHandle();
    browser.driver.switchTo().newWindow(WindowType.TAB).get(instancePage);
    assertThat(text("#sign-in-oidc")).as("another tab is not signed in").startsWith("Sign in");
    browser.driver.close();
    browser.driver.switchTo().window(signedInTab);

    // A token the server stops accepting (expired, or revoked at the issuer) ends the sign-in.
    browser.script("sessionStorage.setItem('taskhub.token', 'not.a.jwt');");
    browser.driver.get(base + "#/hubs/default/instances");
    assertThat(text("#sign-in .error")).contains("sign-in has ended");
    assertThat(browser.driver.findElement(By.id("caller")).isDisplayed()).isFalse();
    browser.screenshot("oidc-sign-in-ended");
    signInThroughTheIssuer();
    assertThat(text("#caller-name")).isEqualTo("Signed in as ada@example.com (reader)");
    assertThat(browser.driver.getCurrentUrl()).isEqualTo(base + "#/hubs/default/instances");

    browser.driver.findElement(By.id("sign-out")).click();
    assertThat(text("#sign-in-oidc")).startsWith("Sign in with");
    assertThat(sessionToken()).isNull();

    signInAt().signsIn(CLIENT_ID, key, () -> person("grace@example.com", "contributor"));
    signInThroughTheIssuer();
    assertThat(text("#caller-name")).isEqualTo("Signed in as grace@example.com (contributor)");
    browser.driver.get(instancePage);
    browser.click(By.cssSelector("button[data-action='terminate']"));
    browser.driver.findElement(By.id("dialog-confirm")).click();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                admin()
                        .getInstance(
                            GetInstanceRequest.newBuilder().setInstanceId("waiting-oidc").build())
                        .getOrchestrationState()
                        .getOrchestrationStatus()
                    == OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED);
    browser.screenshot("oidc-signed-in-contributor-terminated");
    assertThat(signInAt().tokensIssued()).isEqualTo(4);
  }
}
