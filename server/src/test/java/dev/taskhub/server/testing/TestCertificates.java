package dev.taskhub.server.testing;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates for TLS tests, made with the JDK's keytool (no test-only crypto
 * library): a PEM certificate and a PEM PKCS#8 key per name, in a directory.
 */
public final class TestCertificates {
  private TestCertificates() {}

  /** A certificate and its key, as files. */
  public record Pem(Path cert, Path key) {}

  /**
   * A self-signed EC certificate for {@code commonName}, valid for localhost and 127.0.0.1.
   *
   * @param name the files' base name in {@code dir}
   */
  public static Pem selfSigned(Path dir, String name, String commonName) throws Exception {
    Path store = dir.resolve(name + ".p12");
    Files.deleteIfExists(store);
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + commonName,
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, "changeit".toCharArray());
    }
    Certificate certificate = keys.getCertificate(name);
    PrivateKey key = (PrivateKey) keys.getKey(name, "changeit".toCharArray());
    Pem pem = new Pem(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
    Files.writeString(pem.cert(), pem("CERTIFICATE", certificate.getEncoded()));
    Files.writeString(pem.key(), pem("PRIVATE KEY", key.getEncoded()));
    return pem;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
