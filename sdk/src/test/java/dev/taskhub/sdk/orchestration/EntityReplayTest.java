package dev.taskhub.sdk.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.EntityLockRequestedEvent;
import dev.taskhub.protocol.EntityOperationCalledEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.SendEntityMessageAction;
import dev.taskhub.sdk.FailureDetails;
import dev.taskhub.sdk.JacksonDataConverter;
import dev.taskhub.sdk.entity.EntityInstanceId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Entity calls, signals and critical sections in the replay engine, without a scheduler: the
 * actions sent, their matching against the records the scheduler makes of them (so cold replay and
 * warm runs answer alike), and the answers that complete the orchestration's tasks.
 */
class EntityReplayTest {
  private static final EntityInstanceId COUNTER = EntityInstanceId.of("Counter", "a");
  private static final EntityInstanceId ACCOUNT_A = EntityInstanceId.of("Account", "a");
  private static final EntityInstanceId ACCOUNT_B = EntityInstanceId.of("Account", "b");

  private static OrchestrationExecutor executor(int cacheSize, String name, Orchestration code) {
    return new OrchestrationExecutor(Map.of(name, code), new JacksonDataConverter(), cacheSize);
  }

  private static CompleteOrchestrationAction completion(OrchestratorResponse response) {
    OrchestratorAction last = response.getActions(response.getActionsCount() - 1);
    assertThat(last.hasCompleteOrchestration()).as("last action %s", last).isTrue();
    return last.getCompleteOrchestration();
  }

  private static SendEntityMessageAction message(OrchestratorResponse response, int index) {
    OrchestratorAction action = response.getActions(index);
    assertThat(action.hasSendEntityMessage()).as("action %s", action).isTrue();
    return action.getSendEntityMessage();
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void anEntityCallSendsItsMessageAndCompletesWithTheEntitysResult(int cacheSize) {
    Orchestration code = ctx -> ctx.callEntity(COUNTER, "add", 5, Integer.class).await() * 2;
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(cacheSize, "Calls", code)) {
      OrchestratorResponse first =
          executor.execute(history.episode(history.started("Calls", null)));

      assertThat(first.getActionsList()).hasSize(1);
      assertThat(first.getActions(0).getId()).isZero();
      EntityOperationCalledEvent called = message(first, 0).getEntityOperationCalled();
      assertThat(called.getOperation()).isEqualTo("add");
      assertThat(called.getInput().getValue()).isEqualTo("5");
      assertThat(called.getTargetInstanceId().getValue()).isEqualTo("@counter@a");
      assertThat(called.getParentInstanceId().getValue()).isEqualTo("instance-1");
      assertThat(called.getParentExecutionId().getValue()).isEqualTo(Histories.EXECUTION);
      assertThat(called.getRequestId()).isNotEmpty();
      history.record(first.getActionsList());

      // Cold, the code runs again and must derive the same request id to take this answer.
      OrchestratorResponse second =
          executor.execute(history.episode(history.entityCompleted(called.getRequestId(), "5")));

      assertThat(second.getActionsList()).hasSize(1);
      assertThat(completion(second).getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
      assertThat(completion(second).getResult().getValue()).isEqualTo("10");
    }
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void aFailedOperationFailsTheCallWithTheEntitysFailureDetails(int cacheSize) {
    Orchestration code =
        ctx -> {
          try {
            return ctx.callEntity(COUNTER, "explode", null, Integer.class).await();
          } catch (EntityOperationFailedException e) {
            return e.entityId() + " " + e.operation() + " " + e.failure();
          }
        };
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(cacheSize, "Calls", code)) {
      OrchestratorResponse first =
          executor.execute(history.episode(history.started("Calls", null)));
      String requestId = message(first, 0).getEntityOperationCalled().getRequestId();
      history.record(first.getActionsList());

      OrchestratorResponse second =
          executor.execute(
              history.episode(
                  history.entityFailed(
                      requestId,
                      new FailureDetails(
                              "java.lang.IllegalStateException", "boom", "at Counter", null, false)
                          .toProto())));

      assertThat(completion(second).getResult().getValue())
          .isEqualTo("\"@counter@a explode java.lang.IllegalStateException: boom\"");
    }
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void anUncaughtOperationFailureFailsTheOrchestrationWithTheOperationsFailureAsCause(
      int cacheSize) {
    Orchestration code = ctx -> ctx.callEntity(COUNTER, "explode", null, Integer.class).await();
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(cacheSize, "Calls", code)) {
      OrchestratorResponse first =
          executor.execute(history.episode(history.started("Calls", null)));
      String requestId = message(first, 0).getEntityOperationCalled().getRequestId();
      history.record(first.getActionsList());

      CompleteOrchestrationAction failed =
          completion(
              executor.execute(
                  history.episode(
                      history.entityFailed(
                          requestId,
                          new FailureDetails(
                                  "java.lang.ArithmeticException", "/ by zero", null, null, false)
                              .toProto()))));

      assertThat(failed.getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED);
      assertThat(failed.getFailureDetails().getErrorType())
          .isEqualTo(EntityOperationFailedException.class.getName());
      assertThat(failed.getFailureDetails().getInnerFailure().getErrorType())
          .isEqualTo("java.lang.ArithmeticException");
      assertThat(failed.getFailureDetails().getInnerFailure().getErrorMessage())
          .isEqualTo("/ by zero");
    }
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void signalsNowAndLaterAreSentOnceAndMatchTheirRecordsOnReplay(int cacheSize) {
    Orchestration code =
        ctx -> {
          ctx.signalEntity(COUNTER, "add", 1);
          ctx.signalEntity(COUNTER, "add", 2, ctx.currentInstant().plus(Duration.ofHours(1)));
          ctx.createTimer(Duration.ofMinutes(1)).await();
          return "done";
        };
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(cacheSize, "Signals", code)) {
      OrchestratorResponse first =
          executor.execute(history.episode(history.started("Signals", null)));

      assertThat(first.getActionsList()).hasSize(3);
      var now = message(first, 0).getEntityOperationSignaled();
      var later = message(first, 1).getEntityOperationSignaled();
      assertThat(now.getOperation()).isEqualTo("add");
      assertThat(now.getInput().getValue()).isEqualTo("1");
      assertThat(now.getTargetInstanceId().getValue()).isEqualTo("@counter@a");
      assertThat(now.hasScheduledTime()).isFalse();
      assertThat(later.getScheduledTime().getSeconds())
          .isEqualTo(history.now() / 1000 + Duration.ofHours(1).toSeconds());
      assertThat(now.getRequestId()).isNotEqualTo(later.getRequestId());
      history.record(first.getActionsList());

      OrchestratorResponse second = executor.execute(history.episode(history.timerFired(2)));

      assertThat(second.getActionsList()).hasSize(1);
      assertThat(completion(second).getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    }
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void aDifferentEntityOperationOnReplayIsNonDeterministic(int cacheSize) {
    AtomicReference<String> operation = new AtomicReference<>("add");
    Orchestration code =
        ctx -> {
          ctx.callEntity(COUNTER, operation.get(), 1, Integer.class).await();
          return "done";
        };
    Histories history = new Histories();
    String requestId;
    try (OrchestrationExecutor v1 = executor(cacheSize, "Flow", code)) {
      OrchestratorResponse first = v1.execute(history.episode(history.started("Flow", null)));
      requestId = message(first, 0).getEntityOperationCalled().getRequestId();
      history.record(first.getActionsList());
    }
    operation.set("subtract");
    try (OrchestrationExecutor v2 = executor(cacheSize, "Flow", code)) {
      CompleteOrchestrationAction failed =
          completion(v2.execute(history.episode(history.entityCompleted(requestId, "1"))));

      assertThat(failed.getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED);
      assertThat(failed.getFailureDetails().getErrorType())
          .isEqualTo(NonDeterministicOrchestrationException.class.getName());
      assertThat(failed.getFailureDetails().getErrorMessage())
          .contains("action 0")
          .contains("expects CallEntity 'add' on @counter@a")
          .contains("took CallEntity 'subtract' on @counter@a");
    }
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void aCriticalSectionLocksInOrderCallsItsEntitiesAndUnlocksEachOnClose(int cacheSize) {
    Orchestration code =
        ctx -> {
          try (EntityLock lock = ctx.lockEntities(ACCOUNT_B, ACCOUNT_A, ACCOUNT_B).await()) {
            assertThat(lock.entities()).containsExactly(ACCOUNT_A, ACCOUNT_B);
            assertThat(ctx.lockedEntities()).isEqualTo(lock.entities());
            int balance = ctx.callEntity(ACCOUNT_A, "get", null, Integer.class).await();
            ctx.callEntity(ACCOUNT_B, "deposit", balance, Void.class).await();
          }
          return ctx.lockedEntities().size();
        };
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(cacheSize, "Move", code)) {
      OrchestratorResponse locking =
          executor.execute(history.episode(history.started("Move", null)));
      assertThat(locking.getActionsList()).hasSize(1);
      EntityLockRequestedEvent lock = message(locking, 0).getEntityLockRequested();
      assertThat(lock.getLockSetList()).containsExactly("@account@a", "@account@b");
      assertThat(lock.getPosition()).isZero();
      assertThat(lock.getParentInstanceId().getValue()).isEqualTo("instance-1");
      history.record(locking.getActionsList());

      OrchestratorResponse get =
          executor.execute(history.episode(history.lockGranted(lock.getCriticalSectionId())));
      var getCall = message(get, 0).getEntityOperationCalled();
      assertThat(getCall.getTargetInstanceId().getValue()).isEqualTo("@account@a");
      history.record(get.getActionsList());

      OrchestratorResponse deposit =
          executor.execute(history.episode(history.entityCompleted(getCall.getRequestId(), "7")));
      var depositCall = message(deposit, 0).getEntityOperationCalled();
      assertThat(depositCall.getTargetInstanceId().getValue()).isEqualTo("@account@b");
      assertThat(depositCall.getInput().getValue()).isEqualTo("7");
      history.record(deposit.getActionsList());

      OrchestratorResponse done =
          executor.execute(
              history.episode(history.entityCompleted(depositCall.getRequestId(), null)));

      assertThat(done.getActionsList()).hasSize(3);
      assertThat(List.of(message(done, 0), message(done, 1)))
          .allSatisfy(
              unlock ->
                  assertThat(unlock.getEntityUnlockSent().getCriticalSectionId())
                      .isEqualTo(lock.getCriticalSectionId()))
          .extracting(unlock -> unlock.getEntityUnlockSent().getTargetInstanceId().getValue())
          .containsExactly("@account@a", "@account@b");
      assertThat(message(done, 0).getEntityUnlockSent().getParentInstanceId().getValue())
          .isEqualTo("instance-1");
      assertThat(completion(done).getResult().getValue()).isEqualTo("0");
      history.record(done.getActionsList());
    }
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void anOrchestrationThatReturnsInsideACriticalSectionUnlocksBeforeItCompletes(int cacheSize) {
    Orchestration code =
        ctx -> {
          ctx.lockEntities(ACCOUNT_A).await();
          return "forgot to close";
        };
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(cacheSize, "Forgetful", code)) {
      OrchestratorResponse locking =
          executor.execute(history.episode(history.started("Forgetful", null)));
      String section = message(locking, 0).getEntityLockRequested().getCriticalSectionId();
      history.record(locking.getActionsList());

      OrchestratorResponse done = executor.execute(history.episode(history.lockGranted(section)));

      assertThat(done.getActionsList()).hasSize(2);
      assertThat(message(done, 0).getEntityUnlockSent().getTargetInstanceId().getValue())
          .isEqualTo("@account@a");
      assertThat(completion(done).getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    }
  }
}
