package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PostgresUrlTest {
  @Test
  void userAndPasswordAreTakenOutOfALibpqUrl() {
    assertEquals(
        new PostgresUrl("jdbc:postgresql://db.example:5433/hub?sslmode=require", "bench", "p@ss+1"),
        PostgresUrl.parse("postgresql://bench:p%40ss+1@db.example:5433/hub?sslmode=require"));
  }

  @Test
  void queryParametersNameTheUserOfAJdbcUrl() {
    assertEquals(
        new PostgresUrl("jdbc:postgresql://localhost:5432/postgres?ssl=false", "postgres", "x"),
        PostgresUrl.parse(
            "jdbc:postgresql://localhost:5432/postgres?user=postgres&ssl=false&password=x"));
  }

  @Test
  void anEmbeddedServerUrlHasNoPassword() {
    assertEquals(
        new PostgresUrl("jdbc:postgresql://localhost:41234/postgres", "postgres", null),
        PostgresUrl.parse("postgres://postgres@localhost:41234/postgres"));
  }

  @Test
  void aSchemaIsAddedAsOneMoreParameter() {
    assertEquals(
        "postgresql://u@h/db?currentSchema=bench_pg1",
        PostgresUrl.withSchema("postgresql://u@h/db", "bench_pg1"));
    assertEquals(
        "postgresql://u@h/db?sslmode=disable&currentSchema=bench_pg1",
        PostgresUrl.withSchema("postgresql://u@h/db?sslmode=disable", "bench_pg1"));
  }

  @Test
  void messagesAndToStringNeverShowThePassword() {
    assertEquals("postgresql://u:***@h/db", PostgresUrl.mask("postgresql://u:secret@h/db"));
    assertFalse(PostgresUrl.parse("postgresql://u:secret@h/db").toString().contains("secret"));
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class, () -> PostgresUrl.parse("mysql://u:secret@h/db"));
    assertFalse(error.getMessage().contains("secret"));
  }
}
