/**
 * @flyte/engine: the compiler and the one execution core shared by local runs and the server.
 */
export type { CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
export { Channel } from "./runtime/channel.ts";
export { ENVELOPE_HEADER, FLAG_COMPRESSED, FLAG_END_STREAM, EnvelopeReader, EnvelopeTooLarge, envelope, envelopeHeader, writeEnvelope, type Envelope } from "./runtime/envelopes.ts";
export { systemClock, type Clock } from "./runtime/clock.ts";
export type { ErrorKind, ExecutionError, TaskFailure } from "./runtime/errors.ts";
export type { ArrayItemRef, EventSink, ExecutionEvent, NodeExecutionEvent, TaskExecutionEvent, WorkflowExecutionEvent } from "./runtime/events.ts";
export type { NodeExecutionPhase, TaskExecutionPhase, WorkflowExecutionPhase } from "./runtime/phases.ts";
export type { TaskRunRequest, TaskRunResult, TaskRunner } from "./runtime/task-runner.ts";
export type { EagerChildRequest, EagerChildResult, EagerController } from "./runtime/eager-controller.ts";
export { MemoryCatalog, type CacheKey, type CacheStatus, type Catalog, type Reservation } from "./runtime/catalog.ts";
export { SignalUnavailableError, type SignalRequest, type SignalSource } from "./runtime/signals.ts";
export { FAILURE_ERROR_INPUT, cacheKeyOf, gateErrorCodes, hashInputs, type CacheKeyParts } from "./executor/index.ts";
export {
  END_NODE_ID,
  START_NODE_ID,
  compileWorkflow,
  formatDiagnostics,
  identifierKey,
  isCastable,
  type CompileInput,
  type CompileResult,
  type Diagnostic,
  type DiagnosticCode,
} from "./compiler/index.ts";
export { Engine, compileJobSpecClosure, type EngineOptions, type ExecuteRequest, type ExecutionResult } from "./executor/index.ts";
export type { LaunchPlanResolver, OffloadedLiteralReader, ResolvedLaunchPlan } from "./executor/index.ts";
export { MemoryStore, type StateStore } from "./store/index.ts";
export { CRON_ALIASES, cronProblem, parseCron, type CronExpression } from "./cron.ts";
