/**
 * `flytekit/internal/local`: the part of flytekit/internal.ts that a local `flyte run` needs —
 * loading files, finding entities, describing their inputs, running them — without what only
 * registration and the worker use (the admin IDL specs, isolates' thread kit, uploads). Importing
 * the whole internal API would build the admin messages' descriptors on every local run.
 */
// First, as in internal.ts: the local runner is installed before anything calls an entity.
import "./local/run.ts";

export { type CallableEntity } from "./entity.ts";
export { loadEntities, findEntity, type LoadedEntity } from "./loader.ts";
export { runLocally, planOf, type LocalRunOptions, type LocalPlan } from "./local/run.ts";
export { literalTypeOf, describeType } from "./types/index.ts";
export { parseDuration } from "./duration-text.ts";
export { gatesOf, type GateInfo, type SignalPrompt } from "./local/signals.ts";
