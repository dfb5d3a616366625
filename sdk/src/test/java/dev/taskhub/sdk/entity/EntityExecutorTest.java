package dev.taskhub.sdk.entity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.EntityBatchRequest;
import dev.taskhub.protocol.EntityBatchResult;
import dev.taskhub.protocol.EntityOperationCalledEvent;
import dev.taskhub.protocol.EntityOperationSignaledEvent;
import dev.taskhub.protocol.EntityRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OperationAction;
import dev.taskhub.protocol.OperationInfo;
import dev.taskhub.protocol.OperationRequest;
import dev.taskhub.protocol.OperationResult;
import dev.taskhub.sdk.JacksonDataConverter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The entity executor without a scheduler: batches in both request shapes, class-based and lambda
 * entities, each operation a transaction, batches cut short, entities nobody hosts.
 */
class EntityExecutorTest {
  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
  private static final EntityInstanceId OTHER = EntityInstanceId.of("counter", "other");

  /** A counter as a class; {@code fail} changes the state and signals, then throws. */
  public static class Counter extends TaskEntity<Integer> {
    public int add(int amount) {
      state += amount;
      return state;
    }

    public int get() {
      return state;
    }

    public void ping(EntityContext context) {
      context.signalEntity(OTHER, "add", 1);
    }

    public void fail(EntityContext context) {
      state = -1000;
      context.signalEntity(OTHER, "add", 1000);
      context.startNewOrchestration("Cleanup", null);
      throw new IllegalStateException("boom");
    }
  }

  /** The same counter as a function. */
  static final Entity LAMBDA_COUNTER =
      op ->
          switch (op.name()) {
            case "add" -> {
              int value = op.getState(Integer.class, 0) + op.getInput(Integer.class);
              op.setState(value);
              yield value;
            }
            case "get" -> op.getState(Integer.class, 0);
            case "ping" -> {
              op.context().signalEntity(OTHER, "add", 1);
              yield null;
            }
            case "fail" -> {
              op.setState(-1000);
              op.context().signalEntity(OTHER, "add", 1000);
              op.context().startNewOrchestration("Cleanup", null);
              throw new IllegalStateException("boom");
            }
            case "delete" -> {
              op.deleteState();
              yield null;
            }
            default -> throw new IllegalArgumentException("no operation " + op.name());
          };

  record Item(String name, int price) {}

  record Cart(List<Item> items, String owner) {}

  /** Record state with an initial state, record and generic inputs, case-insensitive names. */
  public static class Shop extends TaskEntity<Cart> {
    @Override
    protected Cart initialState() {
      return new Cart(List.of(), "nobody");
    }

    public int addItem(Item item) {
      List<Item> items = new ArrayList<>(state.items());
      items.add(item);
      state = new Cart(items, state.owner());
      return items.size();
    }

    public int addAll(EntityContext context, List<Item> items) {
      items.forEach(this::addItem);
      state = new Cart(state.items(), context.entityId().key());
      return state.items().size();
    }

    public int total() {
      return state.items().stream().mapToInt(Item::price).sum();
    }

    public String checkout(EntityContext context) {
      String id =
          context.startNewOrchestration("Checkout", state, "order-" + context.entityId().key());
      state = null;
      return id;
    }
  }

  /** Two operations whose names differ only in case. */
  public static class Ambiguous extends TaskEntity<Integer> {
    public int value() {
      return 1;
    }

    public int VALUE() {
      return 2;
    }
  }

  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static EntityExecutor executor(Map<String, Supplier<? extends Entity>> entities) {
    return new EntityExecutor(entities, new JacksonDataConverter(), CLOCK);
  }

  static Stream<Arguments> counters() {
    Supplier<? extends Entity> classBased = Counter::new;
    Supplier<? extends Entity> lambda = () -> LAMBDA_COUNTER;
    return Stream.of(Arguments.of("class", classBased), Arguments.of("lambda", lambda));
  }

  private static EntityBatchRequest batch(String id, String state, OperationRequest... operations) {
    EntityBatchRequest.Builder request =
        EntityBatchRequest.newBuilder().setInstanceId(id).addAllOperations(List.of(operations));
    if (state != null) {
      request.setEntityState(StringValue.of(state));
    }
    return request.build();
  }

  private static OperationRequest op(String name, String input) {
    OperationRequest.Builder op =
        OperationRequest.newBuilder().setOperation(name).setRequestId("r-" + name);
    if (input != null) {
      op.setInput(StringValue.of(input));
    }
    return op.build();
  }

  private static HistoryEvent signaled(String requestId, String name, String input) {
    return HistoryEvent.newBuilder()
        .setEntityOperationSignaled(
            EntityOperationSignaledEvent.newBuilder()
                .setRequestId(requestId)
                .setOperation(name)
                .setInput(StringValue.of(input)))
        .build();
  }

  private static HistoryEvent called(String requestId, String name, String input) {
    return HistoryEvent.newBuilder()
        .setEntityOperationCalled(
            EntityOperationCalledEvent.newBuilder()
                .setRequestId(requestId)
                .setOperation(name)
                .setInput(StringValue.of(input))
                .setParentInstanceId(StringValue.of("orchestration-1"))
                .setParentExecutionId(StringValue.of("execution-1")))
        .build();
  }

  private static List<String> outputs(EntityBatchResult result) {
    return result.getResultsList().stream()
        .map(
            r ->
                r.hasSuccess()
                    ? r.getSuccess().getResult().getValue()
                    : "failed " + r.getFailure().getFailureDetails().getErrorType())
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("counters")
  void operationsRunInOrderOnTheStateTheLastOneLeft(
      String kind, Supplier<? extends Entity> counter) {
    EntityBatchResult result =
        executor(Map.of("Counter", counter))
            .execute(batch("@counter@a", null, op("add", "5"), op("add", "3"), op("get", null)));

    assertThat(outputs(result)).containsExactly("5", "8", "8");
    assertThat(result.getEntityState().getValue()).isEqualTo("8");
    assertThat(result.hasFailureDetails()).isFalse();
    assertThat(result.getOperationInfosList()).isEmpty();
    assertThat(result.getResults(0).getSuccess().getStartTimeUtc().getSeconds())
        .isEqualTo(NOW.getEpochSecond());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("counters")
  void aFailingOperationIsRolledBackAloneAndTheBatchGoesOn(
      String kind, Supplier<? extends Entity> counter) {
    EntityBatchResult result =
        executor(Map.of("counter", counter))
            .execute(
                batch(
                    "@counter@a",
                    "10",
                    op("add", "5"),
                    op("ping", null),
                    op("fail", null),
                    op("add", "1")));

    assertThat(outputs(result))
        .containsExactly("15", "", "failed java.lang.IllegalStateException", "16");
    OperationResult failed = result.getResults(2);
    assertThat(failed.getFailure().getFailureDetails().getErrorMessage()).isEqualTo("boom");
    assertThat(failed.getFailure().getFailureDetails().getStackTrace().getValue())
        .contains("IllegalStateException");
    assertThat(result.getEntityState().getValue()).isEqualTo("16");
    // Only the signal of the operation that succeeded is sent, numbered from 0.
    assertThat(result.getActionsList()).hasSize(1);
    OperationAction signal = result.getActions(0);
    assertThat(signal.getId()).isZero();
    assertThat(signal.getSendSignal().getInstanceId()).isEqualTo("@counter@other");
    assertThat(signal.getSendSignal().getName()).isEqualTo("add");
    assertThat(signal.getSendSignal().getInput().getValue()).isEqualTo("1");
    assertThat(signal.getSendSignal().getRequestTime().getSeconds())
        .isEqualTo(NOW.getEpochSecond());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("counters")
  void deleteRemovesTheStateSoTheResultCarriesNone(
      String kind, Supplier<? extends Entity> counter) {
    EntityExecutor executor = executor(Map.of("counter", counter));

    EntityBatchResult deleted = executor.execute(batch("@counter@a", "7", op("delete", null)));
    EntityBatchResult restarted =
        executor.execute(batch("@counter@a", "7", op("delete", null), op("add", "2")));

    assertThat(deleted.hasEntityState()).isFalse();
    assertThat(outputs(restarted)).containsExactly("", "2");
    assertThat(restarted.getEntityState().getValue()).isEqualTo("2");
  }

  @Test
  void aBatchCutShortAnswersOnlyTheOperationsItRan() {
    AtomicInteger asked = new AtomicInteger();
    EntityRequest request =
        EntityRequest.newBuilder()
            .setInstanceId("@counter@a")
            .addOperationRequests(signaled("r1", "add", "1"))
            .addOperationRequests(called("r2", "add", "2"))
            .addOperationRequests(signaled("r3", "add", "3"))
            .addOperationRequests(signaled("r4", "add", "4"))
            .build();

    EntityBatchResult result =
        executor(Map.of("counter", Counter::new))
            .execute(request, () -> asked.incrementAndGet() <= 2);

    assertThat(outputs(result)).containsExactly("1", "3");
    assertThat(result.getEntityState().getValue()).isEqualTo("3");
    assertThat(result.getOperationInfosList())
        .extracting(OperationInfo::getRequestId)
        .containsExactly("r1", "r2");
  }

  @Test
  void theNewerRequestShapeNamesWhereEachCallsResponseGoes() {
    EntityRequest request =
        EntityRequest.newBuilder()
            .setInstanceId("@counter@a")
            .setExecutionId("entity-execution")
            .setEntityState(StringValue.of("100"))
            .addOperationRequests(signaled("r1", "add", "2"))
            .addOperationRequests(called("r2", "add", "3"))
            .build();

    EntityBatchResult result = executor(Map.of("counter", Counter::new)).execute(request);

    assertThat(outputs(result)).containsExactly("102", "105");
    assertThat(result.getOperationInfos(0).getRequestId()).isEqualTo("r1");
    assertThat(result.getOperationInfos(0).hasResponseDestination()).isFalse();
    assertThat(result.getOperationInfos(1).getRequestId()).isEqualTo("r2");
    assertThat(result.getOperationInfos(1).getResponseDestination().getInstanceId())
        .isEqualTo("orchestration-1");
    assertThat(result.getOperationInfos(1).getResponseDestination().getExecutionId().getValue())
        .isEqualTo("execution-1");
  }

  @Test
  void anEntityNobodyHostsFailsEveryOperationNonRetriablyAndKeepsItsState() {
    EntityExecutor executor = executor(Map.of("counter", Counter::new));

    EntityBatchResult unknown =
        executor.execute(batch("@account@a", "41", op("deposit", "1"), op("get", null)));
    EntityBatchResult malformed = executor.execute(batch("counter-a", null, op("get", null)));

    assertThat(outputs(unknown)).containsOnly("failed " + EntityExecutor.ENTITY_NOT_FOUND);
    assertThat(unknown.getResultsList()).hasSize(2);
    assertThat(unknown.getResults(0).getFailure().getFailureDetails().getIsNonRetriable()).isTrue();
    assertThat(unknown.getResults(0).getFailure().getFailureDetails().getErrorMessage())
        .contains("'account'");
    assertThat(unknown.getEntityState().getValue()).isEqualTo("41");
    assertThat(unknown.getActionsList()).isEmpty();
    assertThat(outputs(malformed)).containsExactly("failed " + EntityExecutor.ENTITY_NOT_FOUND);
    assertThat(malformed.hasEntityState()).isFalse();
  }

  @Test
  void classEntitiesTakeRecordAndGenericInputsAndTheContextWithNamesInAnyCase() {
    EntityBatchResult result =
        executor(Map.of("shop", Shop::new))
            .execute(
                batch(
                    "@shop@alice",
                    null,
                    op("AddItem", "{\"name\":\"tea\",\"price\":3}"),
                    op(
                        "addall",
                        "[{\"name\":\"cake\",\"price\":4},{\"name\":\"jam\",\"price\":5}]"),
                    op("TOTAL", null)));

    assertThat(outputs(result)).containsExactly("1", "3", "12");
    Cart cart =
        new JacksonDataConverter().deserialize(result.getEntityState().getValue(), Cart.class);
    assertThat(cart.owner()).isEqualTo("alice");
    assertThat(cart.items()).extracting(Item::name).containsExactly("tea", "cake", "jam");
  }

  @Test
  void anOperationCanStartAnOrchestrationAndDeleteItsStateBySettingNull() {
    EntityBatchResult result =
        executor(Map.of("shop", Shop::new))
            .execute(
                batch(
                    "@shop@bob",
                    "{\"items\":[{\"name\":\"tea\",\"price\":3}],\"owner\":\"bob\"}",
                    op("checkout", null)));

    assertThat(outputs(result)).containsExactly("\"order-bob\"");
    assertThat(result.hasEntityState()).isFalse();
    var start = result.getActions(0).getStartNewOrchestration();
    assertThat(start.getName()).isEqualTo("Checkout");
    assertThat(start.getInstanceId()).isEqualTo("order-bob");
    assertThat(start.getInput().getValue()).contains("\"owner\":\"bob\"");
  }

  @Test
  void unknownOperationsMissingInputsAndAmbiguousNamesFailTheirOperationOnly() {
    EntityExecutor executor =
        executor(Map.of("counter", Counter::new, "ambiguous", Ambiguous::new));

    EntityBatchResult counter =
        executor.execute(
            batch("@counter@a", "1", op("nope", null), op("add", null), op("add", "1")));
    EntityBatchResult ambiguous = executor.execute(batch("@ambiguous@a", null, op("value", null)));

    assertThat(outputs(counter))
        .containsExactly(
            "failed java.lang.IllegalArgumentException",
            "failed java.lang.IllegalArgumentException",
            "2");
    assertThat(counter.getResults(0).getFailure().getFailureDetails().getErrorMessage())
        .contains("has no operation 'nope'");
    assertThat(counter.getResults(1).getFailure().getFailureDetails().getErrorMessage())
        .contains("needs an input");
    assertThat(ambiguous.getResults(0).getFailure().getFailureDetails().getErrorMessage())
        .contains("two operations named 'value'");
  }

  @Test
  void anEntityThatCannotBeCreatedFailsTheWholeBatchForRedelivery() {
    Supplier<Entity> broken =
        () -> {
          throw new IllegalStateException("no database");
        };

    EntityBatchResult result =
        executor(Map.of("counter", broken)).execute(batch("@counter@a", "5", op("get", null)));

    assertThat(result.getResultsList()).isEmpty();
    assertThat(result.getFailureDetails().getErrorMessage()).isEqualTo("no database");
  }
}
