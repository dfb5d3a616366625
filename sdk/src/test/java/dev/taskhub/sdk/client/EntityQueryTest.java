package dev.taskhub.sdk.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.taskhub.protocol.QueryEntitiesRequest;
import dev.taskhub.protocol.QueryEntitiesResponse;
import dev.taskhub.sdk.JacksonDataConverter;
import dev.taskhub.sdk.entity.EntityInstanceId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Entity queries as the client sends them: prefixes normalised as the other SDKs do, lazy pages.
 */
class EntityQueryTest {

  @ParameterizedTest
  @CsvSource({
    "Counter, @counter",
    "@Counter, @counter",
    "@Counter@Key-A, @counter@Key-A",
    "counter@, @counter@",
    "@, @"
  })
  void aPrefixGetsItsAtSignAndALowercaseNameButKeepsItsKey(String prefix, String normalized) {
    assertThat(EntityQuery.all().withInstanceIdPrefix(prefix).normalizedPrefix())
        .isEqualTo(normalized);
  }

  @Test
  void noPrefixMeansEveryEntity() {
    assertThat(EntityQuery.all().normalizedPrefix()).isNull();
  }

  private static dev.taskhub.protocol.EntityMetadata entity(String id, String state) {
    dev.taskhub.protocol.EntityMetadata.Builder entity =
        dev.taskhub.protocol.EntityMetadata.newBuilder()
            .setInstanceId(id)
            .setLastModifiedTime(Timestamp.newBuilder().setSeconds(1_700_000_000))
            .setBacklogQueueSize(2);
    if (state != null) {
      entity.setSerializedState(StringValue.of(state));
    }
    return entity.build();
  }

  @Test
  void pagesAreFetchedOnlyAsTheStreamIsConsumedFollowingTheirTokens() {
    List<QueryEntitiesRequest> requests = new ArrayList<>();
    List<QueryEntitiesResponse> pages =
        List.of(
            QueryEntitiesResponse.newBuilder()
                .addEntities(entity("@counter@a", "1"))
                .addEntities(entity("@counter@b", "2"))
                .setContinuationToken(StringValue.of("after-b"))
                .build(),
            QueryEntitiesResponse.newBuilder().addEntities(entity("@counter@c", "3")).build());
    EntityQuery query =
        EntityQuery.all()
            .withInstanceIdPrefix("Counter")
            .withPageSize(2)
            .lastModifiedBetween(Instant.ofEpochSecond(10), null);

    Stream<EntityMetadata<Integer>> stream =
        EntityPages.stream(
            query,
            true,
            request -> {
              requests.add(request);
              return pages.get(requests.size() - 1);
            },
            proto -> EntityRequests.metadata(proto, Integer.class, new JacksonDataConverter()));

    assertThat(requests).isEmpty();
    List<EntityMetadata<Integer>> all = stream.toList();

    assertThat(all).extracting(EntityMetadata::state).containsExactly(1, 2, 3);
    assertThat(all.getFirst().id()).isEqualTo(EntityInstanceId.of("counter", "a"));
    assertThat(all.getFirst().lastModified()).isEqualTo(Instant.ofEpochSecond(1_700_000_000));
    assertThat(all.getFirst().backlogQueueSize()).isEqualTo(2);
    assertThat(requests).hasSize(2);
    var first = requests.get(0).getQuery();
    assertThat(first.getInstanceIdStartsWith().getValue()).isEqualTo("@counter");
    assertThat(first.getPageSize().getValue()).isEqualTo(2);
    assertThat(first.getIncludeState()).isTrue();
    assertThat(first.getLastModifiedFrom().getSeconds()).isEqualTo(10);
    assertThat(first.hasLastModifiedTo()).isFalse();
    assertThat(first.hasContinuationToken()).isFalse();
    assertThat(requests.get(1).getQuery().getContinuationToken().getValue()).isEqualTo("after-b");
  }

  @Test
  void withoutStateTheMetadataCarriesNone() {
    EntityMetadata<Void> metadata =
        EntityRequests.metadata(
            entity("@counter@a", null).toBuilder()
                .setLockedBy(StringValue.of("orchestration-1"))
                .build(),
            Void.class,
            new JacksonDataConverter());

    assertThat(metadata.state()).isNull();
    assertThat(metadata.hasState()).isFalse();
    assertThat(metadata.lockOwner()).contains("orchestration-1");
  }
}
