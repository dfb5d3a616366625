package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DTS-style connection strings: what parses, and errors that name the offending key or value. */
class ConnectionStringTest {

  @Test
  void theEmulatorStringIsPlaintextOnItsPort() {
    ConnectionSettings settings =
        ConnectionSettings.fromConnectionString(
            "Endpoint=http://localhost:8080;Authentication=None;TaskHub=default");

    assertThat(settings).isEqualTo(new ConnectionSettings("localhost", 8080, false, "default"));
    assertThat(settings.target()).isEqualTo("localhost:8080");
  }

  @Test
  void keysAreCaseInsensitiveAndOrderAndSpacingDoNotMatter() {
    assertThat(
            ConnectionSettings.fromConnectionString(
                " taskhub = orders ; AUTHENTICATION=none;endpoint=https://scheduler.example.com ;"))
        .isEqualTo(new ConnectionSettings("scheduler.example.com", 443, true, "orders"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Endpoint=myscheduler.westus2.durabletask.io;Authentication=None;TaskHub=h | myscheduler.westus2.durabletask.io | 443 | true",
        "Endpoint=https://host:9443/;Authentication=None;TaskHub=h | host | 9443 | true",
        "Endpoint=http://10.0.0.5;Authentication=None;TaskHub=h | 10.0.0.5 | 80 | false",
        "Endpoint=http://[::1]:8080;Authentication=None;TaskHub=h | ::1 | 8080 | false",
        "Endpoint=HTTP://Host:1;Authentication=None;TaskHub=h | host | 1 | false"
      })
  void endpointsChooseTlsByScheme(String connectionString, String host, int port, boolean tls) {
    ConnectionSettings settings = ConnectionSettings.fromConnectionString(connectionString);

    assertThat(settings.host()).isEqualToIgnoringCase(host);
    assertThat(settings.port()).isEqualTo(port);
    assertThat(settings.tls()).isEqualTo(tls);
  }

  @Test
  void azureOnlyKeysAreAccepted() {
    assertThat(
            ConnectionSettings.fromConnectionString(
                    "Endpoint=http://h:1;Authentication=None;TaskHub=t;ClientID=abc;TenantId=def;"
                        + "TokenFilePath=/var/token;AdditionallyAllowedTenants=*")
                .taskHub())
        .isEqualTo("t");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Endpoint=http://h:1;Authentication=None;TaskHub=t;Colour=blue | 'Colour'",
        "Endpoint=http://h:1;Authentication=None;TaskHub=t;taskhub=u | 'TaskHub' appears more than once",
        "Authentication=None;TaskHub=t | no Endpoint",
        "Endpoint=http://h:1;TaskHub=t | no Authentication",
        "Endpoint=http://h:1;Authentication=None | no TaskHub",
        "Endpoint=;Authentication=None;TaskHub=t | Endpoint is empty",
        "Endpoint=http://h:1;Authentication=None;TaskHub= | TaskHub is empty",
        "Endpoint=http://h:1;Authentication=AzurePowerShell;TaskHub=t | Authentication=AzurePowerShell is not supported",
        "Endpoint=http://h:1;Authentication=InteractiveBrowser;TaskHub=t | Authentication=InteractiveBrowser is not supported",
        "Endpoint=http://h:1;Authentication=Magic;TaskHub=t | Unknown Authentication value 'Magic'",
        "Endpoint=ftp://h:1;Authentication=None;TaskHub=t | unsupported scheme 'ftp'",
        "Endpoint=http://h:99999;Authentication=None;TaskHub=t | Endpoint 'http://h:99999'",
        "Endpoint=http://h:1/path;Authentication=None;TaskHub=t | Endpoint 'http://h:1/path'",
        "Endpoint=http://:1;Authentication=None;TaskHub=t | Endpoint 'http://:1'",
        "Endpoint=http://h:1;Authentication=None;TaskHub=t;garbage | segment 'garbage'",
        "Endpoint=http://h:1;Authentication=None;TaskHub=t;Token=abc | not Authentication=Token",
        "Endpoint=http://h:1;Authentication=Token;Token=x;TaskHub=t;TrustedCertificates=ca.pem | https:// endpoint only",
        "'  ' | empty"
      })
  void eachBadKeyOrValueIsAnErrorNamingIt(String connectionString, String expected) {
    assertThatThrownBy(() -> ConnectionSettings.fromConnectionString(connectionString))
        .isInstanceOf(TaskhubException.InvalidConfiguration.class)
        .hasMessageContaining(expected);
  }

  @Test
  void aTaskhubTokenComesFromTheStringAndIsNeverShown() {
    ConnectionSettings settings =
        ConnectionSettings.fromConnectionString(
            "Endpoint=https://sched:8443;Authentication=Token;Token=thk_secret;TaskHub=t;"
                + "TrustedCertificates=/etc/taskhub/ca.pem");

    assertThat(settings.token()).isEqualTo("thk_secret");
    assertThat(settings.trustedCertificates())
        .isEqualTo(java.nio.file.Path.of("/etc/taskhub/ca.pem"));
    assertThat(settings.tls()).isTrue();
    assertThat(settings.toString()).doesNotContain("thk_secret").contains("token=***");
  }

  @Test
  void withoutATokenKeyTheTokenComesFromTheEnvironmentOrItsAbsenceIsNamed() {
    String noToken = "Endpoint=http://h:1;Authentication=Token;TaskHub=t";
    assertThat(
            ConnectionStringParser.parse(
                    noToken, name -> name.equals("TASKHUB_TOKEN") ? "from-env" : null)
                .token())
        .isEqualTo("from-env");
    assertThatThrownBy(() -> ConnectionStringParser.parse(noToken, name -> null))
        .isInstanceOf(TaskhubException.InvalidConfiguration.class)
        .hasMessageContaining("TASKHUB_TOKEN");
  }

  @Test
  void azureAuthenticationModesKeepTheirClientTenantAndTokenFile() {
    ConnectionSettings settings =
        ConnectionSettings.fromConnectionString(
            "Endpoint=https://my.westus2.durabletask.io;Authentication=WorkloadIdentity;"
                + "ClientID=client-1;TenantId=tenant-1;TokenFilePath=/var/run/token;"
                + "AdditionallyAllowedTenants=a, b;TaskHub=t");

    assertThat(settings.azure())
        .isEqualTo(
            new AzureAuthentication(
                AzureAuthentication.Mode.WORKLOAD_IDENTITY,
                "client-1",
                "tenant-1",
                "/var/run/token",
                java.util.List.of("a", "b")));
    assertThat(settings.token()).isNull();
    assertThat(
            ConnectionSettings.fromConnectionString(
                    "Endpoint=https://h;Authentication=defaultazure;TaskHub=t")
                .azure()
                .mode())
        .isEqualTo(AzureAuthentication.Mode.DEFAULT_AZURE);
  }
}
