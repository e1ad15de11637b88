/**
 * Running an eager task's body in this process. The body runs inside an async-local "eager
 * scope": a call it makes outside any workflow body lands here instead of starting a separate
 * local run. Each call is traced into a one-node job spec and handed to the engine's
 * `EagerController`, which runs it as a recorded child node; the outputs come back as natives.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { TaskRunRequest } from "@flyte/engine";
import { callEntity } from "../call.ts";
import { entityPhrase, type CallableEntity } from "../entity.ts";
import type { EagerDefinition } from "../eager.ts";
import { FlyteError } from "../errors.ts";
import { buildJobSpec, settingsOf } from "../job-spec.ts";
import { outputsToRecord, shapeNativeOutputs } from "../outputs.ts";
import { typedInterfaceOf } from "../serialize/interface.ts";
import type { TaskDefinition } from "../task.ts";
import { fromLiteralMap } from "../types/index.ts";
import { hasData } from "../types/blob.ts";
import { hasOffloadedLiterals } from "../data/offload-check.ts";

/** Where calls made inside an eager body go. */
interface EagerScope {
  call(entity: CallableEntity, inputs: Record<string, unknown>): Promise<unknown>;
}

const scopes = new AsyncLocalStorage<EagerScope | undefined>();

/** The call, routed to the eager body that made it; `undefined` outside any eager body. */
export function eagerCall(entity: CallableEntity, inputs: Record<string, unknown>): Promise<unknown> | undefined {
  return scopes.getStore()?.call(entity, inputs);
}

/** Runs `fn` outside any eager scope (plain task bodies: their own calls are separate local runs). */
export function outsideEager<T>(fn: () => T): T {
  return scopes.run(undefined, fn);
}

/**
 * Runs one attempt of an eager task. `register` makes the tasks its calls use known to the
 * runner; `fallback` runs a call when the engine gave no controller (a separate local run).
 */
export async function executeEager(
  task: EagerDefinition,
  request: TaskRunRequest,
  register: (definitions: ReadonlyMap<string, TaskDefinition>) => void,
  fallback: (entity: CallableEntity, inputs: Record<string, unknown>) => Promise<unknown>,
): Promise<LiteralMap> {
  const sig = task.signature;
  const inputs = hasOffloadedLiterals(request.inputs)
    ? await (await import("../data/offload.ts")).resolveOffloaded(request.inputs, `eager '${task.name}' input`)
    : request.inputs;
  const natives = fromLiteralMap(inputs, sig.inputs, task.name, "input");
  const settings = settingsOf(request.task.id);
  const controller = request.eager;
  const what = `eager '${task.name}'`;
  const scope: EagerScope = {
    async call(entity, inputs) {
      if (controller === undefined) return outsideEager(() => fallback(entity, inputs));
      const label = `call of ${entityPhrase(entity)} in ${what}`;
      // Local files the body made (a path it passes on) go to the attempt's store, where the
      // called task — perhaps on another worker — can read them.
      const args = Object.values(entity.signature.inputs).some(hasData)
        ? await (await import("../data/prepare.ts")).prepareValues(inputs, entity.signature.inputs, label, "input", "upload")
        : inputs;
      const built = buildJobSpec(entity, "n", () => callEntity(entity, [args]), settings, label);
      if (built.kind === "outputs") return shapeNativeOutputs(entity.signature, fromLiteralMap(built.outputs, entity.signature.outputs, entity.name, "output"));
      if (built.kind === "values") return shapeNativeOutputs(entity.signature, built.record);
      register(built.definitions);
      const iface = typedInterfaceOf(entity.name, { ...entity.signature, inputs: {}, inputNames: [] });
      const result = await controller.run({ spec: built.spec, interface: iface });
      const node = `${request.nodeId}-${result.childId}`;
      if (!result.ok) {
        throw new FlyteError("E_EAGER_CALL_FAILED", `${what}: the call of ${entityPhrase(entity)} (node ${node}) failed: ${result.error.message}`, {
          cause: result.error,
        });
      }
      return shapeNativeOutputs(entity.signature, fromLiteralMap(result.outputs, entity.signature.outputs, entityPhrase(entity), "output"));
    },
  };
  const returned = await scopes.run(scope, () => task.fn(natives));
  // Returned local paths, streams and tables are uploaded; large outputs are offloaded.
  return task.encodeOutputs(outputsToRecord(task, returned));
}
