package dev.taskhub.server.security;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.config.ServerConfig;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS on both ports from {@code --tls-cert} (PEM, may hold a chain) and {@code --tls-key} (PEM,
 * PKCS#8), and with {@code --tls-client-ca} client certificates required (mTLS). The files are
 * looked at every few seconds and re-read when they changed, so certificates rotate without a
 * restart: new connections use the new ones.
 */
public final class Tls implements AutoCloseable {
  /** How often the files are looked at for a change. */
  static final long RELOAD_SECONDS = 5;

  private static final Logger log = LoggerFactory.getLogger(Tls.class);

  private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
  private final AdvancedTlsX509TrustManager clientCas;
  private final Path cert;
  private final Path key;
  private final Path clientCa;
  private final ScheduledExecutorService reloader =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> Thread.ofPlatform().daemon().name("taskhub-tls-reload").unstarted(runnable));
  private volatile List<FileState> loaded;

  /** A file's modification time and size, to tell that it changed. */
  private record FileState(long modified, long size) {
    static FileState of(Path file) throws IOException {
      return new FileState(Files.getLastModifiedTime(file).toMillis(), Files.size(file));
    }
  }

  private Tls(Path cert, Path key, Path clientCa) {
    this.cert = cert;
    this.key = key;
    this.clientCa = clientCa;
    try {
      loaded = states();
      keys.updateIdentityCredentials(cert.toFile(), key.toFile());
      if (clientCa == null) {
        clientCas = null;
      } else {
        clientCas =
            AdvancedTlsX509TrustManager.newBuilder()
                .setVerification(
                    AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
                .build();
        clientCas.updateTrustCredentials(clientCa.toFile());
      }
    } catch (IOException | GeneralSecurityException e) {
      reloader.shutdownNow();
      throw new TaskhubException(
          "Cannot read the TLS files ("
              + cert
              + ", "
              + key
              + (clientCa == null ? "" : ", " + clientCa)
              + "): "
              + e.getMessage()
              + " (the certificate and CA files are PEM, the key PEM PKCS#8)",
          e);
    }
    reloader.scheduleWithFixedDelay(
        this::reloadIfChanged, RELOAD_SECONDS, RELOAD_SECONDS, TimeUnit.SECONDS);
  }

  private List<FileState> states() throws IOException {
    List<FileState> states = new ArrayList<>();
    states.add(FileState.of(cert));
    states.add(FileState.of(key));
    if (clientCa != null) {
      states.add(FileState.of(clientCa));
    }
    return states;
  }

  /**
   * Re-reads the files if any changed; a change that does not load (a key not yet written beside
   * its new certificate, say) is logged and tried again with the next look.
   */
  private void reloadIfChanged() {
    try {
      List<FileState> now = states();
      if (now.equals(loaded)) {
        return;
      }
      keys.updateIdentityCredentials(cert.toFile(), key.toFile());
      if (clientCas != null) {
        clientCas.updateTrustCredentials(clientCa.toFile());
      }
      loaded = now;
      log.info("TLS files changed: new connections use the certificates in {}", cert);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      log.warn(
          "TLS files changed but could not be loaded; still using the previous ones: {}",
          e.toString());
    }
  }

  /**
   * TLS as the config asks for it, or empty for plaintext.
   *
   * @throws TaskhubException if only one of certificate and key is given, or the files do not load
   */
  public static Optional<Tls> from(ServerConfig config) {
    if (config.tlsCert() == null && config.tlsKey() == null) {
      if (config.tlsClientCa() != null) {
        throw new TaskhubException("--tls-client-ca needs --tls-cert and --tls-key");
      }
      return Optional.empty();
    }
    if (config.tlsCert() == null || config.tlsKey() == null) {
      throw new TaskhubException("TLS needs both --tls-cert and --tls-key");
    }
    return Optional.of(new Tls(config.tlsCert(), config.tlsKey(), config.tlsClientCa()));
  }

  public boolean requiresClientCertificates() {
    return clientCas != null;
  }

  /** The gRPC port's credentials. */
  public ServerCredentials grpcCredentials() {
    TlsServerCredentials.Builder credentials = TlsServerCredentials.newBuilder().keyManager(keys);
    if (clientCas != null) {
      credentials.trustManager(clientCas).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return credentials.build();
  }

  /** The HTTP port's context (the same key and trust managers, so both rotate together). */
  public SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          new KeyManager[] {keys}, clientCas == null ? null : new TrustManager[] {clientCas}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Every JDK offers a TLS context", e);
    }
  }

  @Override
  public void close() {
    reloader.shutdownNow();
  }
}
