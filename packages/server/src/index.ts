/**
 * @flyte/server: the single-process backend. `startServer` serves Flyte's AdminService
 * (registration, executions, node and task executions), DataProxyService, SignalService and the
 * worker protocol (WorkerService) over gRPC, gRPC-web and Connect on one port, backed by SQLite;
 * executions run durably on the engine and survive restarts.
 */
export { startServer, DEFAULT_PORT, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_UPLOAD_BYTES, type ServerOptions, type RunningServer } from "./server.ts";
export {
  EXECUTION_METHODS,
  unimplementedExecutions,
  type ExecutionService,
  type ExecutionServiceEnv,
  type ExecutionServiceFactory,
  type ExecutionServiceHooks,
} from "./api/execution-service.ts";
export { durableExecutions, type DurableExecutionsOptions, type DurableExecutionsParts } from "./executions/durable-executions.ts";
export { Orchestrator, DEFAULT_MAX_PARALLELISM, type OrchestratorOptions, type LaunchRequest } from "./executions/orchestrator.ts";
export { WorkerTaskRunner, workerService, WORKER_PROTOCOL, dispatchErrorCodes, type WorkerTaskRunnerOptions } from "./dispatch/index.ts";
export { SignalStore, signalService } from "./signals/index.ts";
export { SqliteCatalog } from "./catalog/index.ts";
export { Scheduler, type SchedulerOptions } from "./scheduler/scheduler.ts";
export type { RegistryContext } from "./api/context.ts";
export { RegistryStore, type EntityKey, type EntityKind, type EntityRow } from "./registry/registry-store.ts";
export { openDatabase, type Database, type DatabaseOptions } from "./db/database.ts";
export { migrate, type Migration } from "./db/migrations.ts";
