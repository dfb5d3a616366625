package dev.taskhub.sdk.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.sdk.JacksonDataConverter;
import dev.taskhub.sdk.entity.EntityInstanceId;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * What an orchestration may do inside a critical section: call only its locked entities, one call
 * per entity at a time, signal none of them, open no second section; outside one, anything.
 */
class EntityLockRulesTest {
  private static final EntityInstanceId A = EntityInstanceId.of("account", "a");
  private static final EntityInstanceId B = EntityInstanceId.of("account", "b");
  private static final EntityInstanceId OTHER = EntityInstanceId.of("account", "other");
  private static final String ALLOWED = "allowed";

  /**
   * Runs {@code body} inside a granted critical section on A and B: "allowed", or the message of
   * the exception it threw.
   */
  private static String insideALockOnAAndB(BiConsumer<OrchestrationContext, EntityLock> body) {
    Orchestration code =
        ctx -> {
          try (EntityLock lock = ctx.lockEntities(A, B).await()) {
            body.accept(ctx, lock);
            return ALLOWED;
          } catch (IllegalStateException | IllegalArgumentException e) {
            return e.getMessage();
          }
        };
    Histories history = new Histories();
    try (OrchestrationExecutor executor =
        new OrchestrationExecutor(Map.of("Rules", code), new JacksonDataConverter(), 0)) {
      OrchestratorResponse locking =
          executor.execute(history.episode(history.started("Rules", null)));
      String section =
          locking
              .getActions(0)
              .getSendEntityMessage()
              .getEntityLockRequested()
              .getCriticalSectionId();
      history.record(locking.getActionsList());
      OrchestratorResponse inside = executor.execute(history.episode(history.lockGranted(section)));
      var completion = inside.getActions(inside.getActionsCount() - 1).getCompleteOrchestration();
      return new JacksonDataConverter()
          .deserialize(completion.getResult().getValue(), String.class);
    }
  }

  @Test
  void theLockedEntitiesMayBeCalledAtOnce() {
    assertThat(
            insideALockOnAAndB(
                (ctx, lock) -> {
                  ctx.callEntity(A, "get", null, Integer.class);
                  ctx.callEntity(B, "get", null, Integer.class);
                }))
        .isEqualTo(ALLOWED);
  }

  @Test
  void callingAnEntityTheSectionDoesNotLockIsRefused() {
    assertThat(insideALockOnAAndB((ctx, lock) -> ctx.callEntity(OTHER, "get", null, Integer.class)))
        .contains("Must not call @account@other inside a critical section that does not lock it");
  }

  @Test
  void aSecondCallToALockedEntityWhileTheFirstIsPendingIsRefused() {
    assertThat(
            insideALockOnAAndB(
                (ctx, lock) -> {
                  ctx.callEntity(A, "get", null, Integer.class);
                  ctx.callEntity(A, "get", null, Integer.class);
                }))
        .contains("A call to @account@a is still pending");
  }

  @Test
  void signallingALockedEntityIsRefusedButAnotherEntityMayBeSignalled() {
    assertThat(insideALockOnAAndB((ctx, lock) -> ctx.signalEntity(B, "add", 1)))
        .contains("Must not signal @account@b inside the critical section");
    assertThat(insideALockOnAAndB((ctx, lock) -> ctx.signalEntity(OTHER, "add", 1)))
        .isEqualTo(ALLOWED);
  }

  @Test
  void aSecondCriticalSectionInsideTheFirstIsRefused() {
    assertThat(insideALockOnAAndB((ctx, lock) -> ctx.lockEntities(OTHER)))
        .contains("Already in a critical section");
  }

  @Test
  void afterCloseEveryEntityMayBeCalledAndSignalledAgain() {
    assertThat(
            insideALockOnAAndB(
                (ctx, lock) -> {
                  assertThat(lock.entities()).containsExactly(A, B);
                  lock.close();
                  lock.close();
                  assertThat(ctx.lockedEntities()).isEmpty();
                  ctx.callEntity(OTHER, "get", null, Integer.class);
                  ctx.signalEntity(A, "add", 1);
                }))
        .isEqualTo(ALLOWED);
  }

  @Test
  void callingBeforeTheLockIsGrantedIsRefusedAndAnEmptyLockTooButCallsOutsideSectionsAreFree() {
    Orchestration code =
        ctx -> {
          ctx.callEntity(OTHER, "get", null, Integer.class);
          ctx.callEntity(OTHER, "get", null, Integer.class);
          String empty;
          try {
            ctx.lockEntities(List.of());
            empty = ALLOWED;
          } catch (IllegalArgumentException e) {
            empty = e.getMessage();
          }
          ctx.lockEntities(A);
          try {
            ctx.callEntity(A, "get", null, Integer.class);
            return empty + " / " + ALLOWED;
          } catch (IllegalStateException e) {
            return empty + " / " + e.getMessage();
          }
        };
    Histories history = new Histories();
    try (OrchestrationExecutor executor =
        new OrchestrationExecutor(Map.of("Eager", code), new JacksonDataConverter(), 0)) {
      OrchestratorResponse response =
          executor.execute(history.episode(history.started("Eager", null)));
      var completion =
          response.getActions(response.getActionsCount() - 1).getCompleteOrchestration();

      assertThat(completion.getResult().getValue())
          .isEqualTo(
              "\"lockEntities needs at least one entity / Await the lock (lockEntities(...).await())"
                  + " before calling an entity\"");
    }
  }
}
