package dev.taskhub.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.store.postgres.PostgresLocation;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How a {@code --store} URL becomes a driver URL and credentials, and how it is shown. */
class PostgresLocationTest {

  @Test
  void aLibpqUrlIsSplitIntoDriverUrlUserAndPassword() {
    PostgresLocation location =
        PostgresLocation.parse("postgresql://app:s3cret@db.internal:5433/taskhub?sslmode=require");

    assertThat(location.jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.internal:5433/taskhub?sslmode=require");
    assertThat(location.user()).isEqualTo("app");
    assertThat(location.password()).isEqualTo("s3cret");
    assertThat(location.toString())
        .isEqualTo("postgresql://app:***@db.internal:5433/taskhub?sslmode=require")
        .doesNotContain("s3cret");
  }

  @Test
  void percentEscapesInUserAndPasswordAreDecodedAndAPlusStaysAPlus() {
    PostgresLocation location = PostgresLocation.parse("postgres://app%2Bci:p%40ss%3Aw+rd@h/db");

    assertThat(location.user()).isEqualTo("app+ci");
    assertThat(location.password()).isEqualTo("p@ss:w+rd");
    assertThat(location.jdbcUrl()).isEqualTo("jdbc:postgresql://h/db");
  }

  @Test
  void anUnescapedAtSignOrSlashInThePasswordIsStillThePassword() {
    PostgresLocation location = PostgresLocation.parse("postgresql://app:s3/cr@t@h:5432/db");

    assertThat(location.password()).isEqualTo("s3/cr@t");
    assertThat(location.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db");
    assertThat(location.toString()).isEqualTo("postgresql://app:***@h:5432/db");
  }

  @Test
  void aUrlWithoutUserOrHostMeansTheDriverDefaultsOnLocalhost() {
    PostgresLocation location = PostgresLocation.parse("postgresql:///taskhub");

    assertThat(location.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/taskhub");
    assertThat(location.user()).isNull();
    assertThat(location.password()).isNull();
  }

  @Test
  void aJdbcUrlKeepsItsParametersButHandsUserAndPasswordOverSeparately() {
    PostgresLocation location =
        PostgresLocation.parse(
            "jdbc:postgresql://h1:5432,h2:5432/taskhub?user=app&password=s3cret&targetServerType=primary");

    assertThat(location.jdbcUrl())
        .isEqualTo("jdbc:postgresql://h1:5432,h2:5432/taskhub?targetServerType=primary");
    assertThat(location.user()).isEqualTo("app");
    assertThat(location.password()).isEqualTo("s3cret");
    assertThat(location.toString()).contains("user=app", "password=***").doesNotContain("s3cret");
  }

  @Test
  void aPasswordFileWinsOverTheUrlWhichWinsOverTheEnvironment() {
    PostgresLocation withUrlPassword = PostgresLocation.parse("postgresql://app:url@h/db");
    PostgresLocation without = PostgresLocation.parse("postgresql://app@h/db");

    assertThat(withUrlPassword.withPassword("file", "env").password()).isEqualTo("file");
    assertThat(withUrlPassword.withPassword(null, "env").password()).isEqualTo("url");
    assertThat(without.withPassword(null, "env").password()).isEqualTo("env");
    assertThat(without.withPassword(null, null).password()).isNull();
  }

  @Test
  void theServerConfigNeverShowsTheStorePassword() {
    ServerConfig inUrl = ServerConfig.forTests().withStore("postgresql://app:s3/cr@t@h:5432/db");
    ServerConfig inQuery =
        ServerConfig.forTests()
            .withStore("jdbc:postgresql://h/db?user=app&password=s3cret&ssl=true");

    assertThat(inUrl.storeForDisplay()).isEqualTo("postgresql://app:***@h:5432/db");
    assertThat(inUrl.toString()).doesNotContain("s3/cr@t");
    assertThat(inQuery.storeForDisplay())
        .isEqualTo("jdbc:postgresql://h/db?user=app&password=***&ssl=true");
    assertThat(inQuery.toString()).doesNotContain("s3cret");
  }

  @Test
  void onlyPostgresUrlsAreTakenForPostgresAndOnlyThemTakeAPasswordFile() {
    assertThat(ServerConfig.isPostgres("postgres.db")).isFalse();
    assertThat(ServerConfig.isPostgres("postgresql://h/db")).isTrue();
    assertThat(ServerConfig.isPostgres("postgres://h/db")).isTrue();
    assertThat(ServerConfig.isPostgres("jdbc:postgresql://h/db")).isTrue();

    assertThatThrownBy(
            () -> ServerConfig.defaults().withDbPasswordFile(Path.of("/run/secrets/db-password")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PostgreSQL");
  }
}
