package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.server.config.OidcSettings;
import dev.taskhub.server.security.LocalIssuer;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A scheduler started with --oidc-issuer and --oidc-audience: a JWT with the contributor role from
 * that issuer starts an instance over gRPC; one with only the reader role may not.
 */
class OidcTest {
  private static final String AUDIENCE = "api://taskhub";

  private static String token(LocalIssuer issuer, RSAKey key, String role) throws Exception {
    Instant now = Instant.now();
    return LocalIssuer.sign(
        key,
        new JWTClaimsSet.Builder()
            .issuer(issuer.url())
            .audience(AUDIENCE)
            .subject("client-app")
            .claim("roles", List.of(role))
            .expirationTime(Date.from(now.plusSeconds(300)))
            .build());
  }

  private static TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub stub(
      ManagedChannel channel, String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return TaskHubSidecarServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Test
  void aJwtWithTheRoleFromTheIssuerIsAcceptedAndOneWithoutItRefused() throws Exception {
    try (LocalIssuer issuer = new LocalIssuer();
        TestScheduler server =
            TestScheduler.builder()
                .config(c -> c.withOidc(new OidcSettings(issuer.url(), AUDIENCE, null, null)))
                .start()) {
      RSAKey key = LocalIssuer.rsaKey("k1");
      issuer.publish(key);
      ManagedChannel channel = server.channel();
      try {
        CreateInstanceRequest start =
            CreateInstanceRequest.newBuilder().setInstanceId("jwt-1").setName("flow").build();
        assertThat(
                stub(channel, token(issuer, key, "Contributor"))
                    .startInstance(start)
                    .getInstanceId())
            .isEqualTo("jwt-1");
        assertThatThrownBy(() -> stub(channel, token(issuer, key, "Reader")).startInstance(start))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThatThrownBy(() -> stub(channel, "a.b.c").startInstance(start))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
