/**
 * Cross-package glue for the CLI, the worker and the server. Not part of the public API: names
 * here may change without notice.
 */
import "./local/run.ts";

export { definitionOf, type CallableEntity, type EntityLocation } from "./entity.ts";
export { loadEntities, loadProject, findEntity, type LoadedEntity, type LoadedModule, type LoadedProject } from "./loader.ts";
export { applyNames, namesOf, type ModuleNamespace } from "./naming.ts";
export { referenceFromArgs, resolveTask, type TaskReference } from "./task-reference.ts";
export { projectRootOf, modulePathOf } from "./project.ts";
export { runLocally, planOf, type LocalRunOptions, type LocalPlan } from "./local/run.ts";
export { InProcessTaskRunner, failureOf } from "./local/in-process-runner.ts";
export { TaskDefinition } from "./task.ts";
export { WorkflowDefinition } from "./workflow.ts";
export { LaunchPlanDefinition } from "./launch-plan.ts";
export { ConditionalDefinition } from "./conditional.ts";
export { launchPlanOf } from "./serialize/launch-plan-spec.ts";
export { cronProblem } from "./schedule.ts";
export { MapTaskDefinition } from "./map-task.ts";
export { DynamicDefinition } from "./dynamic.ts";
export { EagerDefinition } from "./eager.ts";
export { specsOf, specMessage, defaultLaunchPlanOf, type EntitySpec } from "./serialize/specs.ts";
export { REGISTRATION_PLACEHOLDERS, LOCAL_SETTINGS, type SerializationSettings } from "./serialize/settings.ts";
export { taskTemplateOf } from "./serialize/task-template.ts";
export { workflowBundleOf, type WorkflowBundle } from "./serialize/workflow-template.ts";
export { literalTypeOf, transformerFor, describeType } from "./types/index.ts";
export type { Signature } from "./signature.ts";
export { parseDuration, type DurationInput } from "./duration-text.ts";
export { gatesOf, LocalSignalSource, type GateInfo, type SignalPrompt } from "./local/signals.ts";
export { DiskCatalog, localCacheDir, localCacheEnabled } from "./local/disk-cache.ts";
export { Isolate, DEFAULT_GRACE_MS, type IsolateEnd, type IsolateOptions, type IsolateRunOptions } from "./isolate/isolate.ts";
export { IsolateFactory } from "./isolate/isolate-factory.ts";
export { serveIsolate, type ThreadAttempt, type AttemptHandler } from "./isolate/thread-kit.ts";
export { isolateEndFailure, ISOLATE_FAILURE_CODES } from "./isolate/end-failure.ts";
export { memoryMbOf, heapLimitsOf } from "./isolate/memory-limit.ts";
export { threadState } from "./isolate/thread-state.ts";
export { redactSecrets } from "./isolate/secret-redaction.ts";
export { ISOLATION_CONFIG_KEY } from "./serialize/task-template.ts";
export { prepareValues, verifyInputs, hasData, type PrepareMode } from "./data/prepare.ts";
export { attemptDataContext, runInDataContext, currentDataContext, localDataDir, type DataContext } from "./data/data-context.ts";
export { HttpStore } from "./data/http-store.ts";
export { FileStore, fileUriOf, localPathOf } from "./data/file-store.ts";
export { storeFor, joinUri, hasScheme, type DataStore } from "./data/store.ts";
export { dataKindOf, type DataKind } from "./types/blob.ts";
export { dataSchemaOfType } from "./data/schema-of-type.ts";
export { downloadTo } from "./data/flyte-file.ts";
export { offloadLargeLiterals, resolveOffloaded } from "./data/offload.ts";
export { offloadThreshold, DEFAULT_OFFLOAD_MIN_BYTES } from "./data/offload-check.ts";
