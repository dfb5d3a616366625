package dev.taskhub.sdk.entity;

/**
 * An entity written as one function: it gets each operation (its name, input, the entity's state
 * and a context for messages) and returns the operation's result. For entities whose operations are
 * methods, extend {@link TaskEntity} instead.
 *
 * <pre>{@code
 * Entity counter = op -> switch (op.name()) {
 *   case "add" -> { int value = op.getState(int.class, 0) + op.getInput(int.class); op.setState(value); yield value; }
 *   case "get" -> op.getState(int.class, 0);
 *   default -> throw new IllegalArgumentException("unknown operation " + op.name());
 * };
 * }</pre>
 *
 * <p>Each operation is a transaction: if it throws, its state changes and the messages it sent are
 * discarded, and the caller gets the failure; the next operation sees the state as it was before.
 * Operations of one entity never run at once; a worker may run one again after a crash (its effect
 * is recorded once), so they should not have side effects outside the entity.
 */
@FunctionalInterface
public interface Entity {

  /**
   * Runs one operation.
   *
   * @return the result (serialized with the worker's data converter), or null for none
   * @throws Exception any failure: the operation is rolled back and its caller sees the exception's
   *     type, message and stack trace
   */
  Object run(EntityOperation operation) throws Exception;
}
