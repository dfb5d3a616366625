package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * An application may leave azure-identity out (the taskhub distribution ships it apart): the SDK's
 * classes, loaded where no {@code com.azure} class can be found, parse token and plain connection
 * strings as ever, and refuse an Entra ID one at once with an error naming the library.
 */
class WithoutAzureIdentityTest {
  /** This module's classes, and the rest of the class path but Azure's. */
  private static final class WithoutAzure extends URLClassLoader {
    WithoutAzure() {
      super(
          new URL[] {ConnectionSettings.class.getProtectionDomain().getCodeSource().getLocation()},
          WithoutAzureIdentityTest.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        if (name.startsWith("com.azure.")) {
          throw new ClassNotFoundException(name);
        }
        if (!name.startsWith("dev.taskhub.sdk.")) {
          return super.loadClass(name, resolve);
        }
        Class<?> loaded = findLoadedClass(name);
        return loaded != null ? loaded : findClass(name);
      }
    }
  }

  private static Object parse(ClassLoader loader, String connectionString) throws Throwable {
    Method parse =
        loader
            .loadClass(ConnectionSettings.class.getName())
            .getMethod("fromConnectionString", String.class);
    try {
      return parse.invoke(null, connectionString);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  void entraIdConnectionStringsFailNamingTheLibraryAndTheRestStillParse() throws Throwable {
    try (WithoutAzure loader = new WithoutAzure()) {
      assertThatThrownBy(() -> loader.loadClass("com.azure.identity.DefaultAzureCredentialBuilder"))
          .isInstanceOf(ClassNotFoundException.class);

      assertThat(parse(loader, "Endpoint=http://localhost:8080;Authentication=None;TaskHub=x"))
          .extracting(settings -> settings.getClass().getClassLoader())
          .isSameAs(loader);
      assertThat(
              parse(loader, "Endpoint=https://dts.example;Authentication=Token;Token=t;TaskHub=x"))
          .isNotNull();

      assertThatThrownBy(
              () ->
                  parse(
                      loader, "Endpoint=https://dts.example;Authentication=DefaultAzure;TaskHub=x"))
          .satisfies(
              error ->
                  assertThat(error.getClass().getName())
                      .isEqualTo(TaskhubException.InvalidConfiguration.class.getName()))
          .hasMessageContaining("Authentication=DefaultAzure")
          .hasMessageContaining("com.azure:azure-identity")
          .hasMessageContaining("-azure.tar.gz");
    }
  }
}
