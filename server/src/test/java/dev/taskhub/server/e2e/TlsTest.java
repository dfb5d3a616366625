package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.server.testing.TestCertificates;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mTLS on both ports (--tls-cert, --tls-key, --tls-client-ca), with certificates the test
 * makes: the official SDK 1.5.0 runs the seed's fan-out over them, a plaintext or certificate-less
 * client is refused, and a certificate replaced on disk is served to new connections without a
 * restart.
 */
class TlsTest {
  @TempDir Path dir;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private TestScheduler server;

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    if (server != null) {
      server.close();
    }
  }

  private ManagedChannel channel(ChannelCredentials credentials) {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("localhost", server.grpcPort(), credentials).build();
    channels.add(channel);
    return channel;
  }

  private static SSLContext trusting(Path cert) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      trust.setCertificateEntry(
          "server", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  /** The subject of the certificate the HTTP port presents to a new connection. */
  private String servedSubject(SSLContext context) throws Exception {
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("localhost", server.httpPort())) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
          .getSubjectX500Principal()
          .getName();
    }
  }

  @Test
  void bothPortsServeTlsTheSdkRunsOverItAndARotatedCertificateIsServedWithoutARestart()
      throws Exception {
    TestCertificates.Pem first = TestCertificates.selfSigned(dir, "server", "localhost");
    // A copy of the first certificate: the rotation below overwrites first.cert().
    Path trusted = dir.resolve("trusted.crt");
    Files.copy(first.cert(), trusted);
    server =
        TestScheduler.builder()
            .http()
            .config(c -> c.withTls(first.cert(), first.key(), null))
            .start();

    SeedActivities.runFanOutOver(
        channel(TlsChannelCredentials.newBuilder().trustManager(trusted.toFile()).build()));
    HttpResponse<String> health =
        HttpClient.newBuilder()
            .sslContext(trusting(first.cert()))
            .build()
            .send(
                HttpRequest.newBuilder(
                        URI.create("https://localhost:" + server.httpPort() + "/health"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThatThrownBy(
            () ->
                TaskHubSidecarServiceGrpc.newBlockingStub(
                        channel(io.grpc.InsecureChannelCredentials.create()))
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .hello(com.google.protobuf.Empty.getDefaultInstance()))
        .as("a plaintext client")
        .isInstanceOf(StatusRuntimeException.class);

    Path next = dir.resolve("next");
    Files.createDirectories(next);
    TestCertificates.Pem second = TestCertificates.selfSigned(next, "server", "rotated.localhost");
    Files.copy(second.cert(), first.cert(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(second.key(), first.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> servedSubject(trusting(second.cert())),
            subject -> subject.equals("CN=rotated.localhost"));
  }

  @Test
  void withAClientCaOnlyClientsWithACertificateItVouchesForGetIn() throws Exception {
    TestCertificates.Pem serverCert = TestCertificates.selfSigned(dir, "server", "localhost");
    TestCertificates.Pem client = TestCertificates.selfSigned(dir, "client", "test-client");
    server =
        TestScheduler.builder()
            .http()
            .config(c -> c.withTls(serverCert.cert(), serverCert.key(), client.cert()))
            .start();

    SeedActivities.runFanOutOver(
        channel(
            TlsChannelCredentials.newBuilder()
                .trustManager(serverCert.cert().toFile())
                .keyManager(client.cert().toFile(), client.key().toFile())
                .build()));
    assertThatThrownBy(
            () ->
                TaskHubSidecarServiceGrpc.newBlockingStub(
                        channel(
                            TlsChannelCredentials.newBuilder()
                                .trustManager(serverCert.cert().toFile())
                                .build()))
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .hello(com.google.protobuf.Empty.getDefaultInstance()))
        .as("a client without a certificate")
        .isInstanceOf(StatusRuntimeException.class);
  }
}
