// The unmodified official JavaScript SDK (@microsoft/durabletask-js, pinned in package.json) against
// a running Taskhub server at TASKHUB_ENDPOINT (host:port).
//
// Everything lives in this one file on purpose: `node --test` runs each file in its own process, and
// every worker connected to a task hub is offered every orchestration and activity of that hub. A
// second file's worker would receive this file's work items (and fail them as "not registered", or
// count the flaky activity's attempts in another process). One process with one worker that hosts
// the whole app is also how a real deployment looks.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import {
  EntityInstanceId,
  HistoryEventType,
  OrchestrationStatus,
  RetryPolicy,
  TaskEntity,
  TaskHubGrpcClient,
  TaskHubGrpcWorker,
  VersionFailureStrategy,
  VersionMatchStrategy,
  whenAll,
  whenAny,
} from "@microsoft/durabletask-js";

const endpoint = process.env.TASKHUB_ENDPOINT;
if (!endpoint) {
  throw new Error("Set TASKHUB_ENDPOINT=host:port to the Taskhub server under test");
}

/** Info and debug lines are one per work item (thousands); warnings and errors are kept. */
const quietLogger = {
  error: (message, ...args) => console.error(message, ...args),
  warn: (message, ...args) => console.warn(message, ...args),
  info: () => {},
  debug: () => {},
};

const WAIT_SECONDS = 30;

// ---- the application: orchestrators and activities -------------------------------------------

async function* fanOutFanIn(ctx, numbers) {
  const squares = yield whenAll(numbers.map((n) => ctx.callActivity(square, n)));
  return { count: squares.length, sum: squares.reduce((a, b) => a + b, 0), squares };
}

function square(_ctx, n) {
  return n * n;
}

/** Attempt times of `flaky` per orchestration id. */
const flakyAttempts = new Map();

async function flaky(ctx, failures) {
  const attempts = flakyAttempts.get(ctx.orchestrationId) ?? [];
  attempts.push(Date.now());
  flakyAttempts.set(ctx.orchestrationId, attempts);
  if (attempts.length <= failures) {
    throw new Error(`transient failure ${attempts.length}`);
  }
  return `succeeded on attempt ${attempts.length}`;
}

const RETRY_INTERVAL_MS = 250;

async function* retryThreeTimes(ctx, failures) {
  return yield ctx.callActivity(flaky, failures, {
    retry: new RetryPolicy({
      maxNumberOfAttempts: 3,
      firstRetryIntervalInMilliseconds: RETRY_INTERVAL_MS,
    }),
  });
}

async function* durableTimer(ctx, seconds) {
  const startedAt = ctx.currentUtcDateTime;
  yield ctx.createTimer(seconds);
  return { startedAt: startedAt.getTime(), resumedAt: ctx.currentUtcDateTime.getTime() };
}

async function* approval(ctx) {
  ctx.setCustomStatus("waiting for approval");
  const decision = yield ctx.waitForExternalEvent("approval");
  ctx.setCustomStatus("decided");
  return { decision };
}

async function* approvalWithDeadline(ctx, seconds) {
  const decision = ctx.waitForExternalEvent("approval");
  const deadline = ctx.createTimer(seconds);
  const winner = yield whenAny([decision, deadline]);
  return winner === decision ? { decision: decision.getResult() } : "timed out";
}

async function* greetEveryone(ctx, names) {
  return yield whenAll(names.map((name) => ctx.callSubOrchestrator(greetOne, name)));
}

async function* greetOne(ctx, name) {
  const greeting = yield ctx.callActivity(greet, name);
  return { greeting, instanceId: ctx.instanceId, parentId: ctx.parent?.instanceId };
}

function greet(_ctx, name) {
  return `Hello, ${name}!`;
}

async function* rescueFailedChild(ctx) {
  try {
    yield ctx.callSubOrchestrator(failingChild, "boom");
    return "child unexpectedly succeeded";
  } catch (e) {
    return `rescued: ${e.details?.message}`;
  }
}

async function* failingChild(_ctx, reason) {
  throw new Error(`child failed: ${reason}`);
}

// ---- durable entities ---------------------------------------------------------------------------

class Counter extends TaskEntity {
  initializeState() {
    return 0;
  }
  add(amount) {
    this.state += amount;
    return this.state;
  }
  get() {
    return this.state;
  }
  fail() {
    throw new Error("the counter refuses");
  }
}

class Account extends TaskEntity {
  initializeState() {
    return 0;
  }
  deposit(amount) {
    this.state += amount;
  }
  withdraw(amount) {
    if (amount > this.state) {
      throw new Error(`insufficient funds: ${this.state} < ${amount}`);
    }
    this.state -= amount;
  }
  balance() {
    return this.state;
  }
}

async function* addAndRead(ctx, { key, amount }) {
  const counter = new EntityInstanceId("counter", key);
  yield ctx.entities.callEntity(counter, "add", amount);
  return yield ctx.entities.callEntity(counter, "get");
}

/** Moves `amount` between two accounts inside a critical section that locks both. */
async function* transfer(ctx, { from, to, amount }) {
  const source = new EntityInstanceId("account", from);
  const target = new EntityInstanceId("account", to);
  const lock = yield ctx.entities.lockEntities(source, target);
  try {
    const balance = yield ctx.entities.callEntity(source, "balance");
    if (balance < amount) {
      return false;
    }
    yield ctx.entities.callEntity(source, "withdraw", amount);
    yield ctx.entities.callEntity(target, "deposit", amount);
    return true;
  } finally {
    lock.release();
  }
}

async function* callFailingOperation(ctx, key) {
  const counter = new EntityInstanceId("counter", key);
  yield ctx.entities.callEntity(counter, "add", 1);
  try {
    yield ctx.entities.callEntity(counter, "fail");
    return { failed: false };
  } catch (e) {
    return { failed: true, message: e.failureDetails?.message ?? e.message };
  }
}

// ---- harness ----------------------------------------------------------------------------------

let worker;
let client;

before(async () => {
  worker = new TaskHubGrpcWorker({ hostAddress: endpoint, logger: quietLogger });
  for (const orchestrator of [
    fanOutFanIn,
    retryThreeTimes,
    durableTimer,
    approval,
    approvalWithDeadline,
    greetEveryone,
    greetOne,
    rescueFailedChild,
    failingChild,
    addAndRead,
    transfer,
    callFailingOperation,
  ]) {
    worker.addOrchestrator(orchestrator);
  }
  worker.addNamedEntity("counter", () => new Counter());
  worker.addNamedEntity("account", () => new Account());
  for (const activity of [square, flaky, greet]) {
    worker.addActivity(activity);
  }
  await worker.start();
  client = new TaskHubGrpcClient({ hostAddress: endpoint, logger: quietLogger });
});

after(async () => {
  await Promise.allSettled([worker?.stop(), client?.stop()]);
});

/** Runs an orchestration to a terminal state and returns its state with payloads. */
async function run(orchestrator, input, timeoutSeconds = WAIT_SECONDS) {
  const id = await client.scheduleNewOrchestration(orchestrator, input);
  const state = await client.waitForOrchestrationCompletion(id, true, timeoutSeconds);
  assert.ok(state, `orchestration ${id} not found`);
  return state;
}

function assertCompleted(state) {
  assert.equal(
    state.runtimeStatus,
    OrchestrationStatus.COMPLETED,
    `${state.name} ${state.instanceId} ended ${OrchestrationStatus[state.runtimeStatus]}: ` +
      `${state.failureDetails?.errorType}: ${state.failureDetails?.message}`,
  );
  return JSON.parse(state.serializedOutput);
}

/** Polls (bounded) until the instance's custom status is `expected`. */
async function waitForCustomStatus(id, expected, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let state;
  while (Date.now() < deadline) {
    state = await client.getOrchestrationState(id, true);
    if (state?.serializedCustomStatus === JSON.stringify(expected)) {
      return state;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`custom status of ${id} never became ${expected}; last state: ${JSON.stringify(state)}`);
}

function range(n) {
  return Array.from({ length: n }, (_, i) => i + 1);
}

// ---- scenarios --------------------------------------------------------------------------------

describe("fan-out/fan-in", () => {
  test("three activities in parallel aggregate to the exact result", async () => {
    const state = await run(fanOutFanIn, [1, 2, 3]);

    assert.deepEqual(assertCompleted(state), { count: 3, sum: 14, squares: [1, 4, 9] });
    assert.equal(state.name, "fanOutFanIn");
    assert.equal(state.serializedInput, "[1,2,3]");
  });

  test("a thousand activities all return, in order", async (t) => {
    const numbers = range(1000);
    const started = performance.now();

    const state = await run(fanOutFanIn, numbers, 60);

    t.diagnostic(`1000-item fan-out took ${Math.round(performance.now() - started)} ms`);
    const output = assertCompleted(state);
    assert.equal(output.count, 1000);
    assert.equal(output.sum, (1000 * 1001 * 2001) / 6);
    assert.deepEqual(
      output.squares,
      numbers.map((n) => n * n),
    );
  });
});

describe("retry", () => {
  test("an activity failing twice succeeds on the third attempt of the retry policy", async () => {
    const state = await run(retryThreeTimes, 2);

    assert.equal(assertCompleted(state), "succeeded on attempt 3");
    const attempts = flakyAttempts.get(state.instanceId);
    assert.equal(attempts.length, 3);
    for (let i = 1; i < attempts.length; i++) {
      assert.ok(
        attempts[i] - attempts[i - 1] >= RETRY_INTERVAL_MS,
        `attempt ${i + 1} came ${attempts[i] - attempts[i - 1]} ms after attempt ${i}`,
      );
    }
  });

  test("an activity failing more often than the policy allows fails the orchestration", async () => {
    const state = await run(retryThreeTimes, 5);

    assert.equal(state.runtimeStatus, OrchestrationStatus.FAILED);
    assert.match(state.failureDetails.message, /transient failure 3/);
    assert.equal(flakyAttempts.get(state.instanceId).length, 3);
  });
});

describe("durable timer", () => {
  test("a two-second timer resumes the orchestration no earlier than two seconds later", async () => {
    const started = Date.now();

    const state = await run(durableTimer, 2);

    const elapsed = Date.now() - started;
    const { startedAt, resumedAt } = assertCompleted(state);
    assert.ok(resumedAt - startedAt >= 2000, `orchestration time advanced ${resumedAt - startedAt} ms`);
    assert.ok(elapsed >= 2000, `completed after ${elapsed} ms`);
  });
});

describe("external event", () => {
  test("an event raised while the orchestration waits is its result", async () => {
    const id = await client.scheduleNewOrchestration(approval);
    const waiting = await waitForCustomStatus(id, "waiting for approval");
    assert.equal(waiting.runtimeStatus, OrchestrationStatus.RUNNING);

    await client.raiseOrchestrationEvent(id, "approval", { approved: true, by: "alice" });
    const state = await client.waitForOrchestrationCompletion(id, true, WAIT_SECONDS);

    assert.deepEqual(assertCompleted(state), { decision: { approved: true, by: "alice" } });
    assert.equal(state.serializedCustomStatus, JSON.stringify("decided"));
  });

  test("an event raised before its deadline timer wins the race", async () => {
    const id = await client.scheduleNewOrchestration(approvalWithDeadline, 60);
    await client.waitForOrchestrationStart(id, false, WAIT_SECONDS);

    await client.raiseOrchestrationEvent(id, "approval", "yes");
    const state = await client.waitForOrchestrationCompletion(id, true, WAIT_SECONDS);

    assert.deepEqual(assertCompleted(state), { decision: "yes" });
  });

  test("with no event the deadline timer wins", async () => {
    const state = await run(approvalWithDeadline, 1);

    assert.equal(assertCompleted(state), "timed out");
  });
});

describe("sub-orchestrations", () => {
  test("children run in parallel and return their results to the parent", async () => {
    const names = ["Ada", "Grace", "Linus", "Margaret", "Ken"];

    const state = await run(greetEveryone, names);

    const children = assertCompleted(state);
    assert.deepEqual(
      children.map((child) => child.greeting),
      names.map((name) => `Hello, ${name}!`),
    );
    assert.equal(new Set(children.map((child) => child.instanceId)).size, names.length);
    for (const child of children) {
      assert.equal(child.parentId, state.instanceId);
      const childState = await client.getOrchestrationState(child.instanceId, true);
      assert.equal(childState.name, "greetOne");
      assert.equal(childState.runtimeStatus, OrchestrationStatus.COMPLETED);
      assert.deepEqual(JSON.parse(childState.serializedOutput), child);
    }
  });

  test("a failing child surfaces to the parent as a catchable task failure", async () => {
    const state = await run(rescueFailedChild);

    assert.equal(assertCompleted(state), "rescued: child failed: boom");
  });
});

describe("history and instance ids", () => {
  test("getOrchestrationHistory returns exactly the events of a finished fan-out", async () => {
    const state = await run(fanOutFanIn, [1, 2, 3]);
    assertCompleted(state);

    const history = await client.getOrchestrationHistory(state.instanceId);

    const ofType = (type) => history.filter((event) => event.type === type);
    const [started] = ofType(HistoryEventType.ExecutionStarted);
    assert.equal(ofType(HistoryEventType.ExecutionStarted).length, 1);
    assert.equal(started.name, "fanOutFanIn");
    assert.equal(started.input, "[1,2,3]");
    assert.equal(started.orchestrationInstance?.instanceId, state.instanceId);
    const scheduled = ofType(HistoryEventType.TaskScheduled);
    assert.deepEqual(
      scheduled.map((event) => [event.name, event.input]),
      [
        ["square", "1"],
        ["square", "2"],
        ["square", "3"],
      ],
    );
    // Each result answers the task whose event id it names: the square of that task's input.
    const inputOf = new Map(scheduled.map((event) => [event.eventId, Number(event.input)]));
    assert.equal(inputOf.size, 3, "task event ids are not distinct");
    const completed = ofType(HistoryEventType.TaskCompleted);
    assert.deepEqual(
      completed.map((event) => Number(event.result)).sort(),
      [1, 4, 9],
    );
    for (const event of completed) {
      assert.equal(Number(event.result), inputOf.get(event.taskScheduledId) ** 2);
    }
    const [ended] = ofType(HistoryEventType.ExecutionCompleted);
    assert.equal(ofType(HistoryEventType.ExecutionCompleted).length, 1);
    assert.deepEqual(JSON.parse(ended.result), { count: 3, sum: 14, squares: [1, 4, 9] });
    assert.equal(history.at(-1).type, HistoryEventType.ExecutionCompleted);
    // Only episode markers and the events above: nothing lost, nothing extra.
    const markers = [HistoryEventType.OrchestratorStarted, HistoryEventType.OrchestratorCompleted];
    assert.equal(
      history.filter((event) => !markers.includes(event.type)).length,
      1 + scheduled.length + completed.length + 1,
    );
    for (const event of history) {
      assert.ok(event.timestamp instanceof Date && !Number.isNaN(event.timestamp.getTime()));
    }
  });

  test("getOrchestrationHistory of an unknown instance is empty", async () => {
    assert.deepEqual(await client.getOrchestrationHistory("no-such-instance"), []);
  });

  test("listInstanceIds pages through ended instances in order of completion", async () => {
    const since = new Date(Date.now() - 1000);
    const ids = [];
    for (let i = 0; i < 5; i++) {
      const state = await run(fanOutFanIn, [i]);
      assertCompleted(state);
      ids.push(state.instanceId);
    }

    const listed = [];
    let lastInstanceKey;
    let pages = 0;
    do {
      const page = await client.listInstanceIds({
        runtimeStatus: [OrchestrationStatus.COMPLETED],
        completedTimeFrom: since,
        pageSize: 2,
        lastInstanceKey,
      });
      assert.ok(page.values.length <= 2);
      listed.push(...page.values);
      lastInstanceKey = page.continuationToken;
      pages++;
    } while (lastInstanceKey && pages < 100);

    assert.equal(new Set(listed).size, listed.length, `an id was listed twice: ${listed}`);
    // Other scenarios may end instances meanwhile; ours come in the order they completed.
    assert.deepEqual(
      listed.filter((id) => ids.includes(id)),
      ids,
    );
    const running = await client.listInstanceIds({ runtimeStatus: [OrchestrationStatus.RUNNING] });
    assert.deepEqual(running.values, []);
  });
});

/** Polls (bounded) until the entity's state satisfies `accept`; returns its metadata. */
async function waitForEntity(id, accept, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let entity;
  while (Date.now() < deadline) {
    entity = await client.getEntity(id);
    if (accept(entity)) {
      return entity;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`entity ${id} never reached the expected state; last: ${JSON.stringify(entity)}`);
}

describe("durable entities", () => {
  test("a counter signalled by the client and called by an orchestration holds the exact sum", async () => {
    const key = `c-${Date.now()}`;
    const counter = new EntityInstanceId("counter", key);
    for (const amount of [1, 2, 3]) {
      await client.signalEntity(counter, "add", amount);
    }
    const read = assertCompleted(await run(addAndRead, { key, amount: 10 }));
    assert.equal(read, 16);
    const entity = await client.getEntity(counter);
    assert.equal(entity.state, 16);
    assert.equal(entity.id.toString(), `@counter@${key}`);
  });

  test("ten transfers at once in both directions between two locked accounts conserve the total", async () => {
    const a = `a-${Date.now()}`;
    const b = `b-${Date.now()}`;
    await client.signalEntity(new EntityInstanceId("account", a), "deposit", 1000);
    await client.signalEntity(new EntityInstanceId("account", b), "deposit", 1000);
    const moves = [];
    for (let i = 1; i <= 5; i++) {
      moves.push({ from: a, to: b, amount: i * 10 });
      moves.push({ from: b, to: a, amount: i * 7 });
    }
    const ids = await Promise.all(moves.map((move) => client.scheduleNewOrchestration(transfer, move)));
    const states = await Promise.all(ids.map((id) => client.waitForOrchestrationCompletion(id, true, 60)));
    for (const state of states) {
      assert.equal(assertCompleted(state), true);
    }
    const balanceA = (await client.getEntity(new EntityInstanceId("account", a))).state;
    const balanceB = (await client.getEntity(new EntityInstanceId("account", b))).state;
    assert.equal(balanceA + balanceB, 2000);
    assert.equal(balanceA, 1000 - 150 + 105);
    assert.equal(balanceB, 1000 + 150 - 105);
  });

  test("an operation that throws reaches the calling orchestration with its message", async () => {
    const output = assertCompleted(await run(callFailingOperation, `f-${Date.now()}`));
    assert.equal(output.failed, true);
    assert.match(output.message, /the counter refuses/);
  });

  test("a query by name prefix pages through exactly the matching entities", async () => {
    const stamp = Date.now();
    const keys = range(7).map((i) => `page-${stamp}-${i}`);
    for (const key of keys) {
      await client.signalEntity(new EntityInstanceId("counter", key), "add", 1);
    }
    for (const key of keys) {
      await waitForEntity(new EntityInstanceId("counter", key), (entity) => entity?.state === 1);
    }
    const pages = [];
    for await (const page of client
      .getEntities({ instanceIdStartsWith: `Counter@page-${stamp}-`, pageSize: 3 })
      .asPages()) {
      pages.push(page.values.map((entity) => [entity.id.key, entity.state]));
    }
    const expected = keys.map((key) => [key, 1]);
    assert.deepEqual(pages, [expected.slice(0, 3), expected.slice(3, 6), expected.slice(6)]);
  });

  test("cleaning storage removes exactly the entities whose state was deleted", async () => {
    const stamp = Date.now();
    const ids = range(4).map((i) => new EntityInstanceId("counter", `clean-${stamp}-${i}`));
    for (const id of ids) {
      await client.signalEntity(id, "add", 5);
    }
    for (const id of ids) {
      await waitForEntity(id, (entity) => entity?.state === 5);
    }
    await client.signalEntity(ids[0], "delete");
    await client.signalEntity(ids[1], "delete");
    await waitForEntity(ids[0], (entity) => entity === undefined);
    await waitForEntity(ids[1], (entity) => entity === undefined);
    const transientBefore = [];
    for await (const entity of client.getEntities({
      instanceIdStartsWith: `counter@clean-${stamp}`,
      includeTransient: true,
    })) {
      transientBefore.push(entity.id.key);
    }
    assert.equal(transientBefore.length, 4);

    const result = await client.cleanEntityStorage({ removeEmptyEntities: true, releaseOrphanedLocks: true });

    assert.equal(result.emptyEntitiesRemoved, 2);
    const remaining = [];
    for await (const entity of client.getEntities({
      instanceIdStartsWith: `counter@clean-${stamp}`,
      includeTransient: true,
    })) {
      remaining.push([entity.id.key, entity.state]);
    }
    assert.deepEqual(remaining, [
      [`clean-${stamp}-3`, 5],
      [`clean-${stamp}-4`, 5],
    ]);
  });
});

describe("versioning", () => {
  // Workers of their own, in a task hub of their own: the suite's main worker hosts everything in
  // `default` and would run this orchestration whatever its version.
  const inVersioningHub = async () => {
    const metadata = new grpc.Metadata();
    metadata.set("taskhub", "versioning");
    return metadata;
  };

  function versionedWorker(version, result) {
    const worker = new TaskHubGrpcWorker({
      hostAddress: endpoint,
      logger: quietLogger,
      metadataGenerator: inVersioningHub,
      versioning: {
        version,
        matchStrategy: VersionMatchStrategy.Strict,
        failureStrategy: VersionFailureStrategy.Reject,
      },
    });
    // The same orchestrator name on both workers; each answers with its own result.
    const versioned = {
      versioned: async function* () {
        return result;
      },
    }.versioned;
    worker.addOrchestrator(versioned);
    return worker;
  }

  test("a worker that rejects a version abandons it, and a worker of that version runs it", async () => {
    const versioningClient = new TaskHubGrpcClient({
      hostAddress: endpoint,
      logger: quietLogger,
      metadataGenerator: inVersioningHub,
    });
    const oldWorker = versionedWorker("1.0", "ran on 1.0");
    const newWorker = versionedWorker("2.0", "ran on 2.0");
    try {
      await oldWorker.start();
      const id = await versioningClient.scheduleNewOrchestration("versioned", undefined, {
        version: "2.0",
      });

      // Only the 1.0 worker is there: it refuses the episode again and again, ever more slowly,
      // and the instance waits instead of failing.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const waiting = await versioningClient.getOrchestrationState(id, false);
      assert.equal(waiting.runtimeStatus, OrchestrationStatus.PENDING);

      await newWorker.start();
      const state = await versioningClient.waitForOrchestrationCompletion(id, true, WAIT_SECONDS);
      assert.equal(assertCompleted(state), "ran on 2.0");
    } finally {
      await Promise.allSettled([oldWorker.stop(), newWorker.stop(), versioningClient.stop()]);
    }
  });
});

describe("work-item filters", () => {
  // Workers of their own, in a task hub of their own, each hosting different names and sending
  // filters derived from what it registered (workItemFilters: "auto").
  const inFiltersHub = async () => {
    const metadata = new grpc.Metadata();
    metadata.set("taskhub", "filters");
    return metadata;
  };

  /** Where each activity ran: activity name -> worker names. */
  const ranOn = new Map();

  function filteredWorker(workerName, orchestrators, activities) {
    const worker = new TaskHubGrpcWorker({
      hostAddress: endpoint,
      logger: quietLogger,
      metadataGenerator: inFiltersHub,
      workItemFilters: "auto",
    });
    orchestrators.forEach((orchestrator) => worker.addOrchestrator(orchestrator));
    for (const activity of activities) {
      // A named function per worker, so the registered name is the activity's own.
      const named = {
        [activity.name]: (ctx, input) => {
          ranOn.set(activity.name, [...(ranOn.get(activity.name) ?? []), workerName]);
          return activity(ctx, input);
        },
      }[activity.name];
      worker.addActivity(named);
    }
    return worker;
  }

  async function* billing(ctx, amounts) {
    const charges = yield whenAll(amounts.map((amount) => ctx.callActivity(charge, amount)));
    return { orchestration: "billing", charges };
  }
  function charge(_ctx, amount) {
    return amount * 100;
  }
  async function* shipping(ctx, parcels) {
    const labels = yield whenAll(parcels.map((parcel) => ctx.callActivity(label, parcel)));
    return { orchestration: "shipping", labels };
  }
  function label(_ctx, parcel) {
    return `label-${parcel}`;
  }
  async function* latecomer() {
    return "ran on the late worker";
  }

  test("each worker runs only its own orchestrations and activities; unhosted work waits for its worker", async () => {
    const filtersClient = new TaskHubGrpcClient({
      hostAddress: endpoint,
      logger: quietLogger,
      metadataGenerator: inFiltersHub,
    });
    const billingWorker = filteredWorker("billing-worker", [billing], [charge]);
    const shippingWorker = filteredWorker("shipping-worker", [shipping], [label]);
    const lateWorker = filteredWorker("late-worker", [latecomer], []);
    try {
      await billingWorker.start();
      await shippingWorker.start();
      const billingId = await filtersClient.scheduleNewOrchestration(billing, [1, 2, 3]);
      const shippingId = await filtersClient.scheduleNewOrchestration(shipping, ["a", "b"]);
      const lateId = await filtersClient.scheduleNewOrchestration(latecomer);

      const billed = await filtersClient.waitForOrchestrationCompletion(billingId, true, WAIT_SECONDS);
      assert.deepEqual(assertCompleted(billed), { orchestration: "billing", charges: [100, 200, 300] });
      const shipped = await filtersClient.waitForOrchestrationCompletion(shippingId, true, WAIT_SECONDS);
      assert.deepEqual(assertCompleted(shipped), { orchestration: "shipping", labels: ["label-a", "label-b"] });
      assert.deepEqual(ranOn.get("charge"), ["billing-worker", "billing-worker", "billing-worker"]);
      assert.deepEqual(ranOn.get("label"), ["shipping-worker", "shipping-worker"]);

      // No connected worker hosts `latecomer`: it stays pending, never failed, for 3 s...
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const waiting = await filtersClient.getOrchestrationState(lateId, false);
      assert.equal(waiting.runtimeStatus, OrchestrationStatus.PENDING);

      // ...and completes as soon as a worker that hosts it connects.
      await lateWorker.start();
      const late = await filtersClient.waitForOrchestrationCompletion(lateId, true, WAIT_SECONDS);
      assert.equal(assertCompleted(late), "ran on the late worker");
    } finally {
      await Promise.allSettled([
        billingWorker.stop(),
        shippingWorker.stop(),
        lateWorker.stop(),
        filtersClient.stop(),
      ]);
    }
  });
});

describe("authentication", () => {
  // A second scheduler that requires a bearer token on every call (--auth-tokens).
  const guardedEndpoint = process.env.TASKHUB_AUTH_ENDPOINT;
  const token = process.env.TASKHUB_TOKEN;
  const withToken = async () => {
    const metadata = new grpc.Metadata();
    metadata.set("authorization", `Bearer ${token}`);
    return metadata;
  };

  test("with a worker and contributor token the fan-out runs; without one the call is refused", async (t) => {
    if (!guardedEndpoint) {
      assert.fail("Set TASKHUB_AUTH_ENDPOINT and TASKHUB_TOKEN to a scheduler that requires tokens");
    }
    const guardedWorker = new TaskHubGrpcWorker({
      hostAddress: guardedEndpoint,
      logger: quietLogger,
      metadataGenerator: withToken,
    });
    guardedWorker.addOrchestrator(fanOutFanIn);
    guardedWorker.addActivity(square);
    const guardedClient = new TaskHubGrpcClient({
      hostAddress: guardedEndpoint,
      logger: quietLogger,
      metadataGenerator: withToken,
    });
    const anonymous = new TaskHubGrpcClient({ hostAddress: guardedEndpoint, logger: quietLogger });
    try {
      await guardedWorker.start();
      const id = await guardedClient.scheduleNewOrchestration(fanOutFanIn, [1, 2, 3]);
      const state = await guardedClient.waitForOrchestrationCompletion(id, true, WAIT_SECONDS);
      assert.deepEqual(assertCompleted(state), { count: 3, sum: 14, squares: [1, 4, 9] });

      await assert.rejects(
        () => anonymous.scheduleNewOrchestration(fanOutFanIn, [1]),
        (error) => {
          assert.match(String(error?.message ?? error), /UNAUTHENTICATED|requires a token/);
          return true;
        },
      );
    } finally {
      await Promise.allSettled([guardedWorker.stop(), guardedClient.stop(), anonymous.stop()]);
    }
  });
});

describe("TLS", () => {
  // A third scheduler that serves TLS with a certificate the Java side made (--tls-cert/--tls-key).
  const tlsEndpoint = process.env.TASKHUB_TLS_ENDPOINT;
  const caFile = process.env.TASKHUB_TLS_CA;

  test("trusting the scheduler's certificate the fan-out runs over TLS; plaintext is refused", async () => {
    if (!tlsEndpoint || !caFile) {
      assert.fail("Set TASKHUB_TLS_ENDPOINT and TASKHUB_TLS_CA to a scheduler that serves TLS");
    }
    const credentials = grpc.credentials.createSsl(readFileSync(caFile));
    const tlsWorker = new TaskHubGrpcWorker({ hostAddress: tlsEndpoint, credentials, logger: quietLogger });
    tlsWorker.addOrchestrator(fanOutFanIn);
    tlsWorker.addActivity(square);
    const tlsClient = new TaskHubGrpcClient({ hostAddress: tlsEndpoint, credentials, logger: quietLogger });
    const plaintext = new TaskHubGrpcClient({ hostAddress: tlsEndpoint, logger: quietLogger });
    try {
      await tlsWorker.start();
      const id = await tlsClient.scheduleNewOrchestration(fanOutFanIn, [2, 3]);
      const state = await tlsClient.waitForOrchestrationCompletion(id, true, WAIT_SECONDS);
      assert.deepEqual(assertCompleted(state), { count: 2, sum: 13, squares: [4, 9] });
      await assert.rejects(() => plaintext.scheduleNewOrchestration(fanOutFanIn, [1]));
    } finally {
      await Promise.allSettled([tlsWorker.stop(), tlsClient.stop(), plaintext.stop()]);
    }
  });

  // A fourth scheduler that also requires a client certificate chained to --tls-client-ca (mTLS).
  const mtlsEndpoint = process.env.TASKHUB_MTLS_ENDPOINT;
  const clientCertFile = process.env.TASKHUB_MTLS_CLIENT_CERT;
  const clientKeyFile = process.env.TASKHUB_MTLS_CLIENT_KEY;
  const strangerCertFile = process.env.TASKHUB_MTLS_STRANGER_CERT;
  const strangerKeyFile = process.env.TASKHUB_MTLS_STRANGER_KEY;

  test("with a client certificate the fan-out runs over mTLS; without one, or with an untrusted one, calls are refused", async () => {
    if (!mtlsEndpoint || !caFile || !clientCertFile || !clientKeyFile || !strangerCertFile || !strangerKeyFile) {
      assert.fail(
        "Set TASKHUB_MTLS_ENDPOINT, TASKHUB_TLS_CA, TASKHUB_MTLS_CLIENT_CERT/_KEY and TASKHUB_MTLS_STRANGER_CERT/_KEY",
      );
    }
    const ca = readFileSync(caFile);
    // The SDK takes any grpc-js ChannelCredentials: createSsl(root CAs, client key, client chain).
    const credentials = grpc.credentials.createSsl(ca, readFileSync(clientKeyFile), readFileSync(clientCertFile));
    const mtlsWorker = new TaskHubGrpcWorker({ hostAddress: mtlsEndpoint, credentials, logger: quietLogger });
    mtlsWorker.addOrchestrator(fanOutFanIn);
    mtlsWorker.addActivity(square);
    const mtlsClient = new TaskHubGrpcClient({ hostAddress: mtlsEndpoint, credentials, logger: quietLogger });
    const withoutCertificate = new TaskHubGrpcClient({
      hostAddress: mtlsEndpoint,
      credentials: grpc.credentials.createSsl(ca),
      logger: quietLogger,
    });
    const stranger = new TaskHubGrpcClient({
      hostAddress: mtlsEndpoint,
      credentials: grpc.credentials.createSsl(ca, readFileSync(strangerKeyFile), readFileSync(strangerCertFile)),
      logger: quietLogger,
    });
    const refusedAtTheHandshake = (error) => {
      assert.match(String(error?.message ?? error), /UNAVAILABLE/);
      return true;
    };
    try {
      await mtlsWorker.start();
      const id = await mtlsClient.scheduleNewOrchestration(fanOutFanIn, [1, 2, 3, 4]);
      const state = await mtlsClient.waitForOrchestrationCompletion(id, true, WAIT_SECONDS);
      assert.deepEqual(assertCompleted(state), { count: 4, sum: 30, squares: [1, 4, 9, 16] });

      await assert.rejects(() => withoutCertificate.scheduleNewOrchestration(fanOutFanIn, [1]), refusedAtTheHandshake);
      await assert.rejects(() => stranger.scheduleNewOrchestration(fanOutFanIn, [1]), refusedAtTheHandshake);
    } finally {
      await Promise.allSettled([mtlsWorker.stop(), mtlsClient.stop(), withoutCertificate.stop(), stranger.stop()]);
    }
  });
});
